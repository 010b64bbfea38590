"""``aps-bot site OUT_DIR``: the knowledge as a static, bilingual, searchable site.

Layout of the output (``<lang>`` is each catalog's language)::

    index.html                      choose a language
    assets/site.css, assets/site.js
    <lang>/index.html               home: search, the walkthrough, every question by topic
    <lang>/search.html              search results (the search runs in the browser)
    <lang>/search-index.json        the prebuilt index (see bot.site.search_index)
    <lang>/faq/<entry id>.html      one page per FAQ entry, with FAQPage JSON-LD
    <lang>/topics/<topic id>.html   one page per topic
    <lang>/changes.html             every figure that changed, with its dates
    <lang>/sources.html             every source, with when it was published and checked
    <lang>/walkthrough/index.html   the walkthrough's first question; one page per step
                                    (see bot.site.walk for how steps become pages)
    404.html                        "no such page", in every language (static hosts serve it)
    robots.txt                      everything may be indexed; where the sitemap is
    sitemap.xml                     every page (only with a base URL: a sitemap's addresses are
                                    absolute)

With a base URL (``aps-bot site OUT --base-url https://example.org/aps/``, the address the site
is published at), hreflang, canonical and JSON-LD links are absolute, as search engines want them;
without one, links between pages stay relative (the site works from any folder).

This module writes the files; the pages themselves come from bot.site.faq_pages,
changes_page, sources_page and walk_pages.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from babel import Locale

from bot.i18n import Catalogs, Lang
from bot.knowledge.model import Knowledge
from bot.markup import Message
from bot.render.html import escape
from bot.site.changes_page import changes_page
from bot.site.content import Content
from bot.site.faq_pages import FaqPages
from bot.site.layout import CSP, Chrome, PageSpec
from bot.site.search_index import INDEX_FILE
from bot.site.sources_page import sources_page
from bot.site.walk import Page, walk
from bot.site.walk_pages import START_PAGE, WalkthroughPages

ASSETS = ("site.css", "site.js")
MARKER = ".aps-bot-site"  # in OUT_DIR: this folder was written by aps-bot site (safe to rebuild)


class SiteError(Exception):
    """OUT_DIR cannot take the site (it holds other files)."""


@dataclass
class SiteReport:
    """What was built: pages per kind and language, and the search index's size per language."""

    out_dir: Path
    languages: list[str]
    pages: dict[str, int] = field(default_factory=dict)  # kind -> pages in all languages
    walkthrough_pages: int = 0  # per language
    index_bytes: dict[str, int] = field(default_factory=dict)
    paths: list[str] = field(default_factory=list)  # every page, relative to out_dir

    @property
    def total_pages(self) -> int:
        return sum(self.pages.values())


def check_base_url(url: str) -> str:
    """`url` as the site's base address, ending with "/".

    Raises:
        ValueError: not an http(s) address of a host (with an optional path).
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(
            f"--base-url must be the site's address, such as https://example.org/aps/ (got {url!r})"
        )
    return url.strip().rstrip("/") + "/"


async def build_site(
    out_dir: Path,
    knowledge: Knowledge,
    catalogs: Catalogs,
    day: dt.date,
    languages: list[str] | None = None,
    *,
    base_url: str | None = None,
) -> SiteReport:
    """Write the site into `out_dir`: a new or empty folder, or one this function wrote before
    (its pages are removed first, so no page of an older walkthrough lingers).

    Args:
        base_url: the site's public address, ending with "/" (`check_base_url`), if known.

    Raises:
        SiteError: `out_dir` holds files that are not a previous build.
    """
    languages = languages or catalogs.languages
    _prepare(out_dir)
    report = SiteReport(out_dir, languages)
    content = Content(knowledge, catalogs, day)
    walk_pages = walk(knowledge.flow)
    report.walkthrough_pages = len(walk_pages)
    assets = out_dir / "assets"
    assets.mkdir(exist_ok=True)
    for name in ASSETS:
        source = resources.files("bot.site").joinpath("assets", name)
        with resources.as_file(source) as path:
            shutil.copyfile(path, assets / name)
    for code in languages:
        builder = _LanguageSite(
            out_dir / code, content, catalogs.get(code), languages, walk_pages, base_url
        )
        await builder.build(report)
    _write(out_dir / "index.html", _root_page(content, languages, base_url))
    report.pages["root"] = 1
    report.paths.insert(0, "index.html")
    _write(out_dir / "404.html", _not_found_page(content, languages, base_url))
    report.pages["404"] = 1
    _write(out_dir / "robots.txt", _robots(base_url))
    if base_url:
        _write(out_dir / "sitemap.xml", _sitemap(base_url, report.paths, day))
    return report


def _prepare(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise SiteError(f"{out_dir} exists and is not a folder")
    if out_dir.is_dir() and any(out_dir.iterdir()):
        if not (out_dir / MARKER).is_file():
            raise SiteError(
                f"{out_dir} is not empty and was not written by aps-bot site: choose a new or "
                "empty folder"
            )
        for child in out_dir.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / MARKER).write_text(
        "Written by aps-bot site; the next build replaces everything in this folder.\n",
        encoding="utf-8",
    )


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


class _LanguageSite:
    """One language's folder: every page, in the order the engine is asked for them."""

    def __init__(
        self,
        folder: Path,
        content: Content,
        t: Lang,
        languages: list[str],
        walk_pages: list[Page],
        base_url: str | None,
    ) -> None:
        self.folder = folder
        self.content = content
        self.kb = content.kb
        self.t = t
        self.code = t.code
        self.walk_pages = walk_pages
        self.walkthrough = WalkthroughPages(content, t, walk_pages)
        self.chrome = Chrome(
            t, languages, t.date(content.day), f"walkthrough/{START_PAGE}.html", base_url
        )

    def emit(self, report: SiteReport, page: PageSpec) -> None:
        _write(self.folder / page.path, self.chrome.render(page))
        report.pages[page.kind] = report.pages.get(page.kind, 0) + 1
        report.paths.append(f"{self.code}/{page.path}")

    async def build(self, report: SiteReport) -> None:
        answers: dict[str, Message] = {}
        for entry in self.kb.faq.entries:
            answers[entry.id] = await self.content.faq_entry(self.code, entry.id)
        faq = FaqPages(self.content, self.t, self.chrome, answers)
        self.emit(report, faq.home())
        self.emit(report, faq.search())
        for entry in self.kb.faq.entries:
            self.emit(report, faq.faq_page(entry.id))
        for tid in self.kb.faq.topics:
            self.emit(report, faq.topic_page(tid))
        self.emit(report, changes_page(self.content, self.t))
        self.emit(report, sources_page(self.kb, self.t))
        for page in self.walk_pages:
            self.emit(report, await self.walkthrough.step(page))
        index = json.dumps(faq.search_index(), ensure_ascii=False, separators=(",", ":"))
        _write(self.folder / INDEX_FILE, index)
        report.index_bytes[self.code] = len(index.encode("utf-8"))


