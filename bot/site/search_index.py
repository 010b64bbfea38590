"""The static site's search index: one JSON file per language, prebuilt and small.

Texts are normalised at build time by the bot's own normaliser (`bot.search.normalised`: case,
accents, punctuation, stop words, abbreviations and common misspellings, plural endings), so the
site finds what the bot finds. The browser's script (assets/site.js) applies the same steps to a
query: case, accents and punctuation the same way, then the two tables this file ships, measured
with the bot's normaliser on every word and phrase of the indexed texts:

- ``words``: a word whose normalised form is not what the script's default rule gives (the plural
  rule alone): a stop word maps to ``""``, an abbreviation or misspelling to its canonical token;
- ``phrases``: a run of words the normaliser maps as a whole (``timbre fiscal`` → ``timbre``).

As in the bot, keywords, examples and titles of every language are indexed for each language, so
a question typed in French finds the entry on the English site too; answers only in their own
language. Postings give a field weight per entry: 3 title or keyword, 2 example question, 1 answer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from bot.search import fold, normalised

FORMAT = 1
TITLE, KEYWORD, EXAMPLE, BODY = 3, 3, 2, 1
MAX_PHRASE_WORDS = 4
_CHUNK_WORDS = 12  # the normaliser reads a question at a time: texts go through in short runs
_PUNCT = re.compile(r"[^\w\s]|_", re.UNICODE)
_SPACE = re.compile(r"\s+")


def basic_fold(text: str) -> str:
    """Case, accents and punctuation, as the bot's `fold` does them, without its phrase table:
    what the browser's script does first."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _SPACE.sub(" ", _PUNCT.sub(" ", text)).strip()


def default_token(word: str) -> str:
    """The script's rule for a word the ``words`` table does not list (the bot's plural rule)."""
    if word.isdigit() and len(word) < 3:
        return ""
    if len(word) > 4 and word.endswith(("s", "x")) and not word.endswith("ss"):
        return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """The bot's search tokens of a text of any length."""
    words = text.split()
    out: list[str] = []
    for i in range(0, len(words), _CHUNK_WORDS):
        out += normalised(" ".join(words[i : i + _CHUNK_WORDS])).split()
    return out


class IndexBuilder:
    """Collects entries, then `build` returns the JSON-ready index."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.entries: list[list] = []  # [id, title, url, snippet, [related entry numbers]]
        self._related: list[tuple[str, ...]] = []
        self.postings: dict[str, dict[int, int]] = {}
        self._texts: list[str] = []

    def add(
        self,
        entry_id: str,
        title: str,
        url: str,
        snippet: str,
        fields: Iterable[tuple[int, str]],
        related: tuple[str, ...] = (),
    ) -> None:
        """An entry, and its texts with their weights (`TITLE`, `KEYWORD`, `EXAMPLE`, `BODY`).
        `related` entries come first among equally good results when this one is the best."""
        e = len(self.entries)
        self.entries.append([entry_id, title, url, snippet, []])
        self._related.append(related)
        for weight, text in fields:
            self._texts.append(text)
            for token in tokens(text):
                slot = self.postings.setdefault(token, {})
                slot[e] = max(slot.get(e, 0), weight)

    def build(self) -> dict:
        number = {entry[0]: i for i, entry in enumerate(self.entries)}
        for entry, related in zip(self.entries, self._related, strict=True):
            entry[4] = [number[r] for r in related if r in number]
        words: dict[str, str] = {}
        runs: set[str] = set()
        for text in self._texts:
            seq = basic_fold(text).split()
            for w in seq:
                if w not in words:
                    words[w] = normalised(w)
            for n in range(2, MAX_PHRASE_WORDS + 1):
                runs.update(" ".join(seq[i : i + n]) for i in range(len(seq) - n + 1))
        phrases = _phrase_table(runs)
        return {
            "format": FORMAT,
            "lang": self.lang,
            "entries": self.entries,
            "postings": {
                t: [x for e, w in sorted(p.items()) for x in (e, w)]
                for t, p in sorted(self.postings.items())
            },
            "words": {w: n for w, n in sorted(words.items()) if n != default_token(w)},
            "phrases": phrases,
        }


def apply_phrases(table: dict[str, str], text: str) -> str:
    """`text` (already through `basic_fold`) with the phrases of `table` replaced, longest first,
    as the browser's script does it."""
    if not table:
        return text
    keys = sorted(table, key=len, reverse=True)
    pattern = re.compile(r"(^|\W)(" + "|".join(map(re.escape, keys)) + r")(?!\w)")
    return pattern.sub(lambda m: m.group(1) + table[m.group(2)], text)


def _phrase_table(runs: set[str]) -> dict[str, str]:
    """The runs of words the normaliser maps as a whole, fewest words first: a run is kept when
    the runs kept before it do not already give what the normaliser gives (so "combien de" →
    "howmany" is kept, and so is "combien de temps" → "duration", which the shorter one would
    get wrong)."""
    table: dict[str, str] = {}
    for run in sorted((r for r in runs if fold(r) != r), key=lambda r: (r.count(" "), r)):
        if apply_phrases(table, run) != fold(run):
            table[run] = fold(run)
    return dict(sorted(table.items()))
