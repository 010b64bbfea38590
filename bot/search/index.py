"""`FaqIndex`: the FAQ search, one index per language, each built once, when first read.

Every language's texts are indexed on their own (`bot.search.language_index`): the entries'
example questions, keywords, titles and answers written in that language, and nothing of the
others. A question is searched in the index of the language it is written in
(`bot.search.reading`: its script, then its words), or, when its words do not tell, in the
asker's language. So adding or editing one language's examples, lexicon or translations cannot
change the answers to questions in another language: ``tests/test_languages_apart.py`` checks it
on every English and French question of eval/questions.yaml.

Languages still help each other through what they share on purpose:

- concepts, by name: ``@cost`` is "fee" in English, "prix" in French and "费用" in Chinese, so a
  question meets an entry whose text says the idea in other words or another language;
- borrowed words: a lexicon lists the languages its questions borrow from (``borrows``: Chinese
  questions use French legal terms and English abbreviations), and its index reads them with
  those languages' lexicons too;
- the source language: an entry not translated yet into a language (a language in progress,
  `knowledge/languages.yaml`) is indexed there with its English title and answer, which is what
  the asker will read.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterable, Mapping

from bot.search.analyze import NUMBER, Analyzer
from bot.search.language_index import IndexDoc, LanguageIndex, SearchRules
from bot.search.lexicon import Lexicon
from bot.search.reading import LanguageReader
from bot.search.result import ANSWER_THRESHOLD, SUGGEST_THRESHOLD, Match, SearchResult
from bot.search.situation import Situation

SOURCE_LANGUAGE = "en"  # the knowledge is written in English: the fallback of every language
FALLBACK_FIELDS = ("title", "answer", "more")  # what an asker reads in English until translated
_LANG_TEXTS = ("title", "answer", "more")  # translations: one language each, they tell languages


class FaqIndex:
    """The FAQ's search in every language. Build once; `search` is read-only and thread-safe.

    Args:
        docs: the entries, each with its fields in every language.
        lexicons: one per language; a language has an index when it has a lexicon.
        rules: which concepts name the RECE card and which a bilateral APS.
        situations: the asker's situations (`bot.search.situation`).
    """

    def __init__(
        self,
        docs: Iterable[IndexDoc],
        lexicons: Mapping[str, Lexicon],
        rules: SearchRules | None = None,
        situations: Iterable[Situation] = (),
    ) -> None:
        docs = list(docs)
        rules = rules or SearchRules()
        situations = tuple(situations)
        self.rules = rules
        self.languages = tuple(sorted(lexicons))
        self.default = SOURCE_LANGUAGE if SOURCE_LANGUAGE in lexicons else self.languages[0]
        # every lexicon at once: what the site's search tables are computed with
        self.analyzer = Analyzer(lexicons)
        self._indexes: dict[str, LanguageIndex] = {}
        self._analyzers = {
            code: Analyzer(reading_lexicons(code, lexicons)) for code in self.languages
        }
        self._docs, self._situations = docs, situations
        self._building = threading.Lock()
        self._lexicons = lexicons
        self._reader_built: LanguageReader | None = None
        self.entry_ids = self.index_of(self.default).entry_ids

    def __len__(self) -> int:
        return len(self.entry_ids)

    @property
    def situations(self):
        """The asker's situations, as the default language's index reads them."""
        return self.index_of(self.default).situations

    def index_of(self, lang: str) -> LanguageIndex:
        """The index of language `lang` (the default language's if it has none), built the
        first time it is asked for: a process that only ever reads English does not pay for
        the others (about 0.3 s each; Chinese loads its segmenter too)."""
        index = self._indexes.get(lang)
        if index is not None:
            return index
        if lang not in self._analyzers:
            return self.index_of(self.default)
        with self._building:  # the web front end may search from several threads
            index = self._indexes.get(lang)
            if index is None:
                # documents with nothing in this language (another language's out-of-scope
                # questions) are left out: counted, they would change every word's rarity here
                docs = (_in_language(doc, lang) for doc in self._docs)
                mine = [d for d in docs if d.fields]
                index = LanguageIndex(
                    lang, mine, self._analyzers[lang], self.rules, self._situations
                )
                self._indexes[lang] = index
        return index

    def _reader(self) -> LanguageReader:
        """What tells a question's language, built the first time a question is read (it reads
        every language's translated titles and answers)."""
        reader = self._reader_built
        if reader is None:
            with self._building:
                if self._reader_built is None:
                    texts = {
                        code: _own_words(self._docs, code, self._analyzers[code])
                        for code in self.languages
                    }
                    self._reader_built = LanguageReader(self._lexicons, texts)
                reader = self._reader_built
        return reader

    def warm(self) -> None:
        """Build every language's index and the language reader now (a server does it after
        start-up, off the event loop)."""
        self._reader()
        for code in self.languages:
            self.index_of(code)

    def language_of(self, text: str, lang: str | None = None) -> str:
        """The language to read `text` in: the one it is written in, else `lang` (the asker's),
        else the default language."""
        guessed = self._reader().guess(text)
        if guessed is not None:
            return guessed
        return lang if lang in self._analyzers else self.default

    def reading_table(self) -> dict:
        """How a question's language is told, as data (`LanguageReader.table`)."""
        return self._reader().table()

    def guess_lang(self, text: str) -> str | None:
        """The language `text` is most likely written in, or None when it is unclear."""
        return self._reader().guess(text)

    def search(
        self,
        text: str,
        limit: int = 3,
        answers: Mapping[str, str] | None = None,
        lang: str | None = None,
    ) -> SearchResult:
        """The entries for `text`, from the index of the language it is written in.

        Args:
            answers: the asker's walkthrough answers (`LanguageIndex.search`).
            lang: the asker's language: where to search when the question's words do not tell.
        """
        return self.index_of(self.language_of(text, lang)).search(text, limit, answers)

    def rank(
        self,
        text: str,
        limit: int = 3,
        answers: Mapping[str, str] | None = None,
        lang: str | None = None,
    ) -> list[tuple[str, float]]:
        """The best `limit` entries for `text` with their raw scores, before any threshold."""
        return self.index_of(self.language_of(text, lang)).rank(text, limit, answers)

    def normalised(self, text: str, lang: str | None = None) -> str:
        """What is kept of an unanswered question: its folded words, stop words dropped."""
        return self.index_of(self.language_of(text, lang)).normalised(text)


def reading_lexicons(code: str, lexicons: Mapping[str, Lexicon]) -> dict[str, Lexicon]:
    """The lexicons language `code`'s index reads with: its own first, then those it borrows."""
    out = {code: lexicons[code]}
    for other in lexicons[code].borrows:
        if other in lexicons:
            out.setdefault(other, lexicons[other])
    return out


def _in_language(doc: IndexDoc, code: str) -> IndexDoc:
    """`doc` with its fields in language `code` only; a title or answer not translated into it
    stays in English (the asker will read it so)."""
    fields = [f for f in doc.fields if f[1] == code]
    if code != SOURCE_LANGUAGE:
        have = {name for name, _, _ in fields}
        fields += [
            f
            for f in doc.fields
            if f[1] == SOURCE_LANGUAGE and f[0] in FALLBACK_FIELDS and f[0] not in have
        ]
    return dataclasses.replace(doc, fields=tuple(fields))


def _own_words(docs: list[IndexDoc], code: str, analyzer: Analyzer) -> set[str]:
    """The words of language `code`'s translated titles and answers (example questions mix
    languages as students do: they are left out)."""
    words: set[str] = set()
    for doc in docs:
        for name, lang, text in doc.fields:
            if lang == code and name in _LANG_TEXTS:
                words.update(analyzer.doc_analysis(text, lang)[1])
    return words


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
