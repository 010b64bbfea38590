"""The slash commands and the message context menu, each mapped to one engine Event.

Every answer is ephemeral (only the user sees it, so it is private even in a server) except the
context menu's, which answers a newcomer's question for the whole channel.
"""

from __future__ import annotations

import re
from typing import Any

import discord
from babel import Locale as BabelLocale
from discord import app_commands

from bot.adapters.discord import respond
from bot.adapters.discord.keys import command_event, key_of, locale_of, text_event
from bot.adapters.discord.strings import gettext, pgettext
from bot.engine import Engine, language, suggest
from bot.render import discord_md

MAX_AUTOCOMPLETE = 25
MAX_CHOICE_NAME = 100
FAQ_VALUE = "faq:"  # an autocomplete value naming an entry, not text to search
_FAQ_VALUE = re.compile(r"^faq:([A-Za-z0-9_]{1,60})$")


def register(tree: app_commands.CommandTree[Any], engine: Engine) -> None:
    """Add every command to `tree` (names and descriptions in English; the Translator does French)."""

    async def simple(interaction: discord.Interaction[Any], command: str, args: str = "") -> None:
        await respond.answer(interaction, command_event(interaction, command, args))

    def add_simple(name: app_commands.locale_str, description: app_commands.locale_str) -> None:
        """A command without options: the engine command of the same English name."""

        async def callback(interaction: discord.Interaction[Any]) -> None:
            await simple(interaction, name.message)

        tree.add_command(
            app_commands.Command(name=name, description=description, callback=callback)
        )

    add_simple(
        pgettext("discord:command name", "aps"),
        gettext("Your situation step by step: eligibility, deadline, checklist"),
    )

    @tree.command(
        name=pgettext("discord:command name", "faq"),
        description=gettext("Ask a question about the RECE card or the APS"),
    )
    @app_commands.rename(query=pgettext("discord:option name", "question"))
    @app_commands.describe(query=gettext("Your question, or pick one from the list"))
    async def faq(interaction: discord.Interaction[Any], query: str | None = None) -> None:
        query = (query or "").strip()
        found = _FAQ_VALUE.match(query)
        if found and found.group(1) in engine.knowledge.faq.by_id:
            await simple(interaction, "start", f"faq_{found.group(1)}")
        else:
            await simple(interaction, "faq", query)

    @faq.autocomplete("query")
    async def faq_autocomplete(
        interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        lang = await suggest.language_for(engine, key_of(interaction), locale_of(interaction))
        return [
            app_commands.Choice(name=_fit(s.title, MAX_CHOICE_NAME), value=FAQ_VALUE + s.entry_id)
            for s in suggest.faq_suggestions(engine, current, lang, MAX_AUTOCOMPLETE)
        ]

    languages = engine.catalogs.languages

    @tree.command(
        name=pgettext("discord:command name", "lang"),
        description=gettext("Choose the language I answer you in"),
    )
    @app_commands.rename(language=pgettext("discord:option name", "language"))
    @app_commands.describe(language=gettext("The language to use"))
    @app_commands.choices(
        language=[
            app_commands.Choice(
                name=app_commands.locale_str(_language_name(code), language=code), value=code
            )
            for code in languages
        ]
    )
    async def lang(interaction: discord.Interaction[Any], language: str | None = None) -> None:
        await simple(interaction, "lang", language or "")

    @tree.command(
        name=pgettext("discord:command name", "remind"),
        description=gettext("Reminders before your deadline (I send them as direct messages)"),
    )
    @app_commands.rename(date=pgettext("discord:option name", "date"))
    @app_commands.describe(
        date=gettext("When your titre expires, e.g. 15/03/2027 (or: aps 15/03/2027)")
    )
    async def remind(interaction: discord.Interaction[Any], date: str | None = None) -> None:
        await simple(interaction, "remind", (date or "").strip())

    for name, description in (
        (pgettext("discord:command name", "help"), gettext("What I can do")),
        (pgettext("discord:command name", "privacy"), gettext("What I store about you, and why")),
        (
            pgettext("discord:command name", "mydata"),
            gettext("Show what I have stored about you"),
        ),
        (
            pgettext("discord:command name", "forget"),
            gettext("Delete everything I have stored about you"),
        ),
        (
            pgettext("discord:command name", "checklist"),
            gettext("Your document checklist, to tick off"),
        ),
        (
            pgettext("discord:command name", "reminders"),
            gettext("List or cancel your reminders"),
        ),
    ):
        add_simple(name, description)

    async def ask_about_message(
        interaction: discord.Interaction[Any], message: discord.Message
    ) -> None:
        text = (message.content or "").strip()
        if not text:
            key = key_of(interaction)
            lang = await language.of_user_or_locale(
                engine.store, engine.catalogs, key.platform, key.user, locale_of(interaction)
            )
            await interaction.response.send_message(
                lang.gettext("That message has no text I can answer."),
                ephemeral=True,
                allowed_mentions=discord_md.no_mentions(),
            )
            return
        event = text_event(interaction, text, private=False)
        await respond.answer(interaction, event, ephemeral=False)

    tree.add_command(
        app_commands.ContextMenu(
            name=pgettext("discord:context menu", "Ask aps-bot"), callback=ask_about_message
        )
    )


def _language_name(code: str) -> str:
    """A language's English name ("French"); the Translator gives it in each locale."""
    return BabelLocale.parse(code).get_display_name("en") or code


def _fit(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
