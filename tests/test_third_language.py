"""Adding a language is adding a catalog: German, from a fixture catalog alone, with no Python.

tests/fixtures/third_language/locales/de holds a German catalog of a few strings next to copies of
the real English and French ones. With it, German is offered by /lang and chosen from a platform
locale, its replies use its strings (English where it has none), its dates are formatted by Babel,
and dates typed with German month names are read, on every path that reads a date.

The FAQ search reads the new language from one more data file, knowledge/lexicon/<lang>.yaml
(the fixture's lexicon/de.yaml): its stop words tell the language of a question, its stemmer and
concepts read it, and the catalog's German answers are indexed too.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from pathlib import Path

import pytest
from discord import Locale as DiscordLocale
from discord import app_commands

from bot.adapters.discord.translator import CatalogTranslator
from bot.adapters.telegram.menus import command_menu
from bot.engine import Engine
from bot.engine.dates import parse_date
from bot.i18n import DEFAULT_LOCALES_DIR, Catalogs
from bot.storage import MemoryStore
from bot.testing import Client, FakeClock
from tests.knowledge.helpers import KB

FIXTURE = Path(__file__).parent / "fixtures" / "third_language" / "locales"
TO_THE_DATE = {  # by node and option id: the titre's expiry date is typed in German
    "nationality": "other",
    "finished": "done",
    "diploma": "master",
    "titre_status": "valid",
    "titre_expiry": "15. März 2027",
}


@pytest.fixture
def catalogs(tmp_path: Path) -> Catalogs:
    locales = tmp_path / "locales"
    for lang in ("en", "fr"):
        shutil.copytree(DEFAULT_LOCALES_DIR / lang, locales / lang)
    shutil.copytree(FIXTURE / "de", locales / "de")
    return Catalogs(locales)


@pytest.fixture
def engine(catalogs: Catalogs) -> Engine:
    return Engine(KB, MemoryStore(), catalogs, clock=FakeClock(), flood_control=False)


def test_the_catalog_is_the_language(catalogs: Catalogs) -> None:
    assert catalogs.languages == ["de", "en", "fr"]
    assert catalogs.supported("de-AT") == "de" and catalogs.supported("de_CH") == "de"
    assert catalogs.language_name("de") == "Deutsch"
    assert catalogs.language_name("de", "fr") == "Allemand"


async def test_lang_offers_it_and_it_is_chosen(engine: Engine) -> None:
    client = Client(engine, lang="en")
    await client.send("/lang")
    assert "Deutsch" in client.labels
    await client.click("Deutsch")
    assert client.text == "Ab jetzt antworte ich auf Deutsch." and client.reply.lang == "de"
    await client.send("/help")
    assert "Was ich kann" in client.text
    assert "Wählen Sie die Sprache meiner Antworten" in client.text  # its /lang summary
    assert "Your document checklist, to tick off" in client.text  # untranslated: English
    await client.send("/lang de")
    assert client.reply.lang == "de"


@pytest.mark.parametrize("locale", ["de", "de-DE", "de_AT", "DE"])
async def test_a_german_platform_locale_chooses_it(engine: Engine, locale: str) -> None:
    client = Client(engine, lang=locale)
    await client.send("/help")
    assert client.reply.lang == "de" and "Was ich kann" in client.text


def test_it_formats_dates_and_money_with_babel(catalogs: Catalogs) -> None:
    de = catalogs.get("de")
    assert de.date(dt.date(2027, 3, 15)) == "15. März 2027"
    assert de.month(dt.date(2026, 5, 1)) == "Mai 2026"
    assert de.money(75) == "75\u00a0€"
    assert catalogs.get("en").date(dt.date(2027, 3, 15)) == "15 March 2027"  # unchanged


@pytest.mark.parametrize(
    "typed", ["15. März 2027", "15 Maerz 2027", "am 15. März 2027", "15 Mär 2027", "15. MÄRZ 2027"]
)
def test_it_reads_dates_typed_with_its_month_names(catalogs: Catalogs, typed: str) -> None:
    if typed == "15 Maerz 2027":  # a spelling CLDR does not have: not guessed
        assert parse_date(typed, catalogs.codes) is None
        return
    assert parse_date(typed, catalogs.codes) == dt.date(2027, 3, 15)
    assert parse_date("15 mars 2027", catalogs.codes) == dt.date(2027, 3, 15)  # French still
    assert parse_date("15. Juli 2027", catalogs.codes) == dt.date(2027, 7, 15)
    assert parse_date("15. Juli 2027", ("en", "fr")) is None  # German months come with German


async def test_the_walkthrough_and_reminders_read_german_dates(engine: Engine) -> None:
    client = Client(engine, lang="de")
    await client.walk(TO_THE_DATE)
    assert "15. März 2027" in client.text  # the countdown, with the date formatted in German
    await client.send("/remind 1. Juni 2027")
    (first, *_) = await engine.store.list_reminders("test", "alice")
    assert first.deadline == "2027-06-01" and first.lang == "de"
    await client.send("/reminders")
    assert "Tage vor dem Ablauf Ihres Titels am 1. Juni 2027" in client.text


def test_menus_and_slash_command_names_follow_the_catalog(engine: Engine) -> None:
    menu = command_menu(engine.catalogs.get("de"), engine.commands)
    assert {c.command: c.description for c in menu}["lang"] == (
        "Wählen Sie die Sprache meiner Antworten"
    )


async def test_discord_gets_the_german_command_names(catalogs: Catalogs) -> None:
    translator = CatalogTranslator(catalogs)
    name = app_commands.locale_str("help", context="command name")
    context = app_commands.TranslationContext(
        app_commands.TranslationContextLocation.command_name, None
    )
    assert await translator.translate(name, DiscordLocale.german, context) == "hilfe"


def test_the_search_reads_the_new_language_from_its_lexicon_file(
    catalogs: Catalogs, tmp_path: Path
) -> None:
    """A German lexicon file and the German of one answer in the catalog: the question is read as
    German (language vote from its stop words), searched with the German stemmer and concepts,
    and answered in German, with no change to Python."""
    from babel.messages.pofile import read_po, write_po

    from bot.knowledge import load_knowledge
    from bot.knowledge.model import faq_context

    knowledge = tmp_path / "knowledge"
    shutil.copytree(KB.path, knowledge)
    shutil.copy(FIXTURE.parent / "lexicon" / "de.yaml", knowledge / "lexicon" / "de.yaml")
    fee = KB.faq.by_id["fee"]
    po = catalogs.locales_dir / "de" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as f:
        catalog = read_po(f)
    catalog.add(fee.title, "Was kostet die Karte?", context=faq_context("fee", "title"))
    catalog.add(
        fee.answer,
        "Die RECE-Karte kostet **{fee_rece}** ({rece_tax} Steuer + {stamp_duty} Stempelgebühr), "
        "in elektronischen Steuermarken. Eine APS kann {aps_tax} kosten. ⚠️ Fragen Sie Ihre "
        "Präfektur nach dem Betrag.",
        context=faq_context("fee", "answer"),
    )
    with po.open("wb") as f:
        write_po(f, catalog)
    german = Catalogs(catalogs.locales_dir)
    kb = load_knowledge(knowledge, catalogs=german)

    assert kb.faq.index.guess_lang("Wie viel kostet die Karte für die Arbeitssuche?") == "de"
    best = kb.faq.index.search("Wie viel kosten die Steuermarken?").best
    assert best is not None and best.entry_id == "fee"

    client = Client(Engine(kb, MemoryStore(), german, clock=FakeClock(), flood_control=False))
    reply = asyncio.run(client.send("Wie viel kostet die Karte?"))
    assert reply.lang == "de" and reply.faq_id == "fee"
    assert "Was kostet die Karte?" in client.text and "Steuermarken" in client.text
