"""Markers for the Discord adapter's strings, so Babel extracts them and the Translator finds them.

Command and option names are marked with `pgettext` and a ``discord:…`` context, so ``help`` as a
command name is translated apart from any other "help" in the catalog. Babel reads the context only
when it is a string literal at the call, so call sites spell it out (the constants below are for
comparisons). At runtime the marked string
is a `locale_str` carrying its context; `CatalogTranslator` looks it up in the same catalogs as the
engine.
"""

from __future__ import annotations

from discord import app_commands

NAME = "discord:command name"  # lower case, no spaces, ≤ 32 characters in every language
OPTION = "discord:option name"  # same rules as command names
MENU = "discord:context menu"  # a context menu's name: spaces and capitals allowed, ≤ 32


def gettext(message: str) -> app_commands.locale_str:
    """Mark `message` for translation (descriptions)."""
    return app_commands.locale_str(message)


def pgettext(context: str, message: str) -> app_commands.locale_str:
    """Mark `message` for translation in `context` (names)."""
    return app_commands.locale_str(message, context=context)
