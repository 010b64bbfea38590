"""`FaqIndex`: ranked FAQ search, built once when the knowledge loads.

Every entry is indexed in every language at once, over all its fields (example questions, title,
answer, detail, keywords, and the figures it states), so a question typed in French, English or
a mix of both meets the same entry; only the answer's language depends on the user.

Ranking is BM25F: a word weighs by its rarity across entries (idf), by the field it is found in,
and with diminishing returns when repeated; a long question full of context still finds the
entry its rare words point to. Three rules then use what the question names:

- the RECE card named, no bilateral country: entries only about bilateral APS are left out, and
  the other way round;
- a nationality: that country's entry is preferred, other countries' entries are left out;
- a figure ("75 €", "2 734,55"): the entries that state it are found through the figures field.

A naive-Bayes model learned from the entries' own questions (`bot.search.bayes`) then weighs in
among the leading candidates, and `SearchResult.confident` (`bot.search.result`) decides between
answering, "did you mean" and "I don't know".

Cost: each (word, entry) weight is computed at build time; a query walks the posting lists of
its rarer words only (common words are scored by look-up on the candidates found), so a query
costs about the same on 100 entries as on 10,000. A word the index does not know is corrected to
the nearest known word within one or two edits through a deletion index (the SymSpell idea).
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from operator import itemgetter

from babel import Locale, UnknownLocaleError
from rapidfuzz.distance import OSA

from bot.search.analyze import NUMBER, Analyzer
from bot.search.bayes import NB_CANDIDATES, NB_FIELDS, NB_WEIGHT, NaiveBayes
from bot.search.lexicon import CONCEPT, Lexicon
from bot.search.normalise import fold
from bot.search.result import (
    ANSWER_THRESHOLD,
    SUGGEST_SHARE,
    SUGGEST_THRESHOLD,
    Match,
    SearchResult,
    score_of,
)

# --- ranking (BM25F), calibrated on the dev half of eval/questions.yaml --------------------------
FIELD_WEIGHTS = {
    "title": 2.0,
    "keywords": 2.0,
    "examples": 1.5,
    "answer": 1.0,
    "more": 0.4,
    "figures": 2.5,
}
K1 = 3.0  # how fast repeating a word stops adding weight
B = 0.9  # how much a long field is discounted
CORRECTION_FACTOR = 0.8  # a typo-corrected word counts a little less
CLOSENESS = 3.0  # weight of the best cosine between the question and one example question
_CANDIDATES = 4  # entries whose example questions are compared with the question
NATIONALITY_BOOST = 0.3  # an entry about the nationality the question names
# --- cost ------------------------------------------------------------------------------------------
_RARE_MIN = 32  # posting lists up to this long are always walked …
_RARE_SHARE = 0.02  # … and up to this share of the entries in a large knowledge base
_CORRECTION_CACHE = 50_000  # corrected words remembered (bounded: queries are user input)
_MISSING = object()


@dataclass(frozen=True)
class IndexDoc:
    """What the index needs of one FAQ entry.

    Attributes:
        entry_id: the entry's id.
        fields: ``(field, lang, text)`` triples; field is a key of `FIELD_WEIGHTS`.
        figures: number tokens of the figures the entry states (every dated value).
        scope: ``rece`` or ``bilateral`` when the entry applies to that status only.
        nationality: the concept of the nationality the entry is about, if any.
    """

    entry_id: str
    fields: tuple[tuple[str, str, str], ...] = ()
    figures: tuple[str, ...] = ()
    scope: str = ""
    nationality: str = ""


@dataclass(frozen=True)
class SearchRules:
    """Which concepts (names, without "@") name the RECE card, and which a bilateral APS."""

    rece: frozenset[str] = frozenset()
    bilateral: frozenset[str] = frozenset()


class FaqIndex:
    """An inverted index over FAQ entries. Build once; `search` is read-only and thread-safe."""

    def __init__(
        self,
        docs: Iterable[IndexDoc],
        lexicons: Mapping[str, Lexicon],
        rules: SearchRules = SearchRules(),
    ) -> None:
        self.analyzer = Analyzer(lexicons)
        self.rules = rules
        self.entry_ids: list[str] = []
        self._scope: list[str] = []
        self._nationality: list[str] = []
        counts: list[dict[tuple[str, str], int]] = []  # entry -> (field, term) -> count
        lengths: list[dict[str, int]] = []  # entry -> field -> number of terms
        example_terms: list[list[frozenset[str]]] = []  # entry -> each example's terms
        surface: set[str] = set()  # folded words seen, for typo correction
        lang_words: dict[str, set[str]] = defaultdict(set)
        nb_counts: list[dict[str, int]] = []

        for doc in docs:
            self.entry_ids.append(doc.entry_id)
            self._scope.append(doc.scope)
            self._nationality.append(CONCEPT + doc.nationality if doc.nationality else "")
            tf: dict[tuple[str, str], int] = defaultdict(int)
            length: dict[str, int] = defaultdict(int)
            examples: list[frozenset[str]] = []
            said: dict[str, int] = defaultdict(int)  # the terms of the entry's question-like fields
            for name, lang, text in doc.fields:
                terms, words = self.analyzer.doc_analysis(text, lang)
                if name in NB_FIELDS:
                    for term in terms:
                        said[term] += 1
                if name == "examples" and terms:
                    examples.append(frozenset(terms))
                for term in terms:
                    tf[(name, term)] += 1
                length[name] += len(terms)
                surface.update(w for w in words if len(w) >= 4 and not w.isdigit())
                if name in ("title", "answer", "more"):  # translations: one language each
                    lang_words[lang].update(words)
            for token in doc.figures:
                tf[("figures", token)] += 1
            length["figures"] += len(doc.figures)
            counts.append(tf)
            lengths.append(length)
            example_terms.append(examples)
            nb_counts.append(said)

        n = max(len(self.entry_ids), 1)
        average = {
            name: max(sum(ln.get(name, 0) for ln in lengths) / n, 1.0) for name in FIELD_WEIGHTS
        }
        df: dict[str, int] = defaultdict(int)
        for tf in counts:
            for term in {t for _, t in tf}:
                df[term] += 1
        self._idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}

        # BM25F: per entry and term, the weighted, length-normalised frequency, saturated
        self._weights: list[dict[str, float]] = []
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for e, tf in enumerate(counts):
            pseudo: dict[str, float] = defaultdict(float)
            for (name, term), count in tf.items():
                norm = 1 - B + B * lengths[e][name] / average[name]
                pseudo[term] += FIELD_WEIGHTS[name] * count / norm
            weights = {t: self._idf[t] * f / (K1 + f) for t, f in pseudo.items()}
            self._weights.append(weights)
            for t, w in weights.items():
                self._postings[t].append((e, w))
        self._rare_cap = max(_RARE_MIN, int(n * _RARE_SHARE))
        self._bayes = NaiveBayes(nb_counts)
        # per entry: each example question's norm, and term -> the examples that say it
        self._example_norms: list[list[float]] = []
        self._example_terms: list[dict[str, tuple[int, ...]]] = []
        for entry in example_terms:
            self._example_norms.append(
                [math.sqrt(sum(self._idf[t] ** 2 for t in terms)) for terms in entry]
            )
            said: dict[str, list[int]] = defaultdict(list)
            for i, terms in enumerate(entry):
                for t in terms:
                    said[t].append(i)
            self._example_terms.append({t: tuple(ix) for t, ix in said.items()})
        self._nations = frozenset(n for n in self._nationality if n)
        self._rece = frozenset(CONCEPT + c for c in rules.rece)
        self._bilateral = frozenset(CONCEPT + c for c in rules.bilateral)
        self._ruled = self._nations | self._rece | self._bilateral  # concepts a rule acts on

        self._surface = surface
        self._corrections: dict[str, str | None] = {}
        self._deletes: dict[str, list[str]] = defaultdict(list)
        for word in surface:
            for d in _deletions(word, _max_edits(word)):
                self._deletes[d].append(word)
        # words typical of one language only (in the translated titles and answers: example
        # questions mix languages as students do), to guess a question's language; month and day
        # names are left out, so a typed date does not switch the conversation's language
        dates = _date_words(lang_words)
        self._lang_only = {
            lang: frozenset(
                w
                for w in words - dates
                if all(w not in o for k, o in lang_words.items() if k != lang)
            )
            for lang, words in lang_words.items()
        }

    def __len__(self) -> int:
        return len(self.entry_ids)

    # ------------------------------------------------------------------ search

    def search(self, text: str, limit: int = 3) -> SearchResult:
        """Rank entries for `text`; matches under `SUGGEST_THRESHOLD`, and runners-up far
        behind the best, are left out."""
        ranked, terms, words = self._rank(text, limit)
        matches: list[Match] = []
        top = ranked[0][1] if ranked else 0.0
        for entry_id, r in ranked:
            score = score_of(r)
            if score < SUGGEST_THRESHOLD or (matches and r < top * SUGGEST_SHARE):
                break
            matches.append(Match(entry_id, round(score, 4)))
        runner_up = score_of(ranked[1][1]) if len(ranked) > 1 else 0.0
        return SearchResult(" ".join(words)[:200], tuple(matches), round(runner_up, 4), terms)

    def rank(self, text: str, limit: int = 3) -> list[tuple[str, float]]:
        """The best `limit` entries for `text` with their raw scores, before any threshold."""
        return self._rank(text, limit)[0]

    def _rank(self, text: str, limit: int) -> tuple[list[tuple[str, float]], int, list[str]]:
        query, words = self._query(text)
        if not query:
            return [], 0, words
        named = {t for t in query if t.startswith(CONCEPT)}

        # walk the rarer words' posting lists to find candidates; score common words by look-up
        ordered = sorted(query.items(), key=lambda tf: len(self._postings[tf[0]]))
        raw: dict[int, float] = {}
        get = raw.get
        common: list[tuple[str, float]] = []
        for term, factor in ordered:
            postings = self._postings[term]
            if len(postings) > self._rare_cap and raw:
                common.append((term, factor))
            elif factor == 1.0:
                for e, w in postings:
                    raw[e] = get(e, 0.0) + w
            else:
                for e, w in postings:
                    raw[e] = get(e, 0.0) + w * factor
        for e in raw:
            weights = self._weights[e]
            for term, factor in common:
                w = weights.get(term)
                if w:
                    raw[e] += w * factor

        # the best idf-weighted cosine with one of the entry's example questions, for the
        # leading candidates: a question worded like an example gets that entry's answer
        idf = self._idf
        q_weight = [(t, idf[t] ** 2 * f) for t, f in query.items()]
        q_norm = math.sqrt(sum(idf[t] ** 2 for t in query))
        leaders = heapq.nlargest(_CANDIDATES, raw.items(), key=itemgetter(1))
        for e, _ in leaders:
            said = self._example_terms[e]
            shared: dict[int, float] = {}
            for t, w in q_weight:
                for i in said.get(t, ()):
                    shared[i] = shared.get(i, 0.0) + w
            if shared:
                norms = self._example_norms[e]
                closeness = max([v / norms[i] for i, v in shared.items()]) / q_norm
                raw[e] += CLOSENESS * closeness**3  # near-identical wording counts most

        if named & self._ruled:
            self._apply_rules(raw, named)
        if NB_WEIGHT and raw:
            self._add_naive_bayes(raw, query)
        best = heapq.nlargest(limit, raw.items(), key=itemgetter(1))
        return [(self.entry_ids[e], r) for e, r in best], len(query), words

    def _add_naive_bayes(self, raw: dict[int, float], query: Mapping[str, float]) -> None:
        """Adds to the leading candidates their naive-Bayes share among them, in units of the
        best raw score: a second opinion, learned from the entries' questions, on which words
        tell entries apart."""
        leaders = heapq.nlargest(NB_CANDIDATES, raw.items(), key=itemgetter(1))
        shares = self._bayes.shares([e for e, _ in leaders], query)
        if shares is None:
            return
        scale = NB_WEIGHT * leaders[0][1]
        for (e, _), share in zip(leaders, shares, strict=True):
            raw[e] += scale * share

    def _query(self, text: str) -> tuple[dict[str, float], list[str]]:
        """The question's terms the index knows, each with its weight factor, and its words
        without stop words (what is kept of an unanswered question)."""
        numbers, words = self.analyzer.query_terms(text)
        out: dict[str, float] = {t: 1.0 for t in numbers if t in self._idf}
        for qt in words:
            known = [c for c in qt.candidates if c in self._idf]
            factor = 1.0
            if not known:
                fixed = self._correct(qt.word)
                if fixed is None:
                    continue
                known = [
                    c for c in self.analyzer.word_candidates(fixed) if c in self._idf
                ]  # a typo: "prefecure" → "prefecture"
                factor = CORRECTION_FACTOR
            if known:
                term = max(known, key=lambda t: self._idf[t])
                out[term] = max(out.get(term, 0.0), factor)
        return out, [qt.word for qt in words if qt.word]

    def _apply_rules(self, raw: dict[int, float], named: set[str]) -> None:
        rece = bool(named & self._rece)
        bilateral = bool(named & self._bilateral)
        nationalities = named & self._nations
        for e in list(raw):
            scope, nation = self._scope[e], self._nationality[e]
            if (rece and not bilateral and scope == "bilateral") or (
                bilateral and not rece and scope == "rece"
            ):
                del raw[e]
            elif nation and nationalities:
                if nation in nationalities:
                    raw[e] *= 1 + NATIONALITY_BOOST
                else:
                    del raw[e]

    # ------------------------------------------------------------------ helpers

    def normalised(self, text: str) -> str:
        """What is kept of an unanswered question: its folded words, stop words dropped."""
        return " ".join(self.analyzer.content_words(text))[:200]

    def guess_lang(self, text: str) -> str | None:
        """The language `text` is most likely written in, or None when it is unclear."""
        votes = self.analyzer.language_votes(text)
        for word in self.analyzer.content_words(text):
            for lang, only in self._lang_only.items():
                if word in only:
                    votes[lang] = votes.get(lang, 0) + 1
        ranked = sorted(votes.items(), key=lambda kv: kv[1], reverse=True)
        if not ranked or ranked[0][1] == 0 or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
            return None
        return ranked[0][0]

    def _correct(self, word: str) -> str | None:
        """The known word nearest to `word` (fewest edits, then most common), if close."""
        if len(word) < 4 or word.isdigit():
            return None
        found = self._corrections.get(word, _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        limit = _max_edits(word)
        seen: set[str] = set()
        best: tuple[int, str] | None = None
        for d in _deletions(word, limit) | {word}:
            for candidate in self._deletes.get(d, ()):
                if candidate in seen or abs(len(candidate) - len(word)) > limit:
                    continue
                seen.add(candidate)
                dist = OSA.distance(word, candidate, score_cutoff=limit)
                if dist <= limit and (best is None or (dist, candidate) < best):
                    best = (dist, candidate)
        found = best[1] if best else None
        if len(self._corrections) < _CORRECTION_CACHE:
            self._corrections[word] = found  # typos recur: "prefecure", "recepise"…
        return found


def _date_words(langs: Iterable[str]) -> frozenset[str]:
    """The folded month and day names (wide and abbreviated) of every language, from CLDR."""
    out: set[str] = set()
    for code in langs:
        try:
            locale = Locale.parse(code)
        except (UnknownLocaleError, ValueError):
            continue
        for names in (locale.months, locale.days):
            for width in ("wide", "abbreviated"):
                for table in (
                    names.get("format", {}).get(width, {}),
                    names.get("stand-alone", {}).get(width, {}),
                ):
                    out.update(fold(str(name)).strip(".") for name in table.values())
    return frozenset(out)


def _max_edits(word: str) -> int:
    return 2 if len(word) >= 8 else 1


def _deletions(word: str, depth: int) -> set[str]:
    out = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


__all__ = [
    "ANSWER_THRESHOLD",
    "NUMBER",
    "SUGGEST_THRESHOLD",
    "FaqIndex",
    "IndexDoc",
    "Match",
    "SearchResult",
    "SearchRules",
]
