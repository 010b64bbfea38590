"""What the search knows of each language, read from ``knowledge/lexicon/<lang>.yaml``.

A lexicon holds stop words, other spellings (abbreviations, slang, typos), and concepts: words and
phrases that stand for one idea shared by every language ("fee", "prix" and "combien coute" are
all the concept ``cost``). A stemmer per language (Snowball, or ``none``) brings word forms
together; a language written without spaces names a segmenter (`bot.search.segment`) and the
terms it must keep whole. A lexicon also says which languages its questions borrow words from
(``borrows``: French legal terms in Chinese questions): their lexicons read those words. Nothing
here is specific to one language: a new language is one more file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer

from bot.search.normalise import fold
from bot.search.segment import Segmenter

CONCEPT = "@"  # a concept's search token is "@name": no word starts with it after folding
NO_STEMMER = "none"  # words are kept as they are (Chinese has no inflection to undo)
_CONCEPT_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def stemmers() -> list[str]:
    """The Snowball algorithms available (``english``, ``french``, ``spanish``…), and ``none``."""
    return sorted([*snowballstemmer.algorithms(), NO_STEMMER])


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
    borrows: tuple[str, ...] = ()  # languages whose words this language's questions use
    segmenter: Segmenter | None = field(default=None, compare=False)

    def stem(self, word: str) -> str:
        if self.stemmer == NO_STEMMER:
            return word
        return _stem(self.stemmer, word)

    def script(self) -> str:
        """The writing system of the language: that of most letters of its stop words (of its
        concepts' phrases when it has none), as Unicode names it (``LATIN``, ``CJK``…)."""
        return script_of(" ".join(self.stop_words) or " ".join(self.concepts))


def script_of(text: str) -> str:
    """The script of most letters of `text` (``LATIN``, ``CJK``, ``CYRILLIC``…), "" if none."""
    counts: dict[str, int] = {}
    for c in text:
        if c.isalpha():
            name = letter_script(c)
            counts[name] = counts.get(name, 0) + 1
    return max(counts, key=lambda k: (counts[k], k)) if counts else ""


@lru_cache(maxsize=8192)
def letter_script(c: str) -> str:
    """The script of one letter, as the first word of its Unicode name (``LATIN``, ``CJK``…)."""
    import unicodedata

    name = unicodedata.name(c, "")
    return name.split(" ", 1)[0] if name else ""


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
    *,
    borrows: Iterable[str] = (),
    segmenter: str = "",
    terms: Iterable[str] = (),
) -> Lexicon:
    """A lexicon from raw (unfolded) data, as written in the YAML file.

    With a `segmenter`, its `terms`, concept phrases and stop words are kept whole when text is
    cut into words, and every phrase here is cut the way text will be.
    """
    stops = [fold(str(w)) for w in stop_words if fold(str(w))]
    phrases = {name: [fold(str(p)) for p in ps if fold(str(p))] for name, ps in concepts.items()}
    cutter = None
    if segmenter:
        known = [fold(str(t)) for t in terms] + stops
        known += [p for ps in phrases.values() for p in ps]
        known += [fold(str(w)) for pair in spellings.items() for w in pair]
        cutter = Segmenter(segmenter, known)

    def cut(text: str) -> str:
        return " ".join(cutter.split(text.split())) if cutter else text

    folded_concepts: dict[str, str] = {}
    for name, keys in phrases.items():
        for key in keys:
            folded_concepts[cut(key)] = name
    return Lexicon(
        lang=lang,
        stemmer=stemmer,
        stop_words=frozenset(w for s in stops for w in cut(s).split()),
        spellings={
            cut(fold(str(k))): cut(fold(str(v))) for k, v in spellings.items() if fold(str(k))
        },
        concepts=folded_concepts,
        borrows=tuple(borrows),
        segmenter=cutter,
    )


def valid_concept_name(name: str) -> bool:
    return bool(_CONCEPT_NAME.match(name))
