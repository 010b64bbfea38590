"""Fingerprinting a web page by its main text, so a changed script or menu is not a change.

The fingerprint is ``sha256:`` and the hex digest of the page's readable text: inside ``<main>``
(or ``role="main"``) when the page has one, else the whole ``<body>``; always without scripts,
styles and navigation, and without the site's header and footer; whitespace collapsed. Pages
that are not HTML (a PDF) are hashed as they are.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from html.parser import HTMLParser

_SKIP = frozenset(
    {"head", "script", "style", "noscript", "template", "svg", "nav", "header", "footer"}
)
# Site chrome outside <main>; inside it, a <header> holds the page's own title and date.
_CHROME = frozenset({"header", "footer"})
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


def text_fingerprint(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def bytes_fingerprint(body: bytes) -> str:
    return "sha256:" + hashlib.sha256(body).hexdigest()


class _Region:
    """An element being inside of, closed when as many end tags as start tags of its name
    were seen (so ``<div role=main><div></div></div>`` ends at the right ``</div>``)."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.depth = 1


class _MainText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skip: list[_Region] = []
        self.main: _Region | None = None
        self.body_parts: list[str] = []
        self.main_parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        for region in self._open():
            if region.tag == tag:
                region.depth += 1
        in_main = self.main is not None and self.main.depth > 0
        if tag in _SKIP and not (in_main and tag in _CHROME):
            self.skip.append(_Region(tag))
        elif self.main is None and (tag == "main" or ("role", "main") in attrs):
            self.main = _Region(tag)
        # block boundaries separate words that markup alone kept apart ("<p>a</p><p>b</p>")
        self._add(" ")

    def handle_endtag(self, tag: str) -> None:
        self._add(" ")
        for region in self._open():
            if region.tag == tag:
                region.depth -= 1
        self.skip = [r for r in self.skip if r.depth > 0]

    def _open(self) -> list[_Region]:
        """Regions still open (a closed main stays closed: only the first one counts)."""
        return [r for r in (*self.skip, self.main) if r is not None and r.depth > 0]

    def handle_data(self, data: str) -> None:
        self._add(data)

    def _add(self, data: str) -> None:
        if self.skip:
            return
        self.body_parts.append(data)
        if self.main is not None and self.main.depth > 0:
            self.main_parts.append(data)


def main_text(html: str) -> str:
    """The readable text of `html` that matters (see the module docstring), one line."""
    parser = _MainText()
    parser.feed(html)
    parser.close()
    for parts in (parser.main_parts, parser.body_parts):
        text = unicodedata.normalize("NFC", " ".join("".join(parts).split()))
        if text:
            return text
    return ""


def decode_html(body: bytes, header_charset: str | None) -> str:
    """The body as text: the Content-Type charset, else a ``<meta charset>``, else UTF-8."""
    charset = header_charset
    if not charset:
        found = _META_CHARSET.search(body[:4096])
        charset = found.group(1).decode("ascii") if found else "utf-8"
    try:
        return body.decode(charset, errors="replace")
    except LookupError:  # an unknown charset name
        return body.decode("utf-8", errors="replace")
