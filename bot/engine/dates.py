"""Reading a date the way students type it: 15/03/2027, 2027-03-15, 15 mars 2027, March 15 2027."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from babel.dates import get_month_names

MAX_DATE_CHARS = 60


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def _month_table() -> dict[str, int]:
    table: dict[str, int] = {}
    for loc in ("en", "fr"):
        for width in ("wide", "abbreviated"):
            for ctx in ("format", "stand-alone"):
                for num, name in get_month_names(width, ctx, locale=loc).items():
                    table[_fold(name).rstrip(".")] = num
    table.update({"sept": 9, "fev": 2, "fevr": 2, "juil": 7, "aout": 8, "dec": 12, "janv": 1})
    return table


_MONTHS = _month_table()
_NUMERIC = re.compile(r"^(\d{1,4})[/.\-\s](\d{1,2})[/.\-\s](\d{2,4})$")
_WORDS = re.compile(r"[a-z]+|\d+")


def parse_date(text: str) -> dt.date | None:
    """The date in `text`, or None if it is not a date we can read without guessing.

    Day-first is assumed for numeric dates (the French and British way); ``2027-03-15`` is ISO;
    ``03/15/2027`` is read month-first only because 15 cannot be a month.
    """
    if not isinstance(text, str) or len(text) > MAX_DATE_CHARS:
        return None
    raw = _fold(text).strip().replace(",", " ")
    raw = re.sub(r"\b(1er|1st|2nd|3rd|\d+th)\b", lambda m: re.sub(r"\D", "", m.group(0)), raw)
    raw = re.sub(r"\s+", " ", raw)
    m = _NUMERIC.match(raw)
    if m:
        a, b, c = m.groups()
        if len(a) == 4:
            year, month, day = int(a), int(b), int(c)
        else:
            day, month, year = int(a), int(b), int(c)
            if month > 12 and day <= 12:
                day, month = month, day
            if len(c) == 2:
                year += 2000
        return _make(year, month, day)
    words = _WORDS.findall(raw.replace("le ", " ").replace("the ", " "))
    words = [w for w in words if w not in ("le", "the", "of", "de")]
    numbers = [w for w in words if w.isdigit()]
    months = [w for w in words if not w.isdigit()]
    if len(numbers) != 2 or len(months) != 1:
        return None
    month = _MONTHS.get(months[0].rstrip("."))
    if month is None:
        return None
    first, second = numbers
    if len(first) == 4:
        year, day = int(first), int(second)
    elif len(second) == 4:
        day, year = int(first), int(second)
    else:
        return None
    return _make(year, month, day)


def _make(year: int, month: int, day: int) -> dt.date | None:
    if not 1900 <= year <= 2200:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
