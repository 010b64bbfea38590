"""scripts/i18n.py (``make i18n``): a new English string reaches the other catalogs untranslated."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "i18n.py"


def _script():
    spec = importlib.util.spec_from_file_location("i18n_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def test_a_new_string_is_filled_in_english_only(tmp_path: Path) -> None:
    i18n = _script()
    template = Catalog()
    template.add("Old text", context="faq:x.answer")
    template.add("New text", context="faq:y.answer")
    paths = {}
    for lang, old in (("en", "Old text"), ("fr", "Ancien texte")):
        catalog = Catalog(locale=lang)
        catalog.add("Old text", old, context="faq:x.answer")
        paths[lang] = tmp_path / lang / "LC_MESSAGES" / "messages.po"
        paths[lang].parent.mkdir(parents=True)
        with paths[lang].open("wb") as f:
            write_po(f, catalog)
    for lang in ("en", "fr"):  # English first, as make i18n does (sorted)
        i18n.update(paths[lang], template)
    with paths["fr"].open("rb") as f:
        fr = read_po(f)
    with paths["en"].open("rb") as f:
        en = read_po(f)
    assert en.get("New text", context="faq:y.answer").string == "New text"
    assert fr.get("New text", context="faq:y.answer").string == ""  # to translate, not English
    assert fr.get("Old text", context="faq:x.answer").string == "Ancien texte"
