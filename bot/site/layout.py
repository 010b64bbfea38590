"""The page around the content: head, header (menu, languages, search), footer.

Every page is one HTML file with relative links, so the site works from any folder of any static
host (a GitHub Pages project site lives under ``/<repository>/``). No inline script or style: the
page's Content-Security-Policy (a ``<meta>``, as static hosts rarely let you set headers) allows
only the site's own files. JSON-LD is a data block, which that policy does not execute.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from babel import Locale

from bot.i18n import Lang
from bot.render.html import escape

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'"
)


def language_name(code: str) -> str:
    """A language's name in itself: ``Français``, ``English``."""
    try:
        return Locale.parse(code).get_display_name(code).capitalize()
    except (ValueError, TypeError):
        return code


def json_ld(data: dict) -> str:
    """A JSON-LD block; ``<`` is escaped so no text can close the script element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    return f'<script type="application/ld+json">{text}</script>'


@dataclass
class PageSpec:
    """One page: where it goes (relative to its language folder) and what it holds."""

    path: str  # "faq/fee.html"
    title: str
    body: str  # HTML inside <main>
    description: str = ""
    kind: str = "page"  # a class on <body>: home, faq, topic, walk, changes, sources, search
    head_extra: list[str] = field(default_factory=list)
    breadcrumb: list[tuple[str, str]] = field(default_factory=list)  # (label, lang-relative href)
    header_search: bool = True  # the search page has its own form, and one is enough


class Chrome:
    """The translated frame of every page in one language.

    Args:
        t: the language.
        languages: every language the site is built in (for the language menu).
        built: the build day, already formatted for `t`.
        start_page: the walkthrough's first page, relative to the language folder.
        base_url: the site's public address (ending with "/"), when known: hreflang and
            canonical links are then absolute.
    """

    def __init__(
        self,
        t: Lang,
        languages: list[str],
        built: str,
        start_page: str,
        base_url: str | None = None,
    ) -> None:
        self.t = t
        self.languages = languages
        self.built = built
        self.start_page = start_page
        self.base_url = base_url

    def url(self, code: str, path: str) -> str | None:
        """A page's absolute address (None without a base URL)."""
        return f"{self.base_url}{code}/{path}" if self.base_url else None

    def site_title(self) -> str:
        return self.t.gettext("RECE / APS after your studies in France")

    def render(self, page: PageSpec) -> str:
        t = self.t
        depth = page.path.count("/")
        here = "../" * depth  # the language folder
        root = "../" * (depth + 1)  # the site's root
        title = page.title if page.kind == "home" else f"{page.title} · {self.site_title()}"
        alternates = "".join(
            f'<link rel="alternate" hreflang="{code}" '
            f'href="{self.url(code, page.path) or root + code + "/" + page.path}">'
            for code in self.languages
        )
        if self.base_url:
            alternates += f'<link rel="canonical" href="{self.url(t.code, page.path)}">'
        languages = "".join(
            f'<li><a href="{root}{code}/{page.path}" hreflang="{code}" lang="{code}">'
            f"{escape(language_name(code))}</a></li>"
            for code in self.languages
            if code != t.code
        )
        nav = [
            ("index.html", t.gettext("Home"), "home"),
            (self.start_page, t.gettext("Walkthrough"), "walk"),
            ("index.html#topics", t.gettext("Topics"), "topic"),
            ("changes.html", t.gettext("What changed"), "changes"),
            ("sources.html", t.gettext("Sources"), "sources"),
        ]
        menu = "".join(
            f'<li><a href="{here}{href}"'
            + (' aria-current="page"' if kind == page.kind else "")
            + f">{escape(label)}</a></li>"
            for href, label, kind in nav
        )
        here_label = t.gettext("You are here")
        skip_label = t.gettext("Skip to the content")
        menu_label = t.gettext("Main menu")
        langs_label = t.gettext("Languages")
        crumbs = ""
        if page.breadcrumb:
            items = "".join(
                f'<li><a href="{here}{href}">{escape(label)}</a></li>'
                for label, href in page.breadcrumb
            )
            crumbs = (
                f'<nav class="crumbs" aria-label="{escape(here_label)}">'
                f'<ol>{items}<li aria-current="page">{escape(page.title)}</li></ol></nav>'
            )
        built = t.gettext(
            "Figures as in force on {date}, from the same knowledge as the aps-bot chat bot."
        ).format(date=self.built)
        description = (
            f'<meta name="description" content="{escape(page.description)}">'
            if page.description
            else ""
        )
        return (
            "<!doctype html>\n"
            f'<html lang="{t.code}" dir="{_direction(t)}">\n<head>\n'
            '<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
            '<meta name="referrer" content="strict-origin-when-cross-origin">\n'
            '<link rel="icon" href="data:,">\n'
            f"<title>{escape(title)}</title>\n{description}\n"
            f'<link rel="stylesheet" href="{root}assets/site.css">\n'
            f"{alternates}\n"
            f'<script src="{root}assets/site.js" defer></script>\n'
            + "\n".join(page.head_extra)
            + "\n</head>\n"
            f'<body class="{page.kind}">\n'
            f'<a class="skip" href="#main">{escape(skip_label)}</a>\n'
            '<header class="top">\n'
            f'<a class="brand" href="{here}index.html">{escape(self.site_title())}</a>\n'
            f'<nav class="menu" aria-label="{escape(menu_label)}"><ul>{menu}</ul></nav>\n'
            f'<nav class="langs" aria-label="{escape(langs_label)}"><ul>{languages}</ul></nav>\n'
            + (self.search_form(here, compact=True) if page.header_search else "")
            + "\n"
            "</header>\n"
            f'<main id="main" tabindex="-1">\n{crumbs}\n{page.body}\n</main>\n'
            '<footer class="bottom">\n'
            f"<p>{escape(self.disclaimer())}</p>\n"
            f"<p>{escape(built)}</p>\n"
            "</footer>\n</body>\n</html>\n"
        )

    def disclaimer(self) -> str:
        return self.t.gettext(
            "General information with sources, not legal advice: for a decision about your own "
            "case, ask your préfecture, your university's welcome desk or a lawyer."
        )

    def search_form(self, here: str, compact: bool = False, value: str = "") -> str:
        """A search form that opens the search page (a GET form: it works without JavaScript
        up to that page, which then needs it to search)."""
        t = self.t
        label, button = t.gettext("Search the questions"), t.gettext("Search")
        field_id = "q-top" if compact else "q"
        cls = "search compact" if compact else "search"
        return (
            f'<form class="{cls}" role="search" action="{here}search.html" method="get">'
            f'<label for="{field_id}">{escape(label)}</label>'
            f'<input id="{field_id}" name="q" type="search" value="{escape(value)}" '
            'autocomplete="off" maxlength="200" spellcheck="false">'
            f'<button type="submit">{escape(button)}</button></form>'
        )


def _direction(t: Lang) -> str:
    return "rtl" if t.locale.character_order == "right-to-left" else "ltr"
