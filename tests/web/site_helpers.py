"""Shared by the site's tests: a built site, an HTML link reader, and the search script mirrored
in Python (the browser tests check the script against this mirror, the site's tests check the
mirror against the bot)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path

from bot.i18n import Catalogs
from bot.knowledge import DEFAULT_KNOWLEDGE_DIR, load_knowledge
from bot.search import fold
from bot.search.analyze import number_tokens
from bot.search.lexicon import letter_script
from bot.site import SiteReport, build_site
from bot.site.search_index import read_varints

BUILD_DAY = dt.date(2026, 11, 27)


def build(out: Path, day: dt.date = BUILD_DAY, base_url: str | None = None) -> SiteReport:
    """Build the site (in a thread of its own: Playwright's sync API keeps a loop running)."""
    knowledge = load_knowledge(DEFAULT_KNOWLEDGE_DIR, today=day)
    job = build_site(out, knowledge, Catalogs(), day, base_url=base_url)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, job).result()


class PageParser(HTMLParser):
    """Links, scripts, the ``<html lang>``, headings and JSON-LD of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.links: list[str] = []
        self.scripts: list[dict] = []
        self.styles: list[str] = []
        self.h1: list[str] = []
        self.json_ld: list[str] = []
        self.heads: list[dict] = []  # <link> and <meta> elements
        self.search_forms = 0
        self.inline_handlers: list[str] = []
        self.ids: set[str] = set()
        self._in: str | None = None
        self._buffer = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if "id" in a:
            self.ids.add(a["id"])
        self.inline_handlers += [k for k in a if k.startswith("on")]
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag == "link" and a.get("rel") == "stylesheet":
            self.styles.append(a["href"])
        if tag in ("link", "meta"):
            self.heads.append({"tag": tag, **a})
        if tag == "form" and a.get("role") == "search":
            self.search_forms += 1
        if tag == "script":
            self.scripts.append(a)
            if a.get("type") == "application/ld+json":
                self._in, self._buffer = "ld", ""
            elif "src" not in a:
                self._in, self._buffer = "inline-script", ""
        if tag == "h1":
            self._in, self._buffer = "h1", ""
        if tag == "style":
            self._in = "style"

    def handle_endtag(self, tag):
        if tag == "script" and self._in == "ld":
            self.json_ld.append(self._buffer)
        if tag == "h1" and self._in == "h1":
            self.h1.append(self._buffer.strip())
        if tag in ("script", "h1", "style"):
            self._in = None

    def handle_data(self, data):
        if self._in:
            self._buffer += data


def parse_page(path: Path) -> PageParser:
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


class SiteSearch:
    """What assets/site.js does with a search index, in Python: the browser tests hold the script
    equal to this, and the site's tests hold this to the bot's own ranking."""

    def __init__(self, index: dict) -> None:
        self.index = index
        self.settings = index["settings"]
        scale = self.settings["weight_scale"]
        self.entries = index["entries"]
        self.n = len(self.entries)
        self.postings: list[list[tuple[int, float, int]]] = []
        for text in index["postings"]:
            numbers, rows, e = read_varints(text), [], 0
            for i in range(0, len(numbers), 3):
                e += numbers[i]
                rows.append((e, numbers[i + 1] / scale, numbers[i + 2]))
            self.postings.append(rows)
        self.idf = [math.log(1 + (self.n - len(p) + 0.5) / (len(p) + 0.5)) for p in self.postings]
        self.example_entry: list[int] = []
        for e, count in enumerate(index["example_entries"]):
            self.example_entry += [e] * count
        self.saying: list[list[int]] = []  # term -> example numbers
        squares = [0.0] * len(self.example_entry)
        for t, text in enumerate(index["examples"]):
            numbers, x = [], 0
            for gap in read_varints(text):
                x += gap
                numbers.append(x)
                squares[x] += self.idf[t] ** 2
            self.saying.append(numbers)
        self.example_norm = [math.sqrt(s) for s in squares]
        totals = [0] * self.n
        self.nb_vocabulary = set()
        for t, rows in enumerate(self.postings):
            for e, _, said in rows:
                if said:
                    totals[e] += said
                    self.nb_vocabulary.add(t)
        alpha = self.settings["nb_alpha"]
        self.nb_norm = [math.log(total + alpha * len(self.nb_vocabulary)) for total in totals]
        self.words = {
            w: ([x - 1 for x in read_varints(v)] if v else 0) for w, v in index["words"].items()
        }
        self.tokens = index["tokens"]
        self.spellings = {tuple(k.split()): v.split() for k, v in index["spellings"].items()}
        self.phrases = {tuple(k.split()): v for k, v in index["phrases"].items()}
        self.spelling_len: dict[str, int] = {}
        for k in self.spellings:
            self.spelling_len[k[0]] = max(self.spelling_len.get(k[0], 0), len(k))
        self.phrase_len: dict[str, int] = {}
        for k in self.phrases:
            self.phrase_len[k[0]] = max(self.phrase_len.get(k[0], 0), len(k))
        self.correctable = sorted(
            w
            for w, v in self.words.items()
            if v != 0 and v[0] >= 0 and len(w) >= 4 and not w.isdigit()
        )
        self.han_longest = max(
            (min(len(w), 8) for w in self.words if index.get("segment") and HAN_WORD.match(w)),
            default=1,
        )

    # ------------------------------------------------------------------ reading a question

    def correct(self, word: str) -> str | None:
        """The nearest correctable word within one edit (two from 8 letters), as the bot does."""
        if len(word) < 4 or word.isdigit():
            return None
        limit = 2 if len(word) >= 8 else 1
        best = None
        for candidate in self.correctable:
            if abs(len(candidate) - len(word)) > limit:
                continue
            d = osa(word, candidate, limit)
            if d <= limit and (best is None or (d, candidate) < best):
                best = (d, candidate)
        return best[1] if best else None

    def query(self, text: str) -> dict[int, float]:
        """The question's terms with their factors."""
        numbers, rest = number_tokens(text[:500])
        out: dict[int, float] = {}

        def add(term: int, factor: float) -> None:
            if term >= 0:
                out[term] = max(out.get(term, 0.0), factor)

        for token in numbers:
            if token in self.tokens:
                add(self.tokens[token], 1.0)
        words = fold(rest).split()
        if self.index.get("segment"):
            words = [part for w in words for part in segment(w, self.words, self.han_longest)]
        words = _greedy(words, self.spelling_len, self.spellings, 1)
        for chunk in _chunk(words, self.phrase_len, self.phrases):
            if isinstance(chunk, tuple):  # a phrase: its concept
                if chunk[1] in self.tokens:
                    add(self.tokens[chunk[1]], 1.0)
                continue
            mapped = self.words.get(chunk)
            if mapped == 0:
                continue  # a stop word
            if mapped is not None and mapped[0] >= 0:
                add(mapped[0], 1.0)
            else:
                fixed = self.correct(chunk)
                if fixed is not None:
                    add(self.words[fixed][0], self.settings["correction"])
            if mapped is not None:
                add(mapped[1], 1.0)
        return out

    # ------------------------------------------------------------------ ranking

    def rank(self, text: str) -> list[tuple[int, float]]:
        """(entry number, raw score), best first, as `FaqIndex._rank` (no situations)."""
        # terms in ascending order, as the script walks them (a JavaScript object's number keys
        # come in that order): sums in the same order give the same floats, and the same ties
        query = dict(sorted(self.query(text).items()))
        if not query:
            return []
        s = self.settings
        raw: dict[int, float] = {}
        for t, f in query.items():
            for e, w, _ in self.postings[t]:
                raw[e] = raw.get(e, 0.0) + w * f
        q_norm = math.sqrt(sum(self.idf[t] ** 2 for t in query))
        for e, _ in _top(raw, int(s["candidates"])):
            shared: dict[int, float] = {}
            for t, f in query.items():
                for x in self.saying[t]:
                    if self.example_entry[x] == e:
                        shared[x] = shared.get(x, 0.0) + self.idf[t] ** 2 * f
            if shared:
                closeness = max(v / self.example_norm[x] for x, v in shared.items()) / q_norm
                raw[e] += s["closeness"] * closeness**3
        named = {t for t, i in self.tokens.items() if t.startswith("@") and i in query}
        self._rules(raw, named)
        leaders = _top(raw, int(s["nb_candidates"]))
        terms = [(t, f) for t, f in query.items() if t in self.nb_vocabulary]
        if leaders and terms and s["nb_weight"]:
            floor = math.log(s["nb_alpha"])
            said = {(e, t): c for t, _ in terms for e, _, c in self.postings[t] if c}
            total = sum(f for _, f in terms)
            logs = [
                sum(
                    f * (math.log(said[(e, t)] + s["nb_alpha"]) if (e, t) in said else floor)
                    for t, f in terms
                )
                - total * self.nb_norm[e]
                for e, _ in leaders
            ]
            top = max(logs)
            weights = [math.exp(v - top) for v in logs]
            norm = sum(weights)
            scale = s["nb_weight"] * leaders[0][1]
            for (e, _), w in zip(leaders, weights, strict=True):
                raw[e] += scale * w / norm
        return _top(raw, len(raw))

    def _rules(self, raw: dict[int, float], named: set[str]) -> None:
        rece = bool(named & set(self.index["rece"]))
        bilateral = bool(named & set(self.index["bilateral"]))
        nations = named & {n for n in self.index["nationalities"] if n}
        if not (rece or bilateral or nations):
            return
        for e in list(raw):
            scope, nation = self.index["scopes"][e], self.index["nationalities"][e]
            if (rece and not bilateral and scope == "bilateral") or (
                bilateral and not rece and scope == "rece"
            ):
                del raw[e]
            elif nation and nations:
                if nation in nations:
                    raw[e] *= 1 + self.settings["nationality_boost"]
                else:
                    del raw[e]

    def run(self, text: str, shown: set[str] | None = None) -> list[tuple[str, float]]:
        """The entries the search page lists, best first, with their scores (`shown`: the ids
        the page can show, when this is another language's index)."""
        ranked = [
            (e, r)
            for e, r in self.rank(text)
            if self.entries[e] is not None and (shown is None or self.entries[e][0] in shown)
        ]
        if not ranked:
            return []
        best = ranked[0][1]
        return [(self.entries[e][0], r) for e, r in ranked if r >= best * 0.25][:12]


HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
HAN_WORD = re.compile("^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")


def segment(word: str, known: dict, longest: int) -> list[str]:
    """site.js's segment: each run of Han characters cut into the longest known words."""
    out: list[str] = []
    last = 0
    for m in HAN.finditer(word):
        if m.start() > last:
            out.append(word[last : m.start()])
        run, i = m.group(), 0
        while i < len(run):
            n = min(longest, len(run) - i)
            while n > 1 and run[i : i + n] not in known:
                n -= 1
            out.append(run[i : i + n])
            i += n
        last = m.end()
    if last < len(word):
        out.append(word[last:])
    return out


def read_language(reading: dict | None, text: str, fallback: str) -> str:
    """site.js's readLanguage: the language the question is written in, as the bot reads it."""
    if not reading:
        return fallback
    counts: dict[str, int] = {}
    for c in text[:500]:
        if c.isalpha():
            script = letter_script(c)
            if script in reading["scripts"]:
                counts[script] = counts.get(script, 0) + 1
    scripts = sorted(counts, key=lambda s: (len(reading["scripts"][s]), -counts[s], s))
    if not scripts:
        return fallback
    codes = reading["scripts"][scripts[0]]
    if len(codes) == 1:
        return codes[0]
    sets = {code: set(words.split()) for code, words in reading["votes"].items()}
    votes: dict[str, int] = {}
    for word in fold(text).split():
        for code in codes:
            if word in sets.get(code, ()):
                votes[code] = votes.get(code, 0) + 1
    ranked = sorted(votes.items(), key=lambda kv: -kv[1])
    if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return fallback
    return ranked[0][0]


