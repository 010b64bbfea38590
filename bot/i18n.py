"""Translations and locale-aware formatting, on Babel.

English strings are the msgids, in the code and in the knowledge YAML (with a ``pgettext`` context
such as ``faq:fee.answer``). Each language is a catalog ``locales/<lang>/LC_MESSAGES/messages.po``;
adding a language is adding a catalog, nothing else.

Catalogs are read from the compiled ``.mo`` when it is at least as new as the ``.po`` (``make``
compiles them), else straight from the ``.po`` (about 10 ms more per language), so a fresh checkout
and an installed wheel, which ships the ``.po`` only, work too.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _babel_format_date
from babel.dates import format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations, Translations

from bot import resources

DOMAIN = "messages"
FIRST_OF_MONTH = "d MMMM y"  # the English pattern; CLDR's long date for en_GB is the same
SOURCE_LANGUAGE = "en"  # the msgids are English: always available, even without a catalog
DEFAULT_LOCALES_DIR = resources.locales_dir()  # the installation's own; see bot/resources.py

_LANG_RE = re.compile(r"^[a-z]{2,3}$")


@lru_cache(maxsize=512)  # platforms send the same few locale codes over and over
def normalise_locale(code: str | None) -> str | None:
    """The language part of a platform locale: ``fr-FR``, ``fr_FR``, ``FR`` → ``fr``; junk → None."""
    if not code:
        return None
    code = code.strip().replace("-", "_")
    try:
        return Locale.parse(code).language
    except (ValueError, UnknownLocaleError, TypeError):
        head = code.split("_", 1)[0].lower()
        return head if _LANG_RE.match(head) else None


@dataclass(frozen=True)
class Lang:
    """One language: its translations and formatters. Get it from `Catalogs.get`."""

    code: str
    translations: NullTranslations
    locale: Locale

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self.translations.pgettext(context, message)

    def money(self, value: Decimal | float | int, currency: str = "EUR") -> str:
        """``75 €`` / ``€75``; cents only when there are any (``2 702,70 €``)."""
        value = Decimal(str(value))
        if value == value.to_integral_value():
            pattern = self.locale.currency_formats["standard"].pattern
            pattern = re.sub(r"0\.0+", "0", pattern.split(";")[0])
            return format_currency(
                value, currency, format=pattern, locale=self.locale, currency_digits=False
            )
        return format_currency(value, currency, locale=self.locale)

    def number(self, value: Decimal | float | int) -> str:
        return format_decimal(value, locale=self.locale)

    def date(self, value: dt.date) -> str:
        """``15 mars 2027`` / ``15 March 2027``; the first of a month as the language writes it
        (``1er mai 2026``), from a date pattern each catalog translates."""
        if value.day == 1:
            # Translators: a CLDR date pattern for the first day of a month; quote literal
            # letters, as French does: d'er' MMMM y
            pattern = self.pgettext("date pattern", "d MMMM y")  # a literal: Babel extracts it
            if pattern != FIRST_OF_MONTH:  # the catalog says how; else CLDR's own long date
                return _pattern_date(value, pattern, self.locale)
        return _long_date(value, self.locale)

    def month(self, value: dt.date) -> str:
        """``mai 2026`` / ``May 2026``: a date whose day nobody read."""
        return _month(value, self.locale)


@lru_cache(maxsize=4096)  # the same deadlines and source dates come back all day
def _long_date(value: dt.date, locale: Locale) -> str:
    return _babel_format_date(value, format="long", locale=locale)


@lru_cache(maxsize=1024)
def _pattern_date(value: dt.date, pattern: str, locale: Locale) -> str:
    try:
        return _babel_format_date(value, format=pattern, locale=locale)
    except (ValueError, KeyError):  # a broken pattern in a catalog must not break an answer
        return _long_date(value, locale)


@lru_cache(maxsize=1024)
def _month(value: dt.date, locale: Locale) -> str:
    return format_skeleton("yMMMM", dt.datetime(value.year, value.month, 1), locale=locale)


class Catalogs:
    """Every language found under the locales directory, loaded once.

    Args:
        locales_dir: the folder holding ``<lang>/LC_MESSAGES/messages.po``.
        default: the language used when nothing else decides.
    """

    def __init__(
        self, locales_dir: Path = DEFAULT_LOCALES_DIR, default: str = SOURCE_LANGUAGE
    ) -> None:
        self.locales_dir = Path(locales_dir)
        self._langs: dict[str, Lang] = {}
        for po in _catalog_files(self.locales_dir):
            code = po.parent.parent.name
            translations = _load(po)
            self._langs[code] = Lang(code, translations, _format_locale(code, translations))
        if SOURCE_LANGUAGE not in self._langs:
            none = NullTranslations()
            self._langs[SOURCE_LANGUAGE] = Lang(
                SOURCE_LANGUAGE, none, _format_locale(SOURCE_LANGUAGE, none)
            )
        self.default = default if default in self._langs else SOURCE_LANGUAGE
        self._codes = tuple(sorted(self._langs))

    @property
    def languages(self) -> list[str]:
        return sorted(self._langs)

    @property
    def codes(self) -> tuple[str, ...]:
        """`languages` as a tuple (a cache key: month names, say)."""
        return self._codes

    def language_name(self, code: str, in_language: str | None = None) -> str:
        """The name of language `code` in `in_language` (by default in itself), from CLDR, with a
        capital first letter: ``Français``, ``English``; `code` itself if CLDR has no name."""
        return _language_name(code, in_language or code)

    def get(self, code: str | None) -> Lang:
        return self._langs.get(code or "", self._langs[self.default])

    def supported(self, code: str | None) -> str | None:
        """`code` normalised if it is a language we have a catalog for, else None."""
        lang = normalise_locale(code)
        return lang if lang in self._langs else None


@lru_cache(maxsize=256)
def _language_name(code: str, in_language: str) -> str:
    try:
        name = Locale.parse(code).get_display_name(in_language) or code
    except (ValueError, TypeError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:]


def catalog_languages(locales_dir: Path = DEFAULT_LOCALES_DIR) -> tuple[str, ...]:
    """The languages with a catalog under `locales_dir`, and the source language."""
    codes = {po.parent.parent.name for po in _catalog_files(Path(locales_dir))}
    return tuple(sorted(codes | {SOURCE_LANGUAGE}))


def _catalog_files(locales_dir: Path) -> list[Path]:
    return sorted(locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def _format_locale(code: str, translations: NullTranslations) -> Locale:
    """The CLDR locale whose date and money formats a language uses: its catalog's translation of
    the ``format locale`` string when that names a locale of the same language (English, the
    source language, says en_GB: readers here live in Europe, and "15 March 2027" reads better to
    them than "March 15, 2027"), else the catalog's own code (a new, untranslated catalog)."""
    # Translators: the CLDR locale whose date and money formats your language uses: fr, fr_CA…
    named = translations.pgettext("format locale", "en_GB")
    try:
        locale = Locale.parse(named)
    except (ValueError, TypeError, UnknownLocaleError):
        locale = None
    if locale is None or locale.language != code:
        locale = Locale.parse(code)
    return locale


def _load(po_path: Path) -> NullTranslations:
    mo_path = po_path.with_suffix(".mo")
    if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
        with mo_path.open("rb") as f:
            return Translations(f, domain=DOMAIN)
    with po_path.open("rb") as f:
        catalog = read_po(f)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(buf, domain=DOMAIN)
