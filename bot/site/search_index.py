"""The static site's search index: one JSON file per language, prebuilt and small.

Texts are normalised at build time the way the bot reads questions (`bot.search`: case, accents,
punctuation, the lexicons' stop words, other spellings and concepts, and the site language's
stemmer), so the site finds what the bot finds. The browser's script (assets/site.js) applies
the same steps to a query: case, accents and punctuation as the bot's `fold`, then the two tables this
file ships, computed with the bot's lexicons:

- ``phrases``: a run of words the lexicons read as one concept or spell otherwise
  (``timbre fiscal`` → ``@timbre``);
- ``words``: a word whose token is not the word itself: a stop word maps to ``""``, a concept word
  to its concept, a spelling to what it stands for, any other word of the indexed texts to its
  stem.

As in the bot, keywords, examples and titles of every language are indexed for each language, so
a question typed in French finds the entry on the English site too; answers only in their own
language. Postings give a field weight per entry: 3 title or keyword, 2 example question, 1 answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.search.analyze import Analyzer
from bot.search.normalise import fold

INDEX_FILE = "search-index.json"  # in each language's folder, next to search.html
FORMAT = 2
TITLE, KEYWORD, EXAMPLE, BODY = 3, 3, 2, 1


def default_token(word: str) -> str:
    """The script's rule for a word the ``words`` table does not list: the word itself (numbers
    of one or two digits are dropped)."""
    if word.isdigit() and len(word) < 3:
        return ""
    return word


class Normaliser:
    """The site's normaliser: the bot's lexicons, with the site language's stemmer."""

    def __init__(self, analyzer: Analyzer, lang: str) -> None:
        self.analyzer = analyzer
        self.lexicon = analyzer.lexicons.get(lang) or next(iter(analyzer.lexicons.values()))
        self.phrases: dict[str, str] = {}
        for words, replacement in analyzer.spellings.items():
            if len(words) > 1:
                self.phrases[" ".join(words)] = " ".join(self.word_tokens(" ".join(replacement)))
        for words, token in analyzer.phrases.items():
            self.phrases[" ".join(words)] = token

    def word_token(self, word: str) -> str:
        if word in self.analyzer.stop_words:
            return ""
        concept = self.analyzer.concept_of(word)
        if concept is not None:
            return concept
        if word.isdigit():
            return default_token(word)
        return self.lexicon.stem(word)

    def word_tokens(self, text: str) -> list[str]:
        out: list[str] = []
        for word in text.split():
            replacement = self.analyzer.spellings.get((word,))
            words = replacement if replacement else (word,)
            out += [t for w in words if (t := self.word_token(w))]
        return out

    def tokens(self, text: str) -> list[str]:
        """A text's tokens: the phrases of the table, then each word's token."""
        folded = apply_phrases(self.phrases, fold(text))
        out: list[str] = []
        for word in folded.split():
            out += [word] if word.startswith("@") else self.word_tokens(word)
        return out

    def table(self, texts: Iterable[str]) -> dict[str, str]:
        """``words``: every word of `texts` and of the lexicons whose token is not itself."""
        words = {w for t in texts for w in fold(t).split()}
        words |= set(self.analyzer.words) | {k[0] for k in self.analyzer.spellings if len(k) == 1}
        words |= set(self.analyzer.stop_words)
        out = {}
        for w in sorted(words):
            if w.startswith("@"):
                continue
            token = " ".join(self.word_tokens(w))
            if token != default_token(w):
                out[w] = token
        return out


class IndexBuilder:
    """Collects entries, then `build` returns the JSON-ready index."""

    def __init__(self, lang: str, analyzer: Analyzer) -> None:
        self.lang = lang
        self.normaliser = Normaliser(analyzer, lang)
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
            for token in self.normaliser.tokens(text):
                slot = self.postings.setdefault(token, {})
                slot[e] = max(slot.get(e, 0), weight)

    def build(self) -> dict:
        number = {entry[0]: i for i, entry in enumerate(self.entries)}
        for entry, related in zip(self.entries, self._related, strict=True):
            entry[4] = [number[r] for r in related if r in number]
        return {
            "format": FORMAT,
            "lang": self.lang,
            "entries": self.entries,
            "postings": {
                t: [x for e, w in sorted(p.items()) for x in (e, w)]
                for t, p in sorted(self.postings.items())
            },
            "words": self.normaliser.table(self._texts),
            "phrases": dict(sorted(self.normaliser.phrases.items())),
        }


def apply_phrases(table: dict[str, str], text: str) -> str:
    """`text` (already through `fold`) with the phrases of `table` replaced, longest first,
    as the browser's script does it."""
    if not table:
        return text
    keys = sorted(table, key=len, reverse=True)
    pattern = re.compile(r"(^|\W)(" + "|".join(map(re.escape, keys)) + r")(?!\w)")
    return pattern.sub(lambda m: m.group(1) + table[m.group(2)], text)
