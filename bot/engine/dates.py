"""Reading a date the way students type it: 15/03/2027, 2027-03-15, 15 mars 2027, March 15 2027,
2027年3月15日.

Month names come from Babel (CLDR) for every language we have a catalog for, wide and abbreviated,
with accents and case ignored, plus any unambiguous beginning of at least three letters ("fév",
"sept", "Mär"): a new catalog brings its months with it. Nothing else here is tied to a language:
short words around the date ("le", "the", "of", "am") and ordinal endings ("1er", "22nd", "15th")
are ignored whatever the language.

Languages that write dates with numbers and words between them (Chinese ``y年M月d日``, from
CLDR's date patterns of each catalog's language) are read with those patterns, full-width digits
included. A date written without its year ("3月15日") is read only when the caller says what day
it is: it is then the nearest such date (people type the coming deadline, or one just past).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import get_month_names

from bot.i18n import catalog_languages

MAX_DATE_CHARS = 60
MIN_PREFIX = 3  # letters of a month's name enough to recognise it
MAX_FILLER = 3  # letters of a word around a date that is ignored ("le", "the", "of", "am")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


@lru_cache(maxsize=32)
def month_names(languages: tuple[str, ...]) -> dict[str, int]:
    """Folded month name (or unambiguous beginning of one) → month number, for `languages`."""
    table: dict[str, int] = {}
    for code in languages:
        try:
            locale = Locale.parse(code)
        except (ValueError, TypeError, UnknownLocaleError):
            continue
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale=locale).items():
                    table[_fold(name).rstrip(".")] = number
    months_of: dict[str, set[int]] = {}
    for name, number in table.items():
        for end in range(MIN_PREFIX, len(name)):
            months_of.setdefault(name[:end], set()).add(number)
    for prefix, numbers in months_of.items():
        if prefix not in table and len(numbers) == 1:
            table[prefix] = numbers.pop()
    return table


_SKELETONS = ("yMMMd", "yMd", "MMMd", "Md")  # with and without the year
_FIELD = re.compile(r"(y+|M+|d+)|'([^']*)'|(\s+)|(.)")
_TRAILING = " .。!！?？"


@lru_cache(maxsize=32)
def word_patterns(languages: tuple[str, ...]) -> tuple[tuple[re.Pattern[str], bool], ...]:
    """The numeric date patterns of `languages` that have words between their numbers
    (``y年M月d日``), as regular expressions on folded text, each with whether it has the year."""
    out: dict[str, tuple[re.Pattern[str], bool]] = {}
    for code in languages:
        try:
            locale = Locale.parse(code)
        except (ValueError, TypeError, UnknownLocaleError):
            continue
        for skeleton in _SKELETONS:
            pattern = locale.datetime_skeletons.get(skeleton)
            regex = _numeric_regex(str(getattr(pattern, "pattern", pattern or "")))
            if regex and regex not in out:
                out[regex] = (re.compile(regex), "(?P<y>" in regex)
    return tuple(out.values())


def _numeric_regex(pattern: str) -> str | None:
    """A CLDR date pattern as a regular expression, if it has only numeric fields (no month
    names) and at least one word between them; else None."""
    parts: list[str] = []
    wordy = False
    for field, quoted, space, other in _FIELD.findall(pattern):
        if field:
            if field[0] == "M" and len(field) > 2:
                return None  # a month name: read by the names table
            name = {"y": "y", "M": "m", "d": "d"}[field[0]]
            parts.append(rf"(?P<{name}>\d{{{1 if name != 'y' else 4},{2 if name != 'y' else 4}}})")
        elif quoted or other:
            literal = _fold(quoted or other)
            wordy = wordy or any(c.isalpha() for c in literal)
            parts.append(re.escape(literal))
        elif space:
            continue
    if not wordy or not parts:
        return None
    return r"\s*".join(parts)


def _nearest(month: int, day: int, today: dt.date) -> dt.date | None:
    """The date of that month and day nearest to `today` (last year's, this year's or next)."""
    found = [d for d in (_make(today.year + k, month, day) for k in (-1, 0, 1)) if d]
    return min(found, key=lambda d: abs((d - today).days)) if found else None


_NUMERIC = re.compile(r"^(\d{1,4})[/.\-\s](\d{1,2})[/.\-\s](\d{2,4})$")
_ORDINAL = re.compile(r"\b(\d{1,2})[a-z]{1,3}\b")  # 1er, 1st, 22nd, 15th, 1o (from 1º)
_WORDS = re.compile(r"[a-z]+|\d+")


def parse_date(
    text: str, languages: tuple[str, ...] | None = None, today: dt.date | None = None
) -> dt.date | None:
    """The date in `text`, or None if it is not a date we can read without guessing.

    Day-first is assumed for numeric dates (the European way); ``2027-03-15`` is ISO;
    ``03/15/2027`` is read month-first only because 15 cannot be a month. Month names and
    worded numeric patterns are those of `languages` (by default, every language with a
    catalog). A date without its year is read only with `today` (the nearest one).
    """
    if not isinstance(text, str) or len(text) > MAX_DATE_CHARS:
        return None
    languages = languages if languages is not None else catalog_languages()
    folded = _fold(text).strip().rstrip(_TRAILING).strip()
    for pattern, has_year in word_patterns(languages):
        m = pattern.fullmatch(folded)
        if m is None or (not has_year and today is None):
            continue
        month, day = int(m.group("m")), int(m.group("d"))
        if has_year:
            return _make(int(m.group("y")), month, day)
        return _nearest(month, day, today)
    raw = _fold(text).strip().replace(",", " ")
    raw = re.sub(r"\s+", " ", _ORDINAL.sub(r"\1", raw))
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
    months = month_names(languages)
    words = _WORDS.findall(raw)
    numbers = [w for w in words if w.isdigit()]
    named = [months[w] for w in words if not w.isdigit() and w in months]
    others = [w for w in words if not w.isdigit() and w not in months]
    if len(numbers) != 2 or len(named) != 1 or any(len(w) > MAX_FILLER for w in others):
        return None
    first, second = numbers
    if len(first) == 4:
        year, day = int(first), int(second)
    elif len(second) == 4:
        day, year = int(first), int(second)
    else:
        return None
    return _make(year, named[0], day)


def _make(year: int, month: int, day: int) -> dt.date | None:
    if not 1900 <= year <= 2200:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
