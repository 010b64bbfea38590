"""Fill the English catalog: every empty msgstr becomes its msgid (English msgids are the text).

Usage: python scripts/sync_en_catalog.py locales/en/LC_MESSAGES/messages.po
"""

import sys

from babel.messages.pofile import read_po, write_po


def main(path: str) -> None:
    with open(path, "rb") as f:
        catalog = read_po(f, locale="en")
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
    with open(path, "wb") as f:
        write_po(f, catalog, width=100, sort_by_file=True, omit_header=False)


if __name__ == "__main__":
    main(sys.argv[1])
