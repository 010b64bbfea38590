"""Merge translations into a catalog without clobbering anyone else's edits.

Reads the catalog as it is on disk at this moment, sets the given entries, writes it back.
Input: a JSON file (or - for stdin) holding a list of objects:
    {"context": "faq:fee.answer" | null, "id": "English msgid", "str": "French text"}
For a plural, "id" is the singular and "str" is a list with one string per plural form
(French has three: one, many, other).

Usage: python scripts/apply_translations.py locales/fr/LC_MESSAGES/messages.po translations.json
"""

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po

sys.path.insert(0, str(Path(__file__).resolve().parent))
from i18n import write_catalog  # the same line width and order as make i18n)


def main(po_path: str, source: str) -> None:
    if source == "-":
        entries = json.load(sys.stdin)
    else:
        with open(source, encoding="utf-8") as f:
            entries = json.load(f)
    with open(po_path, "rb") as f:
        catalog = read_po(f)
    missing = []
    for e in entries:
        message = catalog.get(e["id"], context=e.get("context"))
        if message is None:
            missing.append(e["id"][:70])
            continue
        message.string = tuple(e["str"]) if isinstance(e["str"], list) else e["str"]
        message.flags.discard("fuzzy")
    write_catalog(Path(po_path), catalog)
    if missing:
        print(f"{len(missing)} msgid(s) not in the catalog (run make i18n first):", file=sys.stderr)
        for m in missing:
            print(f"  {m!r}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
