"""The slash commands, generated from the engine's command table, and the message context menu.

Each command the table offers on Discord becomes a slash command of the same English name (the
Translator gives its French name, catalog context ``command name``), described by its summary. Its
argument, if any, becomes one optional option: free text, an FAQ question with autocomplete, or a
choice among the catalogs' languages.

Every answer is ephemeral (only the user sees it, so it is private even in a server) except the
context menu's, which answers a newcomer's question for the whole channel.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands

from bot.adapters.discord import respond
from bot.adapters.discord.keys import PLATFORM, command_event, key_of, locale_of, text_event
from bot.adapters.discord.strings import pgettext
from bot.engine import ArgKind, Command, Engine, language, suggest
from bot.engine.commands import NAME_CONTEXT, OPTION_CONTEXT, offered_on
from bot.i18n import SOURCE_LANGUAGE
from bot.markup import preview, shorten
from bot.render import discord_md

MAX_AUTOCOMPLETE = 25
MAX_CHOICE_NAME = 100
CHOICE_SEPARATOR = " — "
MIN_SHORT_SHOWN = 20  # a shorter piece of the short answer says nothing: the title alone then
FAQ_VALUE = "faq:"  # an autocomplete value naming an entry, not text to search
_FAQ_VALUE = re.compile(r"^faq:([A-Za-z0-9_]{1,60})$")


def register(tree: app_commands.CommandTree[Any], engine: Engine) -> None:
    """Add every command the table offers on Discord, and the context menu, to `tree` (names and
    descriptions in English; the Translator does the other languages)."""
    for command in offered_on(engine.commands, PLATFORM):
        tree.add_command(slash_command(command, engine))

    async def ask(interaction: discord.Interaction[Any], message: discord.Message) -> None:
        await ask_about_message(engine, interaction, message)

    tree.add_command(
        app_commands.ContextMenu(name=pgettext("discord:context menu", "Ask aps-bot"), callback=ask)
    )


def slash_command(command: Command, engine: Engine) -> app_commands.Command[Any, ..., Any]:
    """The slash command for one row of the table."""
    name = app_commands.locale_str(command.name, context=NAME_CONTEXT)
    description = app_commands.locale_str(command.summary)
    arg = command.arg
    if arg is None:

        async def without_arg(interaction: discord.Interaction[Any]) -> None:
            await respond.answer(interaction, command_event(interaction, command.name))

        return app_commands.Command(name=name, description=description, callback=without_arg)

    async def with_arg(interaction: discord.Interaction[Any], value: str | None = None) -> None:
        # Discord sends the string its option declares; a forged or stale one may send another type
        await _run(engine, interaction, command, value.strip() if isinstance(value, str) else "")

    app_commands.rename(value=app_commands.locale_str(arg.name, context=OPTION_CONTEXT))(with_arg)
    app_commands.describe(value=app_commands.locale_str(arg.summary))(with_arg)
    if arg.kind is ArgKind.LANGUAGE:
        app_commands.choices(value=_language_choices(engine))(with_arg)
    slash = app_commands.Command(name=name, description=description, callback=with_arg)
    if arg.kind is ArgKind.QUESTION:
        slash.autocomplete("value")(_faq_autocomplete(engine))
    return slash


async def _run(
    engine: Engine, interaction: discord.Interaction[Any], command: Command, value: str
) -> None:
    if command.arg is not None and command.arg.kind is ArgKind.QUESTION:
        found = _FAQ_VALUE.match(value)
        if found and found.group(1) in engine.knowledge.faq.by_id:  # picked from the suggestions
            event = command_event(interaction, "start", f"faq_{found.group(1)}")
            await respond.answer(interaction, event)
            return
    await respond.answer(interaction, command_event(interaction, command.name, value))


def _language_choices(engine: Engine) -> list[app_commands.Choice[str]]:
    """One choice per catalog, named in English; the Translator names it in each locale."""
    catalogs = engine.catalogs
    return [
        app_commands.Choice(
            name=app_commands.locale_str(
                catalogs.language_name(code, SOURCE_LANGUAGE), language=code
            ),
            value=code,
        )
        for code in catalogs.languages
    ]


def _faq_autocomplete(
    engine: Engine,
) -> Callable[[discord.Interaction[Any], str], Awaitable[list[app_commands.Choice[str]]]]:
    async def faq_autocomplete(
        interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        lang = await suggest.language_for(engine, key_of(interaction), locale_of(interaction))
        return [
            app_commands.Choice(name=choice_name(s), value=FAQ_VALUE + s.entry_id)
            for s in suggest.faq_suggestions(
                engine, current if isinstance(current, str) else "", lang, MAX_AUTOCOMPLETE
            )
        ]

    return faq_autocomplete


def choice_name(suggestion: suggest.Suggestion) -> str:
    """An autocomplete choice: the question, then as much of its short answer as fits (Discord
    gives a choice a name of 100 characters and nothing else to describe it)."""
    title = shorten(suggestion.title, MAX_CHOICE_NAME)
    room = MAX_CHOICE_NAME - len(title) - len(CHOICE_SEPARATOR)
    if not suggestion.short or room < MIN_SHORT_SHOWN:
        return title
    return title + CHOICE_SEPARATOR + preview(suggestion.short, room)


async def ask_about_message(
    engine: Engine, interaction: discord.Interaction[Any], message: discord.Message
) -> None:
    """The context menu: answer the message's text for the whole channel."""
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
