"""The static site's search index: one JSON file per language, prebuilt, holding the bot's own
ranking (`bot.search.export`), so the site's search finds what the chat finds.

The browser's script (assets/site.js) reads a query as the bot does (`bot.search.analyze`):
numbers first (``75 €`` → ``#75``), then case, accents and punctuation (`fold`), other spellings
(``pref`` → ``prefecture``), the lexicons' phrases (``timbre fiscal`` → ``@timbre``), and for
each word the term the bot reads it as (its concept, or its rarest stem in any language; a word
the index does not know is corrected to the nearest known one within one or two edits). It then
ranks as `FaqIndex` does: BM25F, the closeness of the question to one example question for the
leading entries, the rules (the RECE card or a bilateral APS named, a nationality), and the
naive-Bayes second opinion. Only the asker's situation (`bot.search.situation`) is left out.

Format (``format`` 3)::

    entries      [id, title, url, snippet] per index entry, in the
                 index's order (null for the questions no entry answers)
    postings     per term: "<entry gap><weight><times said>" per entry, as varints (below)
    examples     per term: "<example gap>" per example question saying it, as varints
    example_entries   how many example questions each entry has (they are numbered in order)
    words        word -> varints (its term + 1, its surface term + 1; 0: none), "" for a stop word
    tokens       "@concept" and "#number" -> term
    spellings    words -> the words they stand for;  phrases   words -> "@concept"
    scopes, nationalities, rece, bilateral, settings: the rules and constants of the ranking
    segment      true for a language written without spaces (Chinese): runs of Han characters
                 are cut into the longest words of `words`
    reading      scripts -> their languages, and each language's words that vote for it: the
                 browser reads a question in the index of its language, as the chat does

A varint string writes each number in base 32, least significant digit first, one character per
digit from `ALPHABET`: the first 32 characters end a number, the last 32 say a digit follows.
Weights are in units of 1/`WEIGHT_SCALE`.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.search.analyze import SURFACE, Analyzer
from bot.search.export import RankingTables
from bot.search.result import OUT_OF_SCOPE

INDEX_FILE = "search-index.json"  # in each language's folder, next to search.html
FORMAT = 3
WEIGHT_SCALE = 20  # a weight is kept to 1/20: ranks as the bot's on the eval questions
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVabcdefghijklmnopqrstuvwxyzWXYZ-_"


def varints(numbers: Iterable[int]) -> str:
    """`numbers` (each >= 0) as a varint string (see the module)."""
    out = []
    for n in numbers:
        if n < 0:
            raise ValueError(f"varints are not negative: {n}")
        while n >= 32:
            out.append(ALPHABET[32 + (n & 31)])
            n >>= 5
        out.append(ALPHABET[n])
    return "".join(out)


def read_varints(text: str) -> list[int]:
    """The numbers of a varint string (what the browser's script does)."""
    out, n, shift = [], 0, 0
    for char in text:
        digit = ALPHABET.index(char)
        n |= (digit & 31) << shift
        if digit >= 32:
            shift += 5
        else:
            out.append(n)
            n, shift = 0, 0
    return out


def build_index(
    lang: str,
    tables: RankingTables,
    analyzer: Analyzer,
    shown: dict[str, tuple[str, str, str]],
    reading: dict | None = None,
) -> dict:
    """The JSON-ready index in one language.

    Args:
        tables: the bot's ranking (`bot.search.export.ranking_tables`).
        analyzer: the bot's reading of words (spellings, phrases).
        shown: per entry id, (title, url, snippet) in `lang`.
        reading: how the bot tells a question's language (`FaqIndex.reading_table`): the
            browser then searches the index of the language a question is written in, as the
            chat does, and shows the results in the page's language.
    """
    entries: list[list | None] = []
    for entry_id in tables.entry_ids:
        if entry_id == OUT_OF_SCOPE or entry_id not in shown:
            entries.append(None)
            continue
        entries.append([entry_id, *shown[entry_id]])

    terms = sorted(tables.weights)
    term_id = {t: i for i, t in enumerate(terms)}
    starts, total = [], 0  # each entry's first example number
    for examples in tables.examples:
        starts.append(total)
        total += len(examples)
    saying: dict[str, list[int]] = {}
    for e, examples in enumerate(tables.examples):
        for i, said in enumerate(examples):
            for t in said:
                saying.setdefault(t, []).append(starts[e] + i)

    def gaps(numbers: list[int]) -> list[int]:
        return [n - (numbers[i - 1] if i else 0) for i, n in enumerate(numbers)]

    postings = []
    for t in terms:
        rows = tables.weights[t]
        entry_gaps = gaps([e for e, _ in rows])
        postings.append(
            varints(
                x
                for (e, w), gap in zip(rows, entry_gaps, strict=True)
                for x in (gap, round(w * WEIGHT_SCALE), tables.said[e].get(t, 0))
            )
        )
    words: dict[str, str] = {}
    for word, term in sorted(tables.words.items()):
        if term is None:
            words[word] = ""
            continue
        surface = term_id.get(SURFACE + word, -1)
        words[word] = varints((term_id.get(term, -1) + 1, surface + 1))
    for t in terms:  # a word read as no term of its own may still be said as it is
        if t.startswith(SURFACE) and t[1:] not in words:
            words[t[1:]] = varints((0, term_id[t] + 1))
    return {
        "format": FORMAT,
        "lang": lang,
        "entries": entries,
        "postings": postings,
        "examples": [varints(gaps(sorted(saying.get(t, [])))) for t in terms],
        "example_entries": [len(e) for e in tables.examples],
        "words": words,
        "tokens": {t: i for t, i in term_id.items() if t[:1] in ("@", "#")},
        "spellings": {" ".join(k): " ".join(v) for k, v in sorted(analyzer.spellings.items())},
        "phrases": {" ".join(k): v for k, v in sorted(analyzer.phrases.items())},
        "scopes": list(tables.scopes),
        "nationalities": list(tables.nationalities),
        "rece": sorted(tables.rece),
        "bilateral": sorted(tables.bilateral),
        "settings": {**tables.settings, "weight_scale": WEIGHT_SCALE},
        # a language written without spaces: the browser cuts its runs of Han characters into
        # the longest words the index knows, as its segmenter would
        "segment": analyzer.segmenter is not None,
        "reading": _reading(reading) if reading else None,
    }


def _reading(table: dict) -> dict:
    """The reading table with each language's voting words as one string (smaller)."""
    words: dict[str, list[str]] = {}
    for word, codes in table["votes"].items():
        for code in codes:
            words.setdefault(code, []).append(word)
    return {
        "scripts": table["scripts"],
        "votes": {code: " ".join(sorted(ws)) for code, ws in sorted(words.items())},
    }
