"""Knowledge strings rendered once: translated, figures filled in, parsed, then cached.

Knowledge strings hold no user text, so a rendered message is the same for everyone who reads it
in one language on one day: an answer costs dictionary look-ups, not parsing. Views built from
them (a question's buttons, an outcome's sections) are cached here too, under their own keys.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from bot.knowledge.facts import fact_values
from bot.markup import MarkupError, parse

if TYPE_CHECKING:
    from bot.i18n import Lang
    from bot.knowledge.model import Knowledge
    from bot.markup import Message

T = TypeVar("T")
MAX_CACHED = 20_000  # old knowledge versions and days linger otherwise


class KnowledgeTexts:
    """The rendering caches of one engine."""

    def __init__(self) -> None:
        self._cache: dict[tuple, Any] = {}
        self._facts: dict[tuple[str, str, dt.date], dict[str, str]] = {}

    def render(
        self, kb: Knowledge, lang: Lang, day: dt.date, context: str, english: str
    ) -> Message:
        """A knowledge string translated, with the figures in force on `day`, parsed."""
        key = (kb.version, lang.code, day, context, english)
        message = self._cache.get(key)
        if message is None:
            values = self.facts(kb, lang, day)
            try:
                message = parse(lang.pgettext(context, english), values)
            except MarkupError:
                # a broken translation must not break the answer: fall back to the checked English
                message = parse(english, values)
            self._put(key, message)
        return message

    def facts(self, kb: Knowledge, lang: Lang, day: dt.date) -> dict[str, str]:
        """The figures in force on `day`, formatted for `lang` (see `fact_values`)."""
        key = (kb.version, lang.code, day)
        values = self._facts.get(key)
        if values is None:
            values = fact_values(kb.facts, lang, day)
            self._facts = {
                k: v for k, v in self._facts.items() if k[0] == kb.version and k[2] == day
            }
            self._facts[key] = values
        return values

    def cached(self, key: tuple, build: Callable[[], T]) -> T:
        """``build()``, once per `key` (which must say everything the result depends on)."""
        try:
            return self._cache[key]
        except KeyError:
            value = build()
            self._put(key, value)
            return value

    def _put(self, key: tuple, value: Any) -> None:
        if len(self._cache) > MAX_CACHED:
            self._cache.clear()
        self._cache[key] = value
