"""Markers for the Discord adapter's own strings, so Babel extracts them and the Translator finds them.

The slash commands' names and descriptions come from the engine's command table (marked there, in
the ``command name`` and ``option name`` contexts). What only Discord has is marked here: the
message context menu's name, in its own ``discord:context menu`` context. Babel reads the context
only when it is a string literal at the call, so call sites spell it out (the constant is for
comparisons). At runtime a marked string is a `locale_str` carrying its context;
`CatalogTranslator` looks it up in the same catalogs as the engine.
"""

from __future__ import annotations

from discord import app_commands

MENU = "discord:context menu"  # a context menu's name: spaces and capitals allowed, ≤ 32


def pgettext(context: str, message: str) -> app_commands.locale_str:
    """Mark `message` for translation in `context`."""
    return app_commands.locale_str(message, context=context)
