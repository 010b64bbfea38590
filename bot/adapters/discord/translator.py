"""`CatalogTranslator`: Discord's command localisations from the same Babel catalogs as the replies."""

from __future__ import annotations

import logging
import re

import discord
from discord import app_commands

from bot.adapters.discord.strings import MENU
from bot.engine.commands import NAME_CONTEXT, OPTION_CONTEXT
from bot.i18n import SOURCE_LANGUAGE, Catalogs

log = logging.getLogger(__name__)

# What Discord accepts as a slash command or option name (lower case is checked separately).
VALID_NAME = re.compile(r"^[-_\w]{1,32}$")
_NAME_LOCATIONS = (
    app_commands.TranslationContextLocation.command_name,
    app_commands.TranslationContextLocation.parameter_name,
    app_commands.TranslationContextLocation.group_name,
)
_LIMITS = {
    app_commands.TranslationContextLocation.command_description: 100,
    app_commands.TranslationContextLocation.parameter_description: 100,
    app_commands.TranslationContextLocation.group_description: 100,
    app_commands.TranslationContextLocation.choice_name: 100,
}


def valid_name(name: str) -> bool:
    """Discord's rule for slash command and option names: ``^[-_\\p{L}\\p{N}]{1,32}$``, lower case."""
    return bool(VALID_NAME.match(name)) and name == name.lower()


class CatalogTranslator(app_commands.Translator):
    """Translates command names, descriptions and choices for every Discord locale we have a catalog for.

    English is the source language: it returns None for it, and for any string not translated, so
    Discord shows the default. A translated name Discord would reject is logged and left out rather
    than failing the whole sync.
    """

    def __init__(self, catalogs: Catalogs) -> None:
        self.catalogs = catalogs

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        code = self.catalogs.supported(locale.value)
        if code is None or code == SOURCE_LANGUAGE:
            return None
        lang = self.catalogs.get(code)
        language = string.extras.get("language")
        if language:  # a language's name, from CLDR: "Anglais", "Français"
            translated = self.catalogs.language_name(language, code)
        else:
            msgctxt = string.extras.get("context")
            translated = (
                lang.pgettext(msgctxt, string.message) if msgctxt else lang.gettext(string.message)
            )
        if not translated or translated == string.message:
            return None
        if string.extras.get("context") == MENU:  # context menus may have spaces and capitals
            if len(translated) > 32:
                log.warning("discord: %s context menu name is longer than 32 characters", code)
                return None
        elif context.location in _NAME_LOCATIONS or string.extras.get("context") in (
            NAME_CONTEXT,
            OPTION_CONTEXT,
        ):
            translated = translated.strip().lower()
            if not valid_name(translated):
                log.warning("discord: %s name %r is not valid for Discord", code, translated)
                return None
        limit = _LIMITS.get(context.location)
        if limit and len(translated) > limit:
            log.warning("discord: %s translation of %r is too long", code, string.message)
            return None
        return translated
