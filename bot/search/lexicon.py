"""What the search knows of each language, read from ``knowledge/lexicon/<lang>.yaml``.

A lexicon holds stop words, other spellings (abbreviations, slang, typos), and concepts: words and
phrases that stand for one idea shared by every language ("fee", "prix" and "combien coute" are
all the concept ``cost``). A stemmer per language (Snowball) brings word forms together. Nothing
here is specific to French or English: a third language is one more file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer

from bot.search.normalise import fold

CONCEPT = "@"  # a concept's search token is "@name": no word starts with it after folding
_CONCEPT_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def stemmers() -> list[str]:
    """The Snowball algorithms available (``english``, ``french``, ``spanish``…)."""
    return sorted(snowballstemmer.algorithms())


@lru_cache(maxsize=32)
def _stemmer(name: str):
    return snowballstemmer.stemmer(name)


@dataclass(frozen=True)
class Lexicon:
    """One language's stop words, spellings, concepts and stemmer.

    Keys are folded (lower case, no accents or punctuation): the same `fold` runs on what people
    type, so "Récépissé" and "recepisse" meet.
    """

    lang: str
    stemmer: str
    stop_words: frozenset[str] = frozenset()
    spellings: Mapping[str, str] = field(default_factory=dict)  # folded phrase -> replacement
    concepts: Mapping[str, str] = field(default_factory=dict)  # folded phrase -> concept name

    def stem(self, word: str) -> str:
        return _stem(self.stemmer, word)


@lru_cache(maxsize=65_536)  # words recur; the cache is bounded because queries are user input
def _stem(algorithm: str, word: str) -> str:
    stem = _stemmer(algorithm).stemWord(word)
    # Snowball's French rules expect accents, which students often leave out: "expiree" keeps an
    # "e" that "expirée" loses. Dropping a final "e" puts both on one form.
    if len(stem) > 4 and stem.endswith("e"):
        stem = stem[:-1]
    return stem


def build(
    lang: str,
    stemmer: str,
    stop_words: Iterable[str],
    spellings: Mapping[str, str],
    concepts: Mapping[str, Iterable[str]],
) -> Lexicon:
    """A lexicon from raw (unfolded) data, as written in the YAML file."""
    folded_concepts: dict[str, str] = {}
    for name, phrases in concepts.items():
        for phrase in phrases:
            key = fold(str(phrase))
            if key:
                folded_concepts[key] = name
    return Lexicon(
        lang=lang,
        stemmer=stemmer,
        stop_words=frozenset(fold(str(w)) for w in stop_words if fold(str(w))),
        spellings={fold(str(k)): fold(str(v)) for k, v in spellings.items() if fold(str(k))},
        concepts=folded_concepts,
    )


def valid_concept_name(name: str) -> bool:
    return bool(_CONCEPT_NAME.match(name))
