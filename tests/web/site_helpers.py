"""Shared by the site's tests: a built site, an HTML link reader, and the search script's
normaliser mirrored in Python (the browser tests check the script against this mirror)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

from bot.i18n import Catalogs
from bot.knowledge import DEFAULT_KNOWLEDGE_DIR, load_knowledge
from bot.search import fold
from bot.site import SiteReport, build_site
from bot.site.search_index import default_token

BUILD_DAY = dt.date(2026, 11, 27)


def build(out: Path, day: dt.date = BUILD_DAY) -> SiteReport:
    """Build the site (in a thread of its own: Playwright's sync API keeps a loop running)."""
    knowledge = load_knowledge(DEFAULT_KNOWLEDGE_DIR, today=day)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, build_site(out, knowledge, Catalogs(), day)).result()


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


def js_tokens(index: dict, text: str) -> list[str]:
    """What assets/site.js does to a query, in Python: the browser tests hold the two equal."""
    folded = fold(text[:500])
    phrases = index["phrases"]
    if phrases:
        keys = sorted(phrases, key=len, reverse=True)
        pattern = re.compile(r"(^|\W)(" + "|".join(map(re.escape, keys)) + r")(?!\w)")
        folded = pattern.sub(lambda m: m.group(1) + phrases[m.group(2)], folded)
    out = []
    for word in folded.split(" "):
        if not word:
            continue
        mapped = index["words"][word] if word in index["words"] else default_token(word)
        out += [t for t in mapped.split(" ") if t]
    return out
