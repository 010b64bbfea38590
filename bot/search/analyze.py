"""From text to search terms, with the lexicons of every language.

1. Numbers are read first ("2 734,55 €", "2,734.55", "75€" all give ``#2734.55`` / ``#75``), so a
   student who asks "is it really 75?" meets the entries that state that figure.
2. The rest is folded (case, accents, punctuation), other spellings are replaced ("pref" →
   "prefecture"), and the longest known phrases become concepts ("timbre fiscal", "tax stamp" →
   ``@timbre``).
3. Stop words go; every other word is stemmed.

A knowledge text is in one known language and is stemmed with that language's stemmer. A question
may mix languages, so each of its words keeps one candidate per language, and the index keeps
the candidates it knows (`QueryTerm`).

An analyzer reads with the lexicons it is given: each language's index has its own (its language
and the ones it borrows from, `bot.search.index`). A language written without spaces has its Han
runs cut into words by its lexicon's segmenter (`bot.search.segment`) before anything else.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.search.lexicon import CONCEPT, Lexicon
from bot.search.normalise import MAX_QUERY_CHARS, fold
from bot.search.segment import space_runs

NUMBER = "#"
SURFACE = "="  # the word as written (folded), next to its stem or concept: exact words count more
MIN_CONCEPT_STEM = 4  # shorter stems ("fee") match only the forms listed in the lexicon
# a number as people write amounts: 75, 2734.55, 2 734,55, 2,734.55, 1.5, 964h (not after a letter:
# "a2" and "b1" are French levels)
_NUMBER = re.compile(
    r"(?<![\w/])(\d{1,3}(?:[ \u00a0\u202f.,]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)(?![\d/])"
)
_DATE = re.compile(r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b")  # 15/03/2027: a date, not amounts


def number_tokens(text: str) -> tuple[list[str], str]:
    """The number tokens of `text`, and `text` with the numbers taken out."""
    text = _DATE.sub(" ", text)
    found: list[str] = []

    def take(match: re.Match) -> str:
        found.extend(_canonical(match.group(1)))
        return " "

    return found, _NUMBER.sub(take, text)


def _canonical(raw: str) -> list[str]:
    digits = raw.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    separators = [i for i, c in enumerate(digits) if c in ".,"]
    whole, decimals = digits, ""
    if separators:
        last = separators[-1]
        tail = digits[last + 1 :]
        grouped = len(separators) > 1 or len(tail) == 3
        if grouped and len(tail) == 3:  # 2,734 or 2.734.000: thousands
            whole = digits.replace(".", "").replace(",", "")
        else:  # 2734,55 or 2.734,55 or 1.5: the last separator is the decimal point
            whole = digits[:last].replace(".", "").replace(",", "")
            decimals = tail.rstrip("0")
    whole = whole.lstrip("0") or "0"
    if decimals:
        return [f"{NUMBER}{whole}.{decimals}", f"{NUMBER}{whole}"]
    return [f"{NUMBER}{whole}"]


_CANDIDATE_CACHE = 50_000  # words whose candidate terms are remembered


@dataclass(frozen=True)
class QueryTerm:
    """One word of a question: its candidate terms (a concept, or one stem per language) and the
    folded word itself (for typo correction and for the normalised question)."""

    candidates: tuple[str, ...]
    word: str


class Analyzer:
    """Turns knowledge texts and questions into search terms, with the lexicons given (the first
    one's segmenter, or the first segmenter among them, cuts text written without spaces)."""

    def __init__(self, lexicons: Mapping[str, Lexicon]) -> None:
        self.lexicons = dict(lexicons)
        self.segmenter = next(
            (lx.segmenter for lx in self.lexicons.values() if lx.segmenter is not None), None
        )
        self.stop_words = frozenset().union(*(lx.stop_words for lx in self.lexicons.values()))
        self.spellings: dict[tuple[str, ...], tuple[str, ...]] = {}
        self.phrases: dict[tuple[str, ...], str] = {}  # several words -> concept token
        self.words: dict[str, str] = {}  # one word -> concept token
        self.stemmed: dict[str, dict[str, str]] = {}  # lang -> stem of a concept word -> token
        for lx in self.lexicons.values():
            for key, value in lx.spellings.items():
                self.spellings[tuple(key.split())] = tuple(value.split())
            stems = self.stemmed.setdefault(lx.lang, {})
            for phrase, concept in lx.concepts.items():
                words = tuple(phrase.split())
                token = CONCEPT + concept
                if len(words) > 1:
                    self.phrases[words] = token
                else:
                    self.words[words[0]] = token
                    stem = lx.stem(words[0])
                    if len(stem) >= MIN_CONCEPT_STEM:  # "fils" → "fil" would catch "file"
                        stems.setdefault(stem, token)
        # for each first word, the longest phrase (or spelling) it starts: most words start none,
        # and are passed over without building a single tuple
        self._phrase_len: dict[str, int] = {}
        self._spelling_len: dict[str, int] = {}
        for table, lengths in (
            (self.phrases, self._phrase_len),
            (self.spellings, self._spelling_len),
        ):
            for key in table:
                lengths[key[0]] = max(lengths.get(key[0], 0), len(key))
        # words that are stop words, or single-word concepts, in one language only: they tell a
        # question's language ("prix" is French even in "rece prix")
        said = {
            lx.lang: lx.stop_words | {p for p in lx.concepts if " " not in p}
            for lx in self.lexicons.values()
        }
        self.lang_words = {
            lang: frozenset(
                w for w in words if not any(w in o for k, o in said.items() if k != lang)
            )
            for lang, words in said.items()
        }

        self._candidates: dict[str, tuple[str, ...]] = {}
        # a question is read twice per message (its language, then the search): once is enough
        self._question = lru_cache(maxsize=256)(self._read_question)

    # ------------------------------------------------------------------ shared steps

    def _read_question(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        numbers, words = self._words(text[:MAX_QUERY_CHARS])
        return tuple(numbers), tuple(words)

    def _words(self, text: str) -> tuple[list[str], list[str]]:
        """Number tokens, and the folded words with other spellings replaced."""
        if self.segmenter is not None:
            text = space_runs(text)  # "4个月": the number alone, so that it is read as one
        numbers, rest = number_tokens(text)
        words = fold(rest).split()
        if self.segmenter is not None:
            words = self.segmenter.split(words)
        out: list[str] = []
        i = 0
        longest = self._spelling_len
        while i < len(words):
            for size in range(min(longest.get(words[i], 0), len(words) - i), 0, -1):
                replacement = self.spellings.get(tuple(words[i : i + size]))
                if replacement is not None:
                    out.extend(replacement)
                    i += size
                    break
            else:
                out.append(words[i])
                i += 1
        return numbers, out

    def _chunks(self, words: Sequence[str]) -> list[tuple[str, str | None]]:
        """``(word, concept token or None)``, phrases joined into one chunk (longest first)."""
        out: list[tuple[str, str | None]] = []
        i = 0
        longest = self._phrase_len
        while i < len(words):
            for size in range(min(longest.get(words[i], 0), len(words) - i), 1, -1):
                token = self.phrases.get(tuple(words[i : i + size]))
                if token is not None:
                    out.append((" ".join(words[i : i + size]), token))
                    i += size
                    break
            else:
                word = words[i]
                out.append((word, self.words.get(word)))
                i += 1
        return out

    def concept_of(self, word: str, lang: str | None = None) -> str | None:
        """The concept a single word stands for, directly or through its stem."""
        token = self.words.get(word)
        if token is not None:
            return token
        langs = [lang] if lang else list(self.lexicons)
        for code in langs:
            lx = self.lexicons.get(code)
            if lx is not None:
                token = self.stemmed.get(code, {}).get(lx.stem(word))
                if token is not None:
                    return token
        return None

    # ------------------------------------------------------------------ knowledge side

    def doc_terms(self, text: str, lang: str) -> list[str]:
        """The terms of a knowledge text written in `lang`."""
        return self.doc_analysis(text, lang)[0]

    def doc_analysis(self, text: str, lang: str) -> tuple[list[str], list[str]]:
        """The terms of a knowledge text written in `lang`, and its content words."""
        numbers, words = self._words(text)
        lx = self.lexicons.get(lang) or next(iter(self.lexicons.values()))
        out = list(numbers)
        for word, token in self._chunks(words):
            if token is None:
                if word in self.stop_words:
                    continue
                token = self.concept_of(word, lx.lang) or lx.stem(word)
            out.append(token)
            if " " not in word and word not in self.stop_words:
                out.append(SURFACE + word)
        return out, [w for w in words if w not in self.stop_words]

    # ------------------------------------------------------------------ question side

    def query_terms(self, text: str) -> tuple[list[str], list[QueryTerm]]:
        """A question's number tokens and its words, each with one candidate per language."""
        numbers, words = self._question(text)
        out: list[QueryTerm] = []
        for word, token in self._chunks(words):
            if token is not None:
                out.append(QueryTerm((token,), word))
            elif word in self.stop_words:
                continue
            else:
                out.append(QueryTerm(self.word_candidates(word), word))
            if " " not in word and word not in self.stop_words:
                out.append(QueryTerm((SURFACE + word,), ""))
        return list(numbers), out

    def word_candidates(self, word: str) -> tuple[str, ...]:
        """A question word's candidate terms: its concept, or its stem in each language
        (remembered: stemming is most of a question's analysis, and words recur)."""
        found = self._candidates.get(word)
        if found is None:
            token = self.concept_of(word)
            if token is not None:
                found = (token,)
            else:
                found = tuple(dict.fromkeys(lx.stem(word) for lx in self.lexicons.values()))
            if len(self._candidates) < _CANDIDATE_CACHE:  # bounded: words are user input
                self._candidates[word] = found
        return found

    def fold_words(self, text: str) -> list[str]:
        """`text` folded into words, other spellings replaced (numbers left out)."""
        return self._words(text)[1]

    def chunks(self, text: str) -> list[tuple[str, str | None]]:
        """A question's words and phrases as the search reads them, each with its concept token
        (None for a plain word); stop words are kept."""
        return self._chunks(self._question(text)[1])

    def content_words(self, text: str) -> list[str]:
        """The folded words of a question without stop words: what is kept of an unanswered
        question (no names of people survive that a stop word list would not drop either)."""
        _, words = self._question(text)
        return [w for w in words if w not in self.stop_words]

    def language_votes(self, text: str) -> dict[str, int]:
        """How many words of `text` are stop words of one language only, per language."""
        words = fold(text[:MAX_QUERY_CHARS]).split()
        if self.segmenter is not None:
            words = self.segmenter.split(words)
        return {lang: sum(1 for w in words if w in only) for lang, only in self.lang_words.items()}
