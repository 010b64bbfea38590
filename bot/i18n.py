"""Translations and locale-aware formatting, on Babel.

English strings are the msgids, in the code and in the knowledge YAML (with a ``pgettext`` context
such as ``faq:fee.answer``). Each language is a catalog ``locales/<lang>/LC_MESSAGES/messages.po``;
adding a language is adding a catalog, nothing else.

A language still being translated is marked ``beta`` in ``locales/languages.yaml`` (see
`bot.language_status`): its untranslated strings show in English, or in French for a user who
asks for that (`/lang`), and ``aps-bot check`` counts its missing strings as warnings.

A catalog's format locale may name a script (Chinese says ``zh_Hans``): a platform locale selects
the catalog only when it is written in that script, so ``zh-TW`` (Traditional) does not get the
Simplified catalog, while ``zh``, ``zh-hans`` and ``zh-CN`` do.

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
from babel.core import get_global
from babel.dates import format_date as _babel_format_date
from babel.dates import format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations, Translations

from bot import resources
from bot.language_status import FALLBACKS, STATUS_FILE, LanguageStatus, read_statuses

DOMAIN = "messages"
FIRST_OF_MONTH = "d MMMM y"  # the English pattern; CLDR's long date for en_GB is the same
SOURCE_LANGUAGE = "en"  # the msgids are English: always available, even without a catalog
DEFAULT_LOCALES_DIR = resources.locales_dir()  # the installation's own; see bot/resources.py

_LANG_RE = re.compile(r"^[a-z]{2,3}$")
CHOICE_SEPARATOR = "+"  # a stored choice "es+fr": Spanish, its untranslated strings in French


@lru_cache(maxsize=512)  # platforms send the same few locale codes over and over
def normalise_locale(code: str | None) -> str | None:
    """The language part of a platform locale: ``fr-FR``, ``fr_FR``, ``FR`` → ``fr``; junk → None."""
    parsed = _parse(code)
    if parsed is not None:
        return parsed.language
    if not code:
        return None
    head = code.strip().replace("-", "_").split("_", 1)[0].lower()
    return head if _LANG_RE.match(head) else None


@lru_cache(maxsize=512)
def locale_script(code: str | None) -> str | None:
    """The script a platform locale is written in, as CLDR says: ``zh-TW`` → ``Hant``, ``zh`` and
    ``zh-hans`` → ``Hans``, ``fr-FR`` → ``Latn``; None when unknown."""
    parsed = _parse(code)
    if parsed is None:
        return None
    if parsed.script:
        return parsed.script
    likely = get_global("likely_subtags")
    for key in (str(parsed), parsed.language):
        full = likely.get(key)
        if full:
            parts = full.split("_")
            if len(parts) > 1 and len(parts[1]) == 4:
                return parts[1]
    return None


def _parse(code: str | None) -> Locale | None:
    """`code` as a CLDR locale, dropping what CLDR cannot read from its end (Telegram may send
    ``zh-hans-raw``)."""
    if not code or not isinstance(code, str):
        return None
    parts = code.strip().replace("-", "_").split("_")
    while parts:
        try:
            return Locale.parse("_".join(parts))
        except (ValueError, UnknownLocaleError, TypeError):
            parts.pop()
    return None


@dataclass(frozen=True)
class Lang:
    """One language: its translations and formatters. Get it from `Catalogs.get`.

    Attributes:
        code: the catalog's code (``fr``, ``zh``).
        fallback: for a language in progress, the language its untranslated strings show in
            ("" for a complete language, whose strings are all there).
    """

    code: str
    translations: NullTranslations
    locale: Locale
    fallback: str = ""

    @property
    def choice(self) -> str:
        """What to store to get this language back: ``es``, or ``es+fr`` (French fallback)."""
        if self.fallback and self.fallback != SOURCE_LANGUAGE:
            return f"{self.code}{CHOICE_SEPARATOR}{self.fallback}"
        return self.code

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
        self._files: dict[str, Path] = {}
        for po in _catalog_files(self.locales_dir):
            code = po.parent.parent.name
            translations = _load(po)
            self._files[code] = po
            self._langs[code] = Lang(code, translations, _format_locale(code, translations))
        if SOURCE_LANGUAGE not in self._langs:
            none = NullTranslations()
            self._langs[SOURCE_LANGUAGE] = Lang(
                SOURCE_LANGUAGE, none, _format_locale(SOURCE_LANGUAGE, none)
            )
        # a language in progress: its untranslated strings in English, or in French on request
        self.statuses: dict[str, LanguageStatus] = read_statuses(self.locales_dir / STATUS_FILE)[0]
        self._variants: dict[str, Lang] = {}  # "es+fr" -> Spanish with French fallback
        for code, status in self.statuses.items():
            if status.beta and code in self._langs:
                for fallback in FALLBACKS:
                    if fallback in self._langs and fallback != code:
                        self._variants[f"{code}{CHOICE_SEPARATOR}{fallback}"] = self._with(
                            code, fallback
                        )
                default_variant = self._variants.get(f"{code}{CHOICE_SEPARATOR}{status.fallback}")
                if default_variant is not None:
                    self._langs[code] = default_variant
        self.default = default if default in self._langs else SOURCE_LANGUAGE
        self._codes = tuple(sorted(self._langs))
        self._scripts = {code: _script_of(lang.locale) for code, lang in self._langs.items()}

    def _with(self, code: str, fallback: str) -> Lang:
        """Language `code` whose untranslated strings show in `fallback`."""
        translations = _load(self._files[code])
        if fallback != SOURCE_LANGUAGE:  # English needs no fallback: the msgids are English
            translations.add_fallback(self._langs[fallback].translations)
        lang = self._langs[code]
        return Lang(code, translations, lang.locale, fallback=fallback)

    def is_beta(self, code: str) -> bool:
        status = self.statuses.get(code)
        return bool(status and status.beta)

    @lru_cache(maxsize=32)  # noqa: B019 (one Catalogs per process; a catalog is read once)
    def completeness(self, code: str) -> float:
        """The share of the catalog's strings translated into `code` (1.0 for English)."""
        po = self._files.get(code)
        if po is None or code == SOURCE_LANGUAGE:
            return 1.0
        with po.open("rb") as f:
            catalog = read_po(f)
        messages = [m for m in catalog if m.id]
        done = sum(1 for m in messages if all(_forms(m.string)))
        return done / len(messages) if messages else 1.0

    @property
    def languages(self) -> list[str]:
        return sorted(self._langs)

    @property
    def codes(self) -> tuple[str, ...]:
        """`languages` as a tuple (a cache key: month names, say)."""
        return self._codes

    def language_name(self, code: str, in_language: str | None = None) -> str:
        """The name of language `code` in `in_language` (by default in itself), from CLDR, with a
        capital first letter: ``Français``, ``English``, ``中文 (简体)`` (a catalog whose format
        locale names a script is named with it); `code` itself if CLDR has no name."""
        lang = self._langs.get(code)
        named = f"{code}_{lang.locale.script}" if lang and lang.locale.script else code
        return _language_name(named, in_language or code)

    def get(self, code: str | None) -> Lang:
        """The language `code` names (a catalog's code, or a stored choice such as ``es+fr``)."""
        code = code or ""
        return self._variants.get(code) or self._langs.get(code, self._langs[self.default])

    def supported(self, code: str | None) -> str | None:
        """`code` normalised if it is a language we have a catalog for, in the script the
        catalog is written in, else None (``zh-TW`` is not the Simplified ``zh`` catalog)."""
        lang = normalise_locale(code)
        if lang not in self._langs:
            return None
        script, wanted = locale_script(code), self._scripts.get(lang)
        if script and wanted and script != wanted:
            return None
        return lang

    def choice(self, code: str | None) -> str | None:
        """A stored choice (``fr``, ``es+fr``) if it still names a language we have, else None."""
        if code in self._variants:
            return code
        return self.supported(code)


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


def _forms(string: str | tuple | list) -> tuple:
    return tuple(string) if isinstance(string, tuple | list) else (string,)


def _script_of(locale: Locale) -> str | None:
    """The script a catalog is written in: its format locale's (``zh_Hans``), else CLDR's likely
    script for it."""
    return locale.script or locale_script(str(locale))


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