class SiteSearches:
    """The search page of one language of a built site: it searches the index of the language
    a question is written in (fetched from that language's folder), as site.js does."""

    def __init__(self, out: Path, lang: str) -> None:
        self.out, self.lang = out, lang
        self.page = self.load(lang)
        self._others: dict[str, SiteSearch | None] = {lang: self.page}

    def load(self, code: str) -> SiteSearch | None:
        path = self.out / code / "search-index.json"
        if not path.is_file():
            return None
        return SiteSearch(json.loads(path.read_bytes()))

    def language(self, text: str) -> str:
        return read_language(self.page.index.get("reading"), text, self.lang)

    def run(self, text: str) -> list[tuple[str, float]]:
        code = self.language(text)
        if code not in self._others:
            self._others[code] = self.load(code)
        search = self._others[code] or self.page
        shown = {e[0] for e in self.page.entries if e}
        return [(i, r) for i, r in search.run(text, shown)]


def _top(raw: dict[int, float], k: int) -> list[tuple[int, float]]:
    return sorted(raw.items(), key=lambda er: (-er[1], er[0]))[:k]


def _runs(words: list[str], lengths: dict, table: dict, least: int):
    """``(run, what the table names it)`` along `words`: the longest run of `least` words or more
    the table names, else ``(one word, None)``."""
    i = 0
    while i < len(words):
        for size in range(min(lengths.get(words[i], 0), len(words) - i), least - 1, -1):
            value = table.get(tuple(words[i : i + size]))
            if value is not None:
                yield words[i : i + size], value
                i += size
                break
        else:
            yield words[i : i + 1], None
            i += 1


def _greedy(words: list[str], lengths: dict, table: dict, least: int) -> list[str]:
    """Words with the table's runs replaced by what they stand for, longest first."""
    out: list[str] = []
    for run, replacement in _runs(words, lengths, table, least):
        out.extend(run if replacement is None else replacement)
    return out


def _chunk(words: list[str], lengths: dict, table: dict) -> list:
    """Each word, or (phrase, concept) for a run of words the table names (two or more)."""
    return [
        run[0] if concept is None else (" ".join(run), concept)
        for run, concept in _runs(words, lengths, table, 2)
    ]


def osa(a: str, b: str, limit: int) -> int:
    """The optimal string alignment distance of `a` and `b`, or `limit` + 1 when over it."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[len(b)], limit + 1)
