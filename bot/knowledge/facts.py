"""Facts: the figures that change (fees, thresholds, durations, dates), computed and formatted.

A fact is either a ``value`` or a ``compute`` expression over other facts (``1.5 * smic_monthly``),
so a SMIC change is one edit. Expressions allow numbers, fact ids, ``+ - * /``, parentheses and
``round(x, n)``; nothing else is evaluated.
"""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from bot.i18n import Lang
from bot.knowledge.model import Fact, Period, Since


class FactError(ValueError):
    pass


def evaluate(expression: str, known: Mapping[str, Decimal]) -> Decimal:
    """Evaluate a compute expression with `known` fact values.

    Raises:
        FactError: syntax error, unknown name, or a construct that is not allowed.
    """
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError as exc:
        raise FactError(f"cannot parse {expression!r}: {exc.msg}") from None
    return _eval(tree.body, known)


def names(expression: str) -> set[str]:
    """The fact ids an expression refers to (empty if it does not parse)."""
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError:
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id != "round"}


def _eval(node: ast.AST, known: Mapping[str, Decimal]) -> Decimal:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return Decimal(str(node.value))
    if isinstance(node, ast.Name):
        if node.id not in known:
            raise FactError(f"unknown fact {node.id!r}")
        return known[node.id]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub | ast.Mult | ast.Div):
        left, right = _eval(node.left, known), _eval(node.right, known)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if right == 0:
            raise FactError("division by zero")
        return left / right
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "round"
        and len(node.args) == 2
        and not node.keywords
    ):
        value = _eval(node.args[0], known)
        digits = _eval(node.args[1], known)
        return value.quantize(Decimal(1).scaleb(-int(digits)), rounding=ROUND_HALF_UP)
    raise FactError(f"not allowed in a fact expression: {ast.unparse(node)!r}")


def format_fact(kind: str, value: Decimal | dt.date, lang: Lang) -> str:
    """A fact's value as shown to a user in `lang`."""
    if kind == "date":
        assert isinstance(value, dt.date)
        return lang.date(value)
    assert isinstance(value, Decimal)
    if kind == "money":
        return lang.money(value)
    n = int(value)
    if kind == "months":
        return lang.ngettext("%(num)d month", "%(num)d months", n) % {"num": n}
    if kind == "days":
        return lang.ngettext("%(num)d day", "%(num)d days", n) % {"num": n}
    if kind == "hours":
        return lang.ngettext("%(num)d hour", "%(num)d hours", n) % {"num": n}
    return lang.number(value)


RECENT = dt.timedelta(days=365)  # a change this recent is pointed out in answers


def format_since(since: Since | None, lang: Lang) -> str:
    """When a value applies from: ``1er janvier 2026``, or ``mai 2026`` when only the month is
    known; an em dash for a value as old as our sources."""
    if since is None:
        return "—"
    return lang.month(since.date) if since.month_only else lang.date(since.date)


def fact_values(facts: Mapping[str, Fact], lang: Lang, day: dt.date) -> dict[str, str]:
    """Every placeholder a text may use on `day`: ``{id}`` (the value in force), and for facts
    that change, ``{id.before}`` (the value before the latest change) and ``{id.since}``."""
    values: dict[str, str] = {}
    for fid, fact in facts.items():
        i = fact.period_at(day)
        current = fact.periods[i]
        values[fid] = format_fact(fact.type, current.value, lang)
        if fact.changes:
            before = fact.periods[i - 1] if i > 0 else current
            values[f"{fid}.before"] = format_fact(fact.type, before.value, lang)
            values[f"{fid}.since"] = format_since(current.start, lang)
    return values


def fact_placeholders(facts: Mapping[str, Fact]) -> set[str]:
    """The placeholder names texts may use (see `fact_values`)."""
    names = set(facts)
    for fid, fact in facts.items():
        if fact.changes:
            names |= {f"{fid}.before", f"{fid}.since"}
    return names


def recent_change(fact: Fact, day: dt.date) -> tuple[Period, Period] | None:
    """``(before, now)`` when the value in force on `day` started less than a year before it."""
    i = fact.period_at(day)
    now = fact.periods[i]
    if i == 0 or now.start is None or now.start.date > day or day - now.start.date > RECENT:
        return None
    return fact.periods[i - 1], now


def recent_changes(facts: Mapping[str, Fact], used: set[str], day: dt.date) -> list[str]:
    """The facts among `used` that changed in the last year, without those a shown fact is
    computed from when both changed the same day (the RECE fee, not its tax and stamp)."""
    changed = {fid: recent_change(facts[fid], day) for fid in used if fid in facts}
    changed = {fid: ch for fid, ch in changed.items() if ch is not None}
    hidden = {
        dep
        for fid, ch in changed.items()
        for dep in facts[fid].uses
        if dep in changed and changed[dep][1].start == ch[1].start
    }
    return sorted((fid for fid in changed if fid not in hidden), key=lambda f: (facts[f].label, f))
