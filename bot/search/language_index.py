"""`LanguageIndex`: one language's ranked FAQ search, built once when the knowledge loads.

Each language has an index of its own (`bot.search.index` sends each question to the one of its
language), over every entry's fields in that language (example questions, title, answer, detail,
keywords, and the figures it states): another language's texts never count here. Concepts are
shared by name (``@cost`` is "fee", "prix" and "费用").

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
the nearest known word within one or two edits (`bot.search.typos`).
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from operator import itemgetter

from bot.search.analyze import Analyzer, QueryTerm
from bot.search.bayes import NB_CANDIDATES, NB_FIELDS, NB_WEIGHT, NaiveBayes
from bot.search.lexicon import CONCEPT
from bot.search.result import (
    OUT_OF_SCOPE,
    SUGGEST_SHARE,
    SUGGEST_THRESHOLD,
    Match,
    SearchResult,
    score_of,
)
from bot.search.situation import Situation, SituationReader, leave_out, prefer
from bot.search.typos import Corrector

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
_CHOSEN_CACHE = 50_000  # question words whose term is remembered
CLOSENESS = 3.0  # weight of the best cosine between the question and one example question
_CANDIDATES = 3  # entries whose example questions are compared with the question
NATIONALITY_BOOST = 0.3  # an entry about the nationality the question names
# --- cost ------------------------------------------------------------------------------------------
_RARE_MIN = 32  # posting lists up to this long are always walked …
_RARE_SHARE = 0.02  # … and up to this share of the entries in a large knowledge base


@dataclass(frozen=True)
class IndexDoc:
    """What the index needs of one FAQ entry.

    Attributes:
        entry_id: the entry's id.
        fields: ``(field, lang, text)`` triples; field is a key of `FIELD_WEIGHTS`, lang the
            language the text is written in.
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


@dataclass
class _Counts:
    """What reading the entries' texts gives, before any weighing."""

    tf: list[dict[tuple[str, str], int]] = field(default_factory=list)  # (field, term) -> count
    lengths: list[dict[str, int]] = field(default_factory=list)  # field -> number of terms
    examples: list[list[frozenset[str]]] = field(default_factory=list)  # each example's terms
    said: list[dict[str, int]] = field(default_factory=list)  # terms of question-like fields
    surface: set[str] = field(default_factory=set)  # folded words seen, for typo correction
    # example questions, word for word (stop words aside) -> their entry; those two entries say
    exact: dict[tuple[str, ...], int] = field(default_factory=dict)
    shared: set[tuple[str, ...]] = field(default_factory=set)


