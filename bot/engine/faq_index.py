"""`FaqIndex`: ranked FAQ search, built once when the knowledge loads.

Every entry is indexed in all languages at once (its keywords, example questions and titles), so a
question typed in French, in English or in a mix of both meets the same entry; only the answer's
language depends on the user.

Scoring, for a query of normalised tokens q and an entry e:

- coverage: the share of the query's weight (idf) that e's vocabulary covers;
- closeness: the best idf-weighted cosine between q and one of e's example questions;
- score = 0.6 × coverage + 0.4 × closeness, in [0, 1].

A query token absent from the vocabulary is corrected to the nearest vocabulary token within one
edit (two for long words) through a deletion index (the SymSpell idea), so the cost of a typo does
not grow with the size of the knowledge base.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.engine.normalise import fold, language_votes, tokens

ANSWER_THRESHOLD = 0.5
SUGGEST_THRESHOLD = 0.25
AMBIGUITY_MARGIN = 0.03  # two entries this close: ask "did you mean" rather than guess
_CORRECTION_PENALTY = 0.8
_SECONDARY_FIELD = 0.85  # a word found only in example questions weighs a little less


@dataclass(frozen=True)
class IndexDoc:
    """What the index needs of one FAQ entry, in every language."""

    entry_id: str
    keywords: dict[str, list[str]] = field(default_factory=dict)  # lang -> keywords
    examples: dict[str, list[str]] = field(default_factory=dict)  # lang -> example questions
    titles: dict[str, str] = field(default_factory=dict)  # lang -> title


@dataclass(frozen=True)
class Match:
    entry_id: str
    score: float


@dataclass(frozen=True)
class SearchResult:
    """Ranked matches (best first) and the normalised query."""

    query: str
    matches: tuple[Match, ...]

    @property
    def best(self) -> Match | None:
        return self.matches[0] if self.matches else None

    @property
    def confident(self) -> bool:
        """The best match is good enough to answer, and clearly ahead of the runner-up."""
        if not self.matches or self.matches[0].score < ANSWER_THRESHOLD:
            return False
        return (
            len(self.matches) < 2
            or self.matches[0].score - self.matches[1].score >= AMBIGUITY_MARGIN
        )


class FaqIndex:
    """An inverted index over FAQ entries. Build once; `search` is read-only and thread-safe."""

    def __init__(self, docs: Iterable[IndexDoc]) -> None:
        self.entry_ids: list[str] = []
        entry_vocab: list[dict[str, float]] = []
        examples: list[tuple[int, frozenset[str]]] = []
        lang_words: dict[str, set[str]] = defaultdict(set)

        for doc in docs:
            e = len(self.entry_ids)
            self.entry_ids.append(doc.entry_id)
            vocab: dict[str, float] = {}
            primary = [kw for kws in doc.keywords.values() for kw in kws]
            primary += list(doc.titles.values())
            for text in primary:
                for t in tokens(text):
                    vocab[t] = 1.0
            for lang, questions in doc.examples.items():
                for q in questions:
                    toks = frozenset(tokens(q))
                    if toks:
                        examples.append((e, toks))
                    for t in toks:
                        vocab.setdefault(t, _SECONDARY_FIELD)
                    lang_words[lang].update(fold(q).split())
            entry_vocab.append(vocab)

        n = max(len(self.entry_ids), 1)
        df: dict[str, int] = defaultdict(int)
        for vocab in entry_vocab:
            for t in vocab:
                df[t] += 1
        self._idf = {t: math.log(1 + n / d) for t, d in df.items()}
        self._unknown_idf = math.log(1 + n)  # an unknown word weighs like the rarest one

        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for e, vocab in enumerate(entry_vocab):
            for t, w in vocab.items():
                self._postings[t].append((e, w))

        self._example_entry: list[int] = []
        self._example_norm: list[float] = []
        self._example_postings: dict[str, list[int]] = defaultdict(list)
        for x, (e, toks) in enumerate(examples):
            self._example_entry.append(e)
            self._example_norm.append(math.sqrt(sum(self._idf[t] ** 2 for t in toks)))
            for t in toks:
                self._example_postings[t].append(x)

        self._deletes: dict[str, list[str]] = defaultdict(list)
        for t in self._idf:
            if len(t) >= 4 and not t.isdigit():
                for d in _deletions(t, _max_edits(t)):
                    self._deletes[d].append(t)

        # words typical of one language only, to guess the language of a question
        self._lang_only = {
            lang: frozenset(
                w for w in words if all(w not in o for k, o in lang_words.items() if k != lang)
            )
            for lang, words in lang_words.items()
        }

    def __len__(self) -> int:
        return len(self.entry_ids)

    def search(self, text: str, limit: int = 3) -> SearchResult:
        """Rank entries for `text`; matches under `SUGGEST_THRESHOLD` are left out."""
        query = list(dict.fromkeys(tokens(text)))
        if not query:
            return SearchResult("", ())
        weighted: list[tuple[str, float]] = []
        total = 0.0
        unknown_sq = 0.0  # words we do not know still count against closeness
        for t in query:
            if t in self._idf:
                weighted.append((t, 1.0))
                total += self._idf[t]
                continue
            fixed = self._correct(t)
            if fixed is None:
                total += self._unknown_idf
                unknown_sq += self._unknown_idf**2
            elif fixed not in dict(weighted):
                weighted.append((fixed, _CORRECTION_PENALTY))
                total += self._idf[fixed]

        coverage: dict[int, float] = defaultdict(float)
        dots: dict[int, float] = defaultdict(float)
        q_norm_sq = unknown_sq
        for t, factor in weighted:
            idf = self._idf[t]
            q_norm_sq += idf * idf
            for e, w in self._postings[t]:
                coverage[e] += idf * w * factor
            for x in self._example_postings.get(t, ()):
                dots[x] += idf * idf * factor

        closeness: dict[int, float] = defaultdict(float)
        if q_norm_sq and weighted:
            q_norm = math.sqrt(q_norm_sq)
            for x, dot in dots.items():
                cos = dot / (q_norm * self._example_norm[x])
                e = self._example_entry[x]
                if cos > closeness[e]:
                    closeness[e] = cos

        scores = (
            (0.6 * cov / total + 0.4 * closeness.get(e, 0.0), e) for e, cov in coverage.items()
        )
        best = heapq.nlargest(limit, scores)
        matches = tuple(
            Match(self.entry_ids[e], round(min(s, 1.0), 4))
            for s, e in best
            if s >= SUGGEST_THRESHOLD
        )
        return SearchResult(" ".join(query), matches)

    def guess_lang(self, text: str) -> str | None:
        """The language `text` is most likely written in, or None when it is unclear."""
        fr, en = language_votes(text)
        votes = {"fr": fr, "en": en}
        for word in fold(text).split():
            for lang, only in self._lang_only.items():
                if word in only:
                    votes[lang] = votes.get(lang, 0) + 1
        ranked = sorted(votes.items(), key=lambda kv: kv[1], reverse=True)
        if not ranked or ranked[0][1] == 0 or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
            return None
        return ranked[0][0]

    def _correct(self, token: str) -> str | None:
        if len(token) < 4 or token.isdigit():
            return None
        best: tuple[int, int, str] | None = None
        for d in _deletions(token, _max_edits(token)) | {token}:
            for candidate in self._deletes.get(d, ()):
                dist = _distance(token, candidate)
                if dist > _max_edits(token):
                    continue
                rank = (dist, -len(self._postings[candidate]), candidate)
                if best is None or rank < best:
                    best = rank
        return best[2] if best else None


def _max_edits(token: str) -> int:
    return 2 if len(token) >= 8 else 1


def _deletions(word: str, depth: int) -> set[str]:
    out = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


def _distance(a: str, b: str) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance."""
    if a == b:
        return 0
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]
