"""`FaqIndex`: ranked FAQ search, built once when the knowledge loads.

Every entry is indexed in all languages at once (its keywords, example questions and titles), so a
question typed in French, in English or in a mix of both meets the same entry; only the answer's
language depends on the user.

Scoring, for a query of normalised tokens q and an entry e:

- coverage: the share of the query's weight (idf) that e's vocabulary covers;
- closeness: the best idf-weighted cosine between q and one of e's example questions;
- score = 0.6 × coverage + 0.4 × closeness, in [0, 1].

Coverage is accumulated from the posting lists of the query's rarer words only (common words
are scored by look-up on the candidates they find), and closeness is computed for the leading
candidates only, so a query costs about the same on 100 entries as on 10,000.

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
from operator import itemgetter

from rapidfuzz.distance import OSA

from bot.search.normalise import fold, language_votes, tokens

ANSWER_THRESHOLD = 0.5
SUGGEST_THRESHOLD = 0.25
AMBIGUITY_MARGIN = 0.03  # two entries this close: ask "did you mean" rather than guess
_CORRECTION_PENALTY = 0.8
_SECONDARY_FIELD = 0.85  # a word found only in example questions weighs a little less
_CANDIDATES = 16  # entries whose example questions are compared with the query
_RARE_MIN = 64  # posting lists up to this long are always walked …
_RARE_SHARE = 0.02  # … and up to this share of the entries in a large knowledge base
_CORRECTION_CACHE = 50_000  # corrected words remembered (bounded: queries are user input)
_MISSING = object()


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

        self._vocab = entry_vocab
        self._examples: list[list[tuple[frozenset[str], float]]] = [[] for _ in entry_vocab]
        for e, toks in examples:
            norm = math.sqrt(sum(self._idf[t] ** 2 for t in toks))
            self._examples[e].append((toks, norm))
        # a posting list longer than this is not walked: its word is scored by look-up instead
        self._rare_cap = max(_RARE_MIN, int(n * _RARE_SHARE))
        self._corrections: dict[str, str | None] = {}

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

        if not weighted:
            return SearchResult(" ".join(query), ())

        # Phase 1, coverage: walk the posting lists of the rarer words (cheap, and what tells
        # entries apart) to find candidates; score the common words on those candidates by
        # look-up. The cost follows the rare words' lists, not the size of the knowledge base.
        weighted.sort(key=lambda tw: len(self._postings[tw[0]]))
        coverage: dict[int, float] = {}
        common: list[tuple[str, float]] = []
        for t, factor in weighted:
            postings = self._postings[t]
            if len(postings) > self._rare_cap and coverage:
                common.append((t, factor))
                continue
            idf = self._idf[t]
            for e, w in postings:
                coverage[e] = coverage.get(e, 0.0) + idf * w * factor
        for e in coverage:
            vocab = self._vocab[e]
            for t, factor in common:
                w = vocab.get(t)
                if w:
                    coverage[e] += self._idf[t] * w * factor

        # Phase 2, closeness: the best idf-weighted cosine with one of the entry's example
        # questions, for the leading candidates only.
        q_weight = {t: self._idf[t] ** 2 * f for t, f in weighted}
        q_words = frozenset(q_weight)
        q_norm = math.sqrt(unknown_sq + sum(self._idf[t] ** 2 for t in q_words))
        if len(coverage) > _CANDIDATES:
            leaders = heapq.nlargest(_CANDIDATES, coverage.items(), key=itemgetter(1))
        else:
            leaders = coverage.items()
        scored = []
        for e, cov in leaders:
            closeness = 0.0
            for toks, norm in self._examples[e]:
                shared = toks & q_words  # a set operation in C; usually 0 to 3 words
                if shared:
                    cos = sum([q_weight[t] for t in shared]) / (q_norm * norm)
                    if cos > closeness:
                        closeness = cos
            scored.append((0.6 * cov / total + 0.4 * closeness, e))
        best = heapq.nlargest(limit, scored)
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
        """The vocabulary word nearest to `token` (fewest edits, then most common), if close."""
        if len(token) < 4 or token.isdigit():
            return None
        found = self._corrections.get(token, _MISSING)
        if found is not _MISSING:
            return found
        limit = _max_edits(token)
        seen: set[str] = set()
        best: tuple[int, int, str] | None = None
        for d in _deletions(token, limit) | {token}:
            for candidate in self._deletes.get(d, ()):
                if candidate in seen or abs(len(candidate) - len(token)) > limit:
                    continue
                seen.add(candidate)
                dist = OSA.distance(token, candidate, score_cutoff=limit)
                if dist > limit:
                    continue
                rank = (dist, -len(self._postings[candidate]), candidate)
                if best is None or rank < best:
                    best = rank
        found = best[2] if best else None
        if len(self._corrections) < _CORRECTION_CACHE:
            self._corrections[token] = found  # typos recur: "prefecure", "recepise"…
        return found


def _max_edits(token: str) -> int:
    return 2 if len(token) >= 8 else 1


def _deletions(word: str, depth: int) -> set[str]:
    out = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= frontier
    return out
