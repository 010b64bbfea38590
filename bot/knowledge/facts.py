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