class LanguageIndex:
    """An inverted index over the FAQ entries' texts in one language. Build once; `search` is
    read-only and thread-safe.

    Args:
        lang: the language of the texts (and of the questions sent here).
        docs: every entry, with only its fields in this language.
        analyzer: reads the texts and the questions (this language's lexicon and the ones it
            borrows from).
    """

    def __init__(
        self,
        lang: str,
        docs: Iterable[IndexDoc],
        analyzer: Analyzer,
        rules: SearchRules = SearchRules(),
        situations: Iterable[Situation] = (),
    ) -> None:
        self.lang = lang
        self.analyzer = analyzer
        self.rules = rules
        self.situations = SituationReader(tuple(situations), analyzer)
        docs = list(docs)
        self.entry_ids = [doc.entry_id for doc in docs]
        self._position = {entry_id: e for e, entry_id in enumerate(self.entry_ids)}
        self._scope = [doc.scope for doc in docs]
        self._nationality = [CONCEPT + d.nationality if d.nationality else "" for d in docs]
        counts = self._read(docs)
        self._weigh(counts)
        self._bayes = NaiveBayes(counts.said)
        self._index_examples(counts.examples)
        self._exact = {k: e for k, e in counts.exact.items() if k not in counts.shared}
        # the documents of the questions no entry answers (faq.yaml's out_of_scope)
        self._unanswerable = [e for e, i in enumerate(self.entry_ids) if i == OUT_OF_SCOPE]
        self._corrector = Corrector(counts.surface)
        self._chosen: dict[QueryTerm, tuple[str | None, float]] = {}  # see _query
        self._nations = frozenset(n for n in self._nationality if n)
        self._rece = frozenset(CONCEPT + c for c in rules.rece)
        self._bilateral = frozenset(CONCEPT + c for c in rules.bilateral)
        self._ruled = self._nations | self._rece | self._bilateral  # concepts a rule acts on

    # ------------------------------------------------------------------ building

    def _read(self, docs: list[IndexDoc]) -> _Counts:
        """Every entry's terms, per field, with what the ranking's other parts need."""
        counts = _Counts()
        for e, doc in enumerate(docs):
            tf: dict[tuple[str, str], int] = defaultdict(int)
            length: dict[str, int] = defaultdict(int)
            examples: list[frozenset[str]] = []
            said: dict[str, int] = defaultdict(int)
            for name, lang, text in doc.fields:
                terms, words = self.analyzer.doc_analysis(text, lang)
                if name in NB_FIELDS:
                    for term in terms:
                        said[term] += 1
                if name == "examples" and terms:
                    examples.append(frozenset(terms))
                    if doc.entry_id != OUT_OF_SCOPE:  # never an answer, even word for word
                        key = tuple(words)  # content words: stop words are left out already
                        if counts.exact.setdefault(key, e) != e:
                            counts.shared.add(key)
                for term in terms:
                    tf[(name, term)] += 1
                length[name] += len(terms)
                counts.surface.update(w for w in words if len(w) >= 4 and not w.isdigit())
            for token in doc.figures:
                tf[("figures", token)] += 1
            length["figures"] += len(doc.figures)
            counts.tf.append(tf)
            counts.lengths.append(length)
            counts.examples.append(examples)
            counts.said.append(said)
        return counts

    def _weigh(self, counts: _Counts) -> None:
        """BM25F: per entry and term, the weighted, length-normalised frequency, saturated."""
        n = max(len(self.entry_ids), 1)
        lengths = counts.lengths
        average = {
            name: max(sum(ln.get(name, 0) for ln in lengths) / n, 1.0) for name in FIELD_WEIGHTS
        }
        df: dict[str, int] = defaultdict(int)
        for tf in counts.tf:
            for term in {t for _, t in tf}:
                df[term] += 1
        self._idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self._weights: list[dict[str, float]] = []
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for e, tf in enumerate(counts.tf):
            pseudo: dict[str, float] = defaultdict(float)
            for (name, term), count in tf.items():
                norm = 1 - B + B * lengths[e][name] / average[name]
                pseudo[term] += FIELD_WEIGHTS[name] * count / norm
            weights = {t: self._idf[t] * f / (K1 + f) for t, f in pseudo.items()}
            self._weights.append(weights)
            for t, w in weights.items():
                self._postings[t].append((e, w))
        self._rare_cap = max(_RARE_MIN, int(n * _RARE_SHARE))

    def _index_examples(self, examples: list[list[frozenset[str]]]) -> None:
        """Per entry: each example question's norm, and term -> the examples that say it."""
        self._example_norms: list[list[float]] = []
        self._example_terms: list[dict[str, tuple[int, ...]]] = []
        for entry in examples:
            self._example_norms.append(
                [math.sqrt(sum(self._idf[t] ** 2 for t in terms)) for terms in entry]
            )
            said: dict[str, list[int]] = defaultdict(list)
            for i, terms in enumerate(entry):
                for t in terms:
                    said[t].append(i)
            self._example_terms.append({t: tuple(ix) for t, ix in said.items()})

    # ------------------------------------------------------------------ search

    def search(
        self, text: str, limit: int = 3, answers: Mapping[str, str] | None = None
    ) -> SearchResult:
        """Rank entries for `text`; matches under `SUGGEST_THRESHOLD`, and runners-up far
        behind the best, are left out.

        Args:
            answers: the asker's walkthrough answers, if any: with the cues in `text`, they tell
                the asker's situation (`bot.search.situation`), which re-ranks the entries.
        """
        situations = self.situations.read(text, answers)
        ranked, terms, words, unanswered = self._rank(text, limit + 2, situations)
        names = tuple(s.name for s in situations)
        runner_up = score_of(ranked[1][1]) if len(ranked) > 1 else 0.0
        if ranked and ranked[0][0] == OUT_OF_SCOPE:
            # closest to the questions no entry answers: "I don't know", not a wrong entry
            query, runner_up = " ".join(words)[:200], round(runner_up, 4)
            return SearchResult(query, (), runner_up, terms, True, situations=names, lang=self.lang)
        ranked = [(e, r) for e, r in ranked if e != OUT_OF_SCOPE][:limit]
        matches: list[Match] = []
        top = ranked[0][1] if ranked else 0.0
        for entry_id, r in ranked:
            score = score_of(r)
            if score < SUGGEST_THRESHOLD or (matches and r < top * SUGGEST_SHARE):
                break
            matches.append(Match(entry_id, round(score, 4)))
        exact = self._exact.get(tuple(self.analyzer.content_words(text)))
        if exact is not None:
            # one of an entry's own examples, word for word: that entry is the answer, unless a
            # rule left it out (rarely needed: it is nearly always ranked first already)
            mine = self.entry_ids[exact]
            found = dict(ranked).get(mine)
            if found is None:
                found = dict(self._rank(text, len(self.entry_ids), situations)[0]).get(mine)
            if found is not None:
                others = [m for m in matches if m.entry_id != mine]
                matches = [Match(mine, round(score_of(found), 4)), *others][:limit]
            else:
                exact = None
        return SearchResult(
            " ".join(words)[:200],
            tuple(matches),
            round(runner_up, 4),
            terms,
            exact=exact is not None,
            unanswered=round(unanswered / top, 4) if top else 0.0,
            situations=names,
            lang=self.lang,
        )

    def rank(
        self, text: str, limit: int = 3, answers: Mapping[str, str] | None = None
    ) -> list[tuple[str, float]]:
        """The best `limit` entries for `text` with their raw scores, before any threshold."""
        ranked = self._rank(text, limit + 1, self.situations.read(text, answers))[0]
        return [(e, r) for e, r in ranked if e != OUT_OF_SCOPE][:limit]

    def _rank(
        self, text: str, limit: int, situations: tuple[Situation, ...] = ()
    ) -> tuple[list[tuple[str, float]], int, list[str], float]:
        """The best `limit` entries with their raw scores, how many of the question's terms the
        index knows, its words, and the raw score of the questions no entry answers (whatever
        their rank: how close they came)."""
        query, words = self._query(text)
        if not query:
            return [], 0, words, 0.0
        raw = self._bm25f(query)
        self._add_closeness(raw, query)
        named = {t for t in query if t.startswith(CONCEPT)}
        if named & self._ruled:
            self._apply_rules(raw, named)
        leave_out(situations, raw, self._position)
        if NB_WEIGHT and raw:
            self._add_naive_bayes(raw, query)
        prefer(situations, raw, self._position)  # after the second opinion: what it says
        best = heapq.nlargest(limit, raw.items(), key=itemgetter(1))
        unanswered = max([raw.get(e, 0.0) for e in self._unanswerable], default=0.0)
        return [(self.entry_ids[e], r) for e, r in best], len(query), words, unanswered

    def _bm25f(self, query: Mapping[str, float]) -> dict[int, float]:
        """Walks the rarer words' posting lists to find candidates; scores common words by
        look-up on them."""
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
        return raw

    def _add_closeness(self, raw: dict[int, float], query: Mapping[str, float]) -> None:
        """Adds the best idf-weighted cosine with one of the entry's example questions, for the
        leading candidates: a question worded like an example gets that entry's answer."""
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

    def _choose(self, qt: QueryTerm) -> tuple[str | None, float]:
        """A question word's term here: its rarest candidate, else a typo-corrected word's."""
        known = [c for c in qt.candidates if c in self._idf]
        factor = 1.0
        if not known:
            fixed = self._corrector.correct(qt.word)
            if fixed is None:
                return None, 0.0
            # a typo: "prefecure" → "prefecture"
            known = [c for c in self.analyzer.word_candidates(fixed) if c in self._idf]
            factor = CORRECTION_FACTOR
        if not known:
            return None, 0.0
        return max(known, key=lambda t: self._idf[t]), factor

    def _query(self, text: str) -> tuple[dict[str, float], list[str]]:
        """The question's terms the index knows, each with its weight factor, and its words
        without stop words (what is kept of an unanswered question)."""
        numbers, words = self.analyzer.query_terms(text)
        out: dict[str, float] = {t: 1.0 for t in numbers if t in self._idf}
        chosen = self._chosen
        for qt in words:
            found = chosen.get(qt)
            if found is None:
                found = self._choose(qt)
                if len(chosen) < _CHOSEN_CACHE:  # bounded: words are user input
                    chosen[qt] = found
            term, factor = found
            if term is not None:
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

    def normalised(self, text: str) -> str:
        """What is kept of an unanswered question: its folded words, stop words dropped."""
        return " ".join(self.analyzer.content_words(text))[:200]
