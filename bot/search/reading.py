"""Which language a question is written in: the index it is searched in, and the reply's language.

1. **Script.** Each language writes in the script of its lexicon's stop words (Latin for English
   and French, Han for Chinese). A question is read among the languages of the scripts it uses;
   when it uses several, the one fewest languages share wins: "我的 titre de séjour 快到期了" is
   Chinese, the Latin words in it are the French terms Chinese students borrow.
2. **Words.** Among languages of one script, a vote: each word that only one of them has as a stop
   word or single-word concept ("prix" is French even in "rece prix"), or in its translated titles
   and answers, counts for that language.
3. Nothing decides (a tie, no vote): None, and the caller decides (the asker's language).

Only languages of the same script are compared, so adding a language of another script (its
catalog, its lexicon, its examples) cannot change how an English or French question is read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.search.analyze import Analyzer
from bot.search.lexicon import Lexicon, letter_script
from bot.search.normalise import MAX_QUERY_CHARS


class LanguageReader:
    """Tells the language of a question among the languages of `lexicons`.

    Args:
        lexicons: one per language.
        texts: each language's own words (its translated titles and answers), as its analyzer
            reads them.
    """

    def __init__(self, lexicons: Mapping[str, Lexicon], texts: Mapping[str, Iterable[str]]) -> None:
        self.scripts: dict[str, list[str]] = {}  # script -> its languages
        for code, lexicon in sorted(lexicons.items()):
            self.scripts.setdefault(lexicon.script(), []).append(code)
        self._analyzers: dict[str, Analyzer] = {}  # script -> the analyzer of its languages
        self._only: dict[str, frozenset[str]] = {}  # language -> words only it has
        for script, codes in self.scripts.items():
            analyzer = Analyzer({code: lexicons[code] for code in codes})
            self._analyzers[script] = analyzer
            words = {code: set(texts.get(code, ())) for code in codes}
            for code in codes:
                others = [w for c, w in words.items() if c != code]
                self._only[code] = frozenset(
                    w for w in words[code] if not any(w in o for o in others)
                )

    def table(self) -> dict:
        """What `guess` reads, as plain data for a copy of it elsewhere (the site's search):
        ``scripts``, each script's languages, and ``votes``, each folded word that votes for
        languages of one script (a language's own stop word, or a word of its own texts that is
        not a stop word), with the languages it votes for."""
        votes: dict[str, list[str]] = {}
        for script, codes in self.scripts.items():
            if len(codes) < 2:
                continue  # one language of its script: its letters decide
            analyzer = self._analyzers[script]
            for code in codes:
                for word in analyzer.lang_words.get(code, ()):
                    votes.setdefault(word, []).append(code)
                for word in self._only[code]:
                    if word not in analyzer.stop_words:
                        votes.setdefault(word, []).append(code)
        return {
            "scripts": {script: list(codes) for script, codes in sorted(self.scripts.items())},
            "votes": {word: sorted(codes) for word, codes in sorted(votes.items())},
        }

    def scripts_of(self, text: str) -> list[str]:
        """The scripts of `text` that some language writes, the one fewest languages share first
        (then the one with most letters)."""
        counts: dict[str, int] = {}
        for c in text[:MAX_QUERY_CHARS]:
            if c.isalpha():
                script = letter_script(c)
                if script in self.scripts:
                    counts[script] = counts.get(script, 0) + 1
        return sorted(counts, key=lambda s: (len(self.scripts[s]), -counts[s], s))

    def guess(self, text: str) -> str | None:
        """The language `text` is most likely written in, or None when it is unclear."""
        scripts = self.scripts_of(text)
        if not scripts:
            return None
        script = scripts[0]
        codes = self.scripts[script]
        if len(codes) == 1:
            return codes[0]
        analyzer = self._analyzers[script]
        votes = analyzer.language_votes(text)
        for word in analyzer.content_words(text):
            for code in codes:
                if word in self._only[code]:
                    votes[code] = votes.get(code, 0) + 1
        ranked = sorted(votes.items(), key=lambda kv: kv[1], reverse=True)
        if not ranked or ranked[0][1] == 0 or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
            return None
        return ranked[0][0]
