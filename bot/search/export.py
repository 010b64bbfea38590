"""The ranking's tables, for a copy of the search that runs elsewhere: the static site's search
runs in the browser (``bot/site/assets/site.js``) on the bot's own numbers, so that the site
finds what the chat finds.

What is exported is what one language's index (`LanguageIndex`) ranks with: each term's BM25F weight per entry, how many
times each entry's questions say it (naive Bayes), each example question's terms (closeness),
the rules' concepts, and for every word the index has seen the term the search reads it as.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.search.analyze import SURFACE, Analyzer, QueryTerm
from bot.search.bayes import NB_ALPHA, NB_CANDIDATES, NB_WEIGHT
from bot.search.language_index import (
    _CANDIDATES,
    CLOSENESS,
    CORRECTION_FACTOR,
    K1,
    NATIONALITY_BOOST,
    B,
    LanguageIndex,
)


@dataclass(frozen=True)
class RankingTables:
    """Everything a `LanguageIndex` ranks with, as plain data.

    Attributes:
        entry_ids: the entries, in the index's order (the numbers below).
        weights: term -> (entry number, BM25F weight), entries ascending.
        said: per entry, term -> how many times its questions say it (naive Bayes).
        examples: per entry, each example question's terms.
        words: a word -> the term the search reads it as (None: a stop word, no term), for
            every word the index has seen and every word of the lexicons.
        correctable: the words a typo is corrected to.
        scopes, nationalities: per entry, its rule scope (``rece``, ``bilateral`` or "") and
            the concept of the nationality it is about ("" for none).
        rece, bilateral: the concepts that name the RECE card, a bilateral APS.
        settings: the ranking's constants, by name.
    """

    entry_ids: tuple[str, ...]
    weights: dict[str, list[tuple[int, float]]]
    said: list[dict[str, int]]
    examples: list[list[frozenset[str]]]
    words: dict[str, str | None]
    correctable: frozenset[str]
    scopes: tuple[str, ...]
    nationalities: tuple[str, ...]
    rece: frozenset[str]
    bilateral: frozenset[str]
    settings: dict[str, float]


def ranking_tables(index: LanguageIndex) -> RankingTables:
    """The tables of `index` (read-only: nothing of the index changes)."""
    analyzer: Analyzer = index.analyzer
    said_as_is = {t[1:] for t in index._idf if t.startswith(SURFACE)}  # every content word
    seen = said_as_is | {w for known in index._corrector._deletes.values() for w in known}
    vocabulary = seen | set(analyzer.words)
    vocabulary |= {w for words in analyzer.spellings.values() for w in words}
    words: dict[str, str | None] = {}
    for word in sorted(vocabulary):
        if word in analyzer.stop_words:
            words[word] = None
            continue
        term, factor = index._choose(QueryTerm(analyzer.word_candidates(word), word))
        if term is not None and factor == 1.0:
            words[word] = term
    for word in analyzer.stop_words:
        words.setdefault(word, None)
    return RankingTables(
        entry_ids=tuple(index.entry_ids),
        weights={t: sorted(p) for t, p in index._postings.items()},
        said=[
            {t: round(math.exp(v) - NB_ALPHA) for t, v in logs.items()}  # log(count + alpha)
            for logs in index._bayes._log
        ],
        examples=[_examples(said) for said in index._example_terms],
        words=words,
        correctable=frozenset(w for w in seen if len(w) >= 4 and not w.isdigit()),
        scopes=tuple(index._scope),
        nationalities=tuple(index._nationality),
        rece=index._rece,
        bilateral=index._bilateral,
        settings={
            "k1": K1,
            "b": B,
            "closeness": CLOSENESS,
            "candidates": _CANDIDATES,
            "correction": CORRECTION_FACTOR,
            "nationality_boost": NATIONALITY_BOOST,
            "nb_weight": NB_WEIGHT,
            "nb_alpha": NB_ALPHA,
            "nb_candidates": NB_CANDIDATES,
        },
    )


def _examples(said: dict[str, tuple[int, ...]]) -> list[frozenset[str]]:
    """An entry's example questions' terms, from the index's term -> examples table."""
    count = max((i for examples in said.values() for i in examples), default=-1) + 1
    terms: list[set[str]] = [set() for _ in range(count)]
    for term, examples in said.items():
        for i in examples:
            terms[i].add(term)
    return [frozenset(t) for t in terms]
