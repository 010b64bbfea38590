"""What every knowledge loader checks the same way, and how problems are collected.

Each file's problems go to a `Collector` with their line, so an editor sees every problem of a
broken change at once, as ``file:line: message``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from bot.knowledge.model import Since, Source
from bot.knowledge.yamlfile import LineDict, LineList, Problem
from bot.markup import MarkupError, parse, placeholders

ID = re.compile(r"^[a-z][a-z0-9_]*$")  # node, fact, topic and entry ids: lower_snake_case
WARNING_SIGN = "⚠️"
_MONTH = re.compile(r"^[0-9]{4}-[0-9]{2}$")
SHORT_MAX_CHARS = 220  # an FAQ entry's short answer: "one or two sentences", in every language
_FIGURE = re.compile(r"\{[a-z0-9_.]+\}")


def short_length(text: str) -> int:
    """How long a short answer reads, each figure counted as a typical printed one ("€2,800.53")."""
    return len(_FIGURE.sub("€2,800.53", text.strip()))


class FactNames(set):
    """The placeholder names texts may use, and which facts among them are uncertain."""

    uncertain: frozenset[str] = frozenset()


class Collector:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))

    def warn(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message, warning=True))


def mapping(data: Any, c: Collector, what: str) -> LineDict | None:
    if not isinstance(data, LineDict):
        c.error(getattr(data, "line", 1), f"{what} must be a mapping")
        return None
    return data


def unknown_keys(data: LineDict, allowed: set[str], c: Collector, where: str) -> None:
    for key in data:
        if key not in allowed:
            c.error(
                data.line_of(key),
                f"{where}: unknown key {key!r} (allowed: {', '.join(sorted(allowed))})",
            )


def parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def source_list(
    data: LineDict, key: str, sources: dict[str, Source], c: Collector, where: str, required: bool
) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        if required:
            c.error(data.line, f"{where}: 'sources' is required (a list of source ids)")
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        c.error(data.line_of(key), f"{where}: 'sources' must be a list of source ids")
        return ()
    if required and not value:
        c.error(data.line_of(key), f"{where}: cite at least one source")
    for i, sid in enumerate(value):
        if sid not in sources:
            line = value.line_of(i) if isinstance(value, LineList) else data.line_of(key)
            c.error(line, f"{where}: unknown source {sid!r}")
    return tuple(value)


def check_text(
    text: Any,
    line: int,
    c: Collector,
    where: str,
    facts: set[str],
    required: bool = True,
    flagged: bool = False,
) -> str:
    """`text` stripped, after checking its markup and placeholders; `flagged` texts are shown
    under a ⚠️ heading already (an outcome's "uncertain" items)."""
    if text is None or text == "":
        if required:
            c.error(line, f"{where}: text is required")
        return ""
    if not isinstance(text, str):
        c.error(line, f"{where}: must be text")
        return ""
    used = placeholders(text)
    shaky = sorted(n for n in used if n.split(".")[0] in getattr(facts, "uncertain", ()))
    if shaky and WARNING_SIGN not in text and not flagged:
        c.error(
            line,
            f"{where}: uses {{{shaky[0]}}}, which is not settled (facts.yaml 'uncertain'): the "
            f"same text must carry {WARNING_SIGN} and say whom to ask",
        )
    for name in sorted(used - facts):
        c.error(
            line,
            f"{where}: unknown placeholder {{{name}}} (not a fact id; .before and .since only "
            "exist for facts whose value changes)",
        )
    try:
        parse(text, {name: "x" for name in placeholders(text)})
    except MarkupError as exc:
        c.error(line, f"{where}: {exc}")
    return text.strip()


def parse_since(value: Any) -> Since | None:
    """``2026-05-01`` (a day) or ``2026-05`` (a month, when the day was not read)."""
    day = parse_date(value)
    if day is not None:
        return Since(day)
    if isinstance(value, str) and _MONTH.match(value):
        try:
            return Since(dt.date(int(value[:4]), int(value[5:7]), 1), month_only=True)
        except ValueError:
            return None
    return None
