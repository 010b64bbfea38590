import datetime as dt
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.i18n import Catalogs, catalog_languages, normalise_locale

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("fr", "fr"),
        ("fr-FR", "fr"),
        ("fr_FR", "fr"),
        ("FR", "fr"),
        ("en-US", "en"),
        ("en-GB", "en"),
        ("pt-br", "pt"),
        ("zh-hans", "zh"),
        ("", None),
        (None, None),
        ("not a locale!", None),
    ],
)
def test_normalise_locale(code, expected) -> None:
    assert normalise_locale(code) == expected


def test_supported_languages_fall_back() -> None:
    catalogs = Catalogs(default="fr")
    assert catalogs.languages == list(catalog_languages())  # read from locales/, never pinned
    assert catalogs.supported("fr-CA") == "fr"
    assert catalogs.supported("pt-BR") is None
    assert catalogs.get(None).code == "fr"
    assert Catalogs(default="xx").default == "en"


def test_money_dates_and_plurals_per_locale() -> None:
    catalogs = Catalogs()
    fr, en = catalogs.get("fr"), catalogs.get("en")
    assert fr.money(75) == "75\u00a0€" and en.money(75) == "€75"
    assert fr.money(2702.70) == "2\u202f702,70\u00a0€" and en.money(2702.70) == "€2,702.70"
    assert fr.date(dt.date(2027, 3, 15)) == "15 mars 2027"
    assert en.date(dt.date(2027, 3, 15)) == "15 March 2027"
    assert fr.ngettext("%(num)d month", "%(num)d months", 1) % {"num": 1} == "1 mois"
    assert fr.ngettext("%(num)d day", "%(num)d days", 12) % {"num": 12} == "12 jours"
    assert en.ngettext("%(num)d day", "%(num)d days", 1) % {"num": 1} == "1 day"


def test_french_plural_entries_fill_every_form() -> None:
    with (ROOT / "locales/fr/LC_MESSAGES/messages.po").open("rb") as f:
        catalog = read_po(f)
    assert catalog.num_plurals == 3  # one / many / other in CLDR
    plurals = [m for m in catalog if m.id and isinstance(m.id, tuple | list)]
    assert plurals
    for m in plurals:
        assert len(m.string) == 3 and all(m.string), m.id[0]


def test_pybabel_extracts_code_and_knowledge_strings(tmp_path: Path) -> None:
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run(
        [
            str(pybabel),
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "pgettext:1c,2",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    with pot.open("rb") as f:
        catalog = read_po(f)
    contexts = {m.context for m in catalog if m.id}
    assert None in contexts  # the code's strings
    assert any(c and c.startswith("flow:") for c in contexts)
    assert any(c and c.startswith("faq:") for c in contexts)
    assert any(c and c.startswith("source:") for c in contexts)
    assert catalog.get("Cancel") is not None


def test_make_i18n_leaves_a_new_message_untranslated_outside_english(tmp_path: Path) -> None:
    """The English catalog is filled with its msgids; a new msgid must reach the other catalogs
    empty, so that `aps-bot check` asks for its translation (Babel shares the template's message
    objects between the catalogs it updates, which once filled French with English)."""
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    assert spec and spec.loader
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    template = Catalog()
    template.add("Old text", context="faq:a.title")
    template.add("New text", context="faq:a.short")
    pos = {}
    for lang, old in (("en", "Old text"), ("fr", "Vieux texte")):
        pos[lang] = tmp_path / lang / "LC_MESSAGES" / "messages.po"
        pos[lang].parent.mkdir(parents=True)
        catalog = Catalog(locale=lang)
        catalog.add("Old text", old, context="faq:a.title")
        script.write_catalog(pos[lang], catalog)
    for lang in ("en", "fr"):  # the order make i18n uses: English first
        assert script.update(pos[lang], template)
    strings = {}
    for lang, po in pos.items():
        with po.open("rb") as f:
            catalog = read_po(f)
        strings[lang] = {m.context: m.string for m in catalog if m.id}
    assert strings["en"] == {"faq:a.title": "Old text", "faq:a.short": "New text"}
    assert strings["fr"] == {"faq:a.title": "Vieux texte", "faq:a.short": ""}
