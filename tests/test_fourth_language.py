"""A fourth language, in progress, with no Python: Spanish as beta, from fixture files alone.

tests/fixtures/fourth_language holds what a translator and a knowledge editor would add: a few
Spanish strings (merged onto the template as ``make i18n`` does, every other string empty), a
line of locales/languages.yaml marking Spanish beta, a Spanish lexicon and a few Spanish example
questions. With them Spanish is offered and chosen, says once that it is incomplete, shows its
untranslated strings in English (or French, by the user's choice), passes ``check`` with one
warning, and its questions are searched in an index of their own.
"""

from __future__ import annotations

import asyncio
import importlib.util
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.engine import Engine
from bot.i18n import DEFAULT_LOCALES_DIR, Catalogs
from bot.knowledge import DEFAULT_KNOWLEDGE_DIR, load_knowledge
from bot.knowledge.catalog_check import check_catalogs
from bot.storage import MemoryStore
from bot.testing import Client, FakeClock

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "fourth_language"


def _i18n_script():
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return script


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(locales, knowledge): the real ones, and the fixture's Spanish."""
    tmp = tmp_path_factory.mktemp("fourth")
    locales, knowledge = tmp / "locales", tmp / "knowledge"
    shutil.copytree(DEFAULT_LOCALES_DIR, locales, ignore=shutil.ignore_patterns("*.mo"))
    shutil.copytree(FIXTURE / "locales" / "es", locales / "es")
    statuses = (DEFAULT_LOCALES_DIR / "languages.yaml").read_text(encoding="utf-8")
    fixture_statuses = (FIXTURE / "locales" / "languages.yaml").read_text(encoding="utf-8")
    (locales / "languages.yaml").write_text(statuses + fixture_statuses, encoding="utf-8")
    script = _i18n_script()
    with (DEFAULT_LOCALES_DIR / "messages.pot").open("rb") as f:
        script.update(locales / "es" / "LC_MESSAGES" / "messages.po", read_po(f))
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, knowledge)
    for part in ("lexicon", "examples"):
        for file in (FIXTURE / "knowledge" / part).glob("*.yaml"):
            shutil.copy(file, knowledge / part / file.name)
    return locales, knowledge


@pytest.fixture(scope="module")
def catalogs(folders) -> Catalogs:
    return Catalogs(folders[0])


@pytest.fixture(scope="module")
def knowledge(folders, catalogs):
    return load_knowledge(folders[1], catalogs=catalogs)


def engine(knowledge, catalogs) -> Engine:
    return Engine(knowledge, MemoryStore(), catalogs, clock=FakeClock(), flood_control=False)


def test_check_counts_a_beta_languages_missing_strings_as_one_warning(folders) -> None:
    locales, knowledge = folders
    problems = check_catalogs(knowledge, locales, ROOT)
    spanish = [p for p in problems if p.message.startswith("es")]
    assert len(spanish) == 1 and spanish[0].warning, spanish[:3]
    assert "es (beta):" in spanish[0].message and "% done" in spanish[0].message
    assert not [p for p in problems if not p.warning], problems[:3]
    # the same catalog, no longer beta: every missing string is an error
    (locales / "languages.yaml").write_text("es:\n  status: complete\n", encoding="utf-8")
    try:
        errors = [p for p in check_catalogs(knowledge, locales, ROOT) if not p.warning]
        assert len(errors) > 800 and all(p.message.startswith("es: missing") for p in errors)
    finally:
        statuses = (DEFAULT_LOCALES_DIR / "languages.yaml").read_text(encoding="utf-8")
        fixture = (FIXTURE / "locales" / "languages.yaml").read_text(encoding="utf-8")
        (locales / "languages.yaml").write_text(statuses + fixture, encoding="utf-8")


def test_untranslated_strings_fall_back_to_english_or_french(catalogs: Catalogs) -> None:
    assert catalogs.is_beta("es") and not catalogs.is_beta("zh") and not catalogs.is_beta("fr")
    assert 0 < catalogs.completeness("es") < 0.05
    english, french = catalogs.get("es"), catalogs.get("es+fr")
    assert english.code == french.code == "es" and french.choice == "es+fr"
    assert (
        english.gettext("What I can do")
        == french.gettext("What I can do")
        == ("Lo que puedo hacer")
    )
    assert english.gettext("Start the walkthrough") == "Start the walkthrough"
    assert french.gettext("Start the walkthrough") == catalogs.get("fr").gettext(
        "Start the walkthrough"
    )
    assert french.gettext("Start the walkthrough") != "Start the walkthrough"
    assert catalogs.choice("es+fr") == "es+fr" and catalogs.choice("es+xx") is None


async def test_picking_it_tells_once_how_far_it_is_and_offers_french(knowledge, catalogs) -> None:
    client = Client(engine(knowledge, catalogs), lang="en")
    await client.send("/lang")
    assert "Español (beta)" in client.labels
    await client.click("Español (beta)")
    assert client.reply.lang == "es"
    assert "A partir de ahora responderé en español." in client.text
    assert "La traducción al Español está en curso" in client.text and "Inglés" in client.text
    await client.click("Mostrar en Francés los textos sin traducir")
    assert "Francés" in client.text
    await client.send("/help")
    assert "Lo que puedo hacer" in client.text  # Spanish where it is translated …
    french = catalogs.get("fr").gettext("Start the walkthrough")
    assert french in client.labels  # … French where it is not, as chosen
    assert "está en curso" not in client.text  # told once: not on every reply


async def test_a_spanish_platform_locale_is_told_in_the_welcome(knowledge, catalogs) -> None:
    client = Client(engine(knowledge, catalogs), lang="es-MX")
    await client.send("/start")
    assert client.reply.lang == "es" and "está en curso" in client.text


def test_spanish_questions_are_searched_in_their_own_index(knowledge) -> None:
    index = knowledge.faq.index
    assert "es" in index.languages
    question = "¿Cuánto cuesta la tarjeta de búsqueda de empleo?"
    assert index.guess_lang(question) == "es"
    result = index.search(question)
    assert result.lang == "es" and result.best and result.best.entry_id == "fee"


def test_a_concept_finds_an_entry_described_only_in_english(knowledge) -> None:
    """No Spanish text and no Spanish example for the tax stamp: the Spanish index holds its
    English title and answer (what a Spanish reader sees), and "sello fiscal" meets "timbre
    fiscal" and "tax stamp" through the concept they share."""
    entry = knowledge.faq.by_id["timbre"]
    assert "es" not in entry.examples
    result = knowledge.faq.index.search("¿Dónde compro el sello fiscal?")
    assert result.lang == "es" and result.best and result.best.entry_id == "timbre"


def test_spanish_is_answered_in_spanish_with_english_where_untranslated(knowledge, catalogs):
    client = Client(engine(knowledge, catalogs))
    reply = asyncio.run(client.send("¿Cuánto cuesta la tarjeta de búsqueda de empleo?"))
    assert reply.lang == "es" and "fee" in reply.faq_shown
    assert "¿Cuánto cuesta?" in client.text  # the one title the fixture translates
    fee = knowledge.faq.by_id["fee"]
    assert fee.short.split("{")[0] in client.text  # its short answer, still in English
