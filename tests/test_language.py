"""The one rule that picks the language of a reply (bot/engine/language.py), as a table."""

from __future__ import annotations

import pytest

from bot.engine import language
from bot.i18n import Catalogs
from bot.storage import MemoryStore

CATALOGS = Catalogs()


def guess(text: str) -> str | None:
    return {"combien": "fr", "how much": "en", "wie viel": "de"}.get(text)


@pytest.mark.parametrize(
    ("explicit", "locale", "text", "expected"),
    [
        ("fr", "en-US", "how much", "fr"),  # the user's /lang choice wins over everything
        (None, "en-US", "combien", "fr"),  # then the language of what they typed
        (None, "fr-FR", "how much", "en"),
        (None, "fr-FR", "wie viel", "fr"),  # a guess we have no catalog for is no guess
        (None, "fr_CA", None, "fr"),  # then the platform's locale, however it is spelt
        (None, "FR", "???", "fr"),
        (None, "de-DE", None, "en"),  # then the default
        (None, None, None, "en"),
        (None, "not a locale", "", "en"),
    ],
)
def test_the_rule(explicit, locale, text, expected) -> None:
    chosen = language.choose(CATALOGS, explicit=explicit, locale=locale, text=text, guess=guess)
    assert chosen == expected


def test_the_default_is_configurable() -> None:
    assert language.choose(Catalogs(default="fr")) == "fr"
    assert language.choose(Catalogs(default="xx")) == "en"  # no such catalog: English


async def test_of_user_reads_the_stored_choice() -> None:
    store = MemoryStore()
    assert (await language.of_user(store, CATALOGS, "t", "u", locale="en-GB")).code == "en"
    await store.set_lang("t", "u", "fr", 0.0)
    assert (await language.of_user(store, CATALOGS, "t", "u", locale="en-GB")).code == "fr"


async def test_a_failing_store_falls_back_to_the_locale() -> None:
    class Broken(MemoryStore):
        async def get_lang(self, platform: str, user: str) -> str | None:
            raise OSError("disk gone")

    lang = await language.of_user_or_locale(Broken(), CATALOGS, "t", "u", "fr-FR")
    assert lang.code == "fr"
