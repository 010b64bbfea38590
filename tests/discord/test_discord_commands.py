"""What `aps-bot discord-sync` uploads: valid names in every language, French localisations."""

from __future__ import annotations

import unicodedata
from typing import Any

from dc_harness import Harness

from bot.adapters.discord import valid_name
from bot.i18n import Catalogs


def discord_name_ok(name: str) -> bool:
    """Discord's ``^[-_\\p{L}\\p{N}]{1,32}$``, lower case, checked by Unicode category."""
    return (
        1 <= len(name) <= 32
        and name == name.lower()
        and all(c in "-_" or unicodedata.category(c)[0] in "LN" for c in name)
    )


async def payloads(harness: Harness) -> list[dict[str, Any]]:
    tree = harness.client.tree
    return [await cmd.get_translated_payload(tree, tree.translator) for cmd in tree.get_commands()]


async def test_every_name_is_valid_for_discord_in_every_locale(harness: Harness) -> None:
    for p in await payloads(harness):
        if p["type"] != 1:  # context menus may have spaces and capitals
            assert len(p["name"]) <= 32 and len(p.get("name_localizations", {}).get("fr", "")) <= 32
            continue
        names = [p["name"], *p.get("name_localizations", {}).values()]
        assert len(p["description"]) <= 100
        assert all(len(d) <= 100 for d in p.get("description_localizations", {}).values())
        for option in p.get("options", []):
            names += [option["name"], *(option.get("name_localizations") or {}).values()]
            for choice in option.get("choices") or []:
                assert len(choice["name"]) <= 100
        for name in names:
            assert discord_name_ok(name) and valid_name(name), name


async def test_french_localisations(harness: Harness) -> None:
    by_name = {p["name"]: p for p in await payloads(harness)}
    assert set(by_name) >= {
        "aps",
        "faq",
        "lang",
        "help",
        "privacy",
        "mydata",
        "forget",
        "Ask aps-bot",
    }
    assert by_name["help"]["name_localizations"]["fr"] == "aide"
    assert by_name["forget"]["name_localizations"]["fr"] == "oublier"
    assert by_name["aps"]["description_localizations"]["fr"]
    assert by_name["Ask aps-bot"]["name_localizations"]["fr"] == "Demander à aps-bot"
    (language,) = by_name["lang"]["options"]
    assert language["name_localizations"]["fr"] == "langue"
    catalogs = Catalogs()  # every catalog's language, named in French
    assert {c["name_localizations"]["fr"] for c in language["choices"]} == {
        catalogs.language_name(code, "fr") for code in catalogs.languages
    }
    assert "en-US" not in by_name["help"]["name_localizations"]  # English is the default


def test_valid_name_rejects_what_discord_rejects() -> None:
    assert valid_name("mes-données") and valid_name("aide")
    assert not valid_name("Aide") and not valid_name("mes données") and not valid_name("x" * 33)
