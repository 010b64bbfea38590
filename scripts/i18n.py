"""Refresh the catalogs after user-facing strings changed, touching only the messages that changed.

    python scripts/i18n.py            # what `make i18n` runs

1. Extracts every string from the code and the knowledge YAML (babel.cfg) into
   locales/messages.pot.
2. Updates every locales/<lang>/LC_MESSAGES/messages.po from it: new msgids appear with an
   empty msgstr, msgids that are gone are dropped (no fuzzy matching: a changed English text must
   be translated again, not guessed).
3. The source language's catalog (English) gets msgstr = msgid.

Every file is written the way Babel writes it (line width 76, messages in the order of the files
they come from), and only when a message changed: the header's POT-Creation-Date alone never makes
a file differ, so a translator's diff shows only the messages that changed.
`scripts/apply_translations.py` writes with the same settings (`write_catalog`).
"""

from __future__ import annotations

import copy
import io
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
TEMPLATE = LOCALES / "messages.pot"
SOURCE_LANGUAGE = "en"  # msgids are English
WIDTH = 76  # Babel's default: pybabel and these scripts wrap lines alike


def render(catalog: Catalog, *, template: bool = False) -> bytes:
    """The catalog as Babel writes it: width 76, sorted by file, no locations."""
    out = io.BytesIO()
    write_po(
        out,
        catalog,
        width=WIDTH,
        no_location=True,
        sort_by_file=True,
        ignore_obsolete=True,
        omit_header=False,
    )
    return out.getvalue()


def _without_dates(data: bytes) -> bytes:
    return b"\n".join(
        line
        for line in data.split(b"\n")
        if not line.startswith((b'"POT-Creation-Date:', b'"PO-Revision-Date:'))
    )


def write_if_changed(path: Path, data: bytes) -> bool:
    """Writes `data` unless the file already says the same apart from its header dates."""
    if path.exists() and _without_dates(path.read_bytes()) == _without_dates(data):
        return False
    path.write_bytes(data)
    return True


def write_catalog(path: Path, catalog: Catalog) -> bool:
    return write_if_changed(path, render(catalog))


def extract() -> Catalog:
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "messages.pot"
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "babel.messages.frontend",
                "extract",
                "-F",
                "babel.cfg",
                "--no-location",
                "--sort-by-file",
                "--width",
                str(WIDTH),
                "-k",
                "pgettext:1c,2",
                "--project",
                "aps-bot",
                "--copyright-holder",
                "aps-bot contributors",
                "-o",
                str(pot),
                ".",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            sys.exit(f"pybabel extract failed:\n{done.stderr}")
        data = pot.read_bytes()
    write_if_changed(TEMPLATE, data)
    with TEMPLATE.open("rb") as f:
        return read_po(f)


def fill_source_language(catalog: Catalog) -> None:
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            forms = list(message.string) if message.string else []
            forms += [""] * (catalog.num_plurals - len(forms))
            message.string = tuple(
                f or (message.id[0] if i == 0 else message.id[1]) for i, f in enumerate(forms)
            )
        elif not message.string:
            message.string = message.id
        message.flags.discard("fuzzy")


def update(po_path: Path, template: Catalog) -> bool:
    lang = po_path.parent.parent.name
    with po_path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    # Babel inserts the template's own message objects for new msgids: a copy per catalog, or
    # filling the English catalog (below) would write English into every other catalog too
    catalog.update(copy.deepcopy(template), no_fuzzy_matching=True, update_creation_date=False)
    catalog.obsolete.clear()
    if lang == SOURCE_LANGUAGE:
        fill_source_language(catalog)
    return write_catalog(po_path, catalog)


def main() -> None:
    template = extract()
    for po in sorted(LOCALES.glob("*/LC_MESSAGES/messages.po")):
        changed = update(po, template)
        print(f"{po.relative_to(ROOT)}: {'updated' if changed else 'unchanged'}")


if __name__ == "__main__":
    main()