def _root_page(content: Content, languages: list[str], base_url: str | None) -> str:
    """The site's root: one link per language, each written in its language."""
    links = []
    alternates = []
    for code in languages:
        t = content.lang(code)
        title = t.gettext("RECE / APS after your studies in France")
        name = Locale.parse(code).get_display_name(code) or code  # "français" inside a sentence
        enter = t.gettext("Read in {language}").format(language=name)
        links.append(
            f'<li lang="{code}"><a href="{code}/index.html" hreflang="{code}">'
            f"<strong>{escape(enter)}</strong><span>{escape(title)}</span></a></li>"
        )
        alternates.append(
            f'<link rel="alternate" hreflang="{code}" href="{base_url or ""}{code}/index.html">'
        )
    first = languages[0]
    description = " / ".join(
        content.lang(code).gettext("RECE / APS after your studies in France") for code in languages
    )
    canonical = ""
    if base_url:
        canonical = f'<link rel="canonical" href="{base_url}">\n'
        alternates.append(f'<link rel="alternate" hreflang="x-default" href="{base_url}">')
    return (
        "<!doctype html>\n"
        f'<html lang="{first}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        "<title>aps-bot · RECE / APS</title>\n"
        f'<meta name="description" content="{escape(description)}">\n'
        f"{canonical}" + "\n".join(alternates) + "\n"
        '<link rel="icon" href="data:,">\n'
        '<link rel="stylesheet" href="assets/site.css">\n'
        '<script src="assets/site.js" defer></script>\n</head>\n'
        '<body class="root">\n<main id="main">\n<h1>aps-bot · RECE / APS</h1>\n'
        f'<ul class="languages">{"".join(links)}</ul>\n</main>\n</body>\n</html>\n'
    )


def _not_found_page(content: Content, languages: list[str], base_url: str | None) -> str:
    """404.html, in every language: a static host serves it at any address, so its links start
    from the site's root (the base URL's path, else the host's root)."""
    root = urlsplit(base_url).path if base_url else "/"
    sections = []
    for i, code in enumerate(languages):
        t = content.lang(code)
        heading = t.gettext("There is no such page here.")
        text = t.gettext(
            "The address may be mistyped, or the page was moved. Start from the home page or "
            "search the questions."
        )
        level = "h1" if i == 0 else "h2"
        sections.append(
            f'<section lang="{code}"><{level}>{escape(heading)}</{level}><p>{escape(text)}</p>'
            f'<ul class="more"><li><a href="{root}{code}/index.html" hreflang="{code}">'
            f'{escape(t.gettext("Home"))}</a></li><li><a href="{root}{code}/search.html" '
            f'hreflang="{code}">{escape(t.gettext("Search the questions"))}</a></li></ul>'
            "</section>"
        )
    first = content.lang(languages[0])
    return (
        "<!doctype html>\n"
        f'<html lang="{first.code}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="robots" content="noindex">\n'
        "<title>404 · aps-bot · RECE / APS</title>\n"
        '<link rel="icon" href="data:,">\n'
        f'<link rel="stylesheet" href="{root}assets/site.css">\n</head>\n'
        f'<body class="root">\n<main id="main">\n{"".join(sections)}\n</main>\n</body>\n'
        "</html>\n"
    )


def _robots(base_url: str | None) -> str:
    sitemap = f"Sitemap: {base_url}sitemap.xml\n" if base_url else ""
    return f"User-agent: *\nAllow: /\n{sitemap}"


def _sitemap(base_url: str, paths: list[str], day: dt.date) -> str:
    """Every page's absolute address, with the build day (their figures are as of that day)."""
    urls = "".join(
        f"<url><loc>{escape(base_url + ('' if path == 'index.html' else path))}</loc>"
        f"<lastmod>{day.isoformat()}</lastmod></url>\n"
        for path in paths
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{urls}</urlset>\n"
    )
