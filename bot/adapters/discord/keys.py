"""From a Discord interaction to the engine's conversation key and events."""

from __future__ import annotations

from typing import Any

import discord

from bot.engine.events import ConversationKey, Event

PLATFORM = "discord"


def key_of(interaction: discord.Interaction[Any]) -> ConversationKey:
    """``(discord, channel, user)``: a walkthrough lives in the channel (or DM) it was started in."""
    scope = str(interaction.channel_id) if interaction.channel_id else "dm"
    return ConversationKey(PLATFORM, scope, str(interaction.user.id))


def locale_of(interaction: discord.Interaction[Any]) -> str:
    """The user's Discord client language (``fr``, ``en-US``); the engine prefers their /lang choice."""
    return interaction.locale.value


def command_event(
    interaction: discord.Interaction[Any], command: str, args: str = "", *, private: bool = True
) -> Event:
    return Event.command_of(
        key_of(interaction), command, args, locale=locale_of(interaction), private=private
    )


def text_event(interaction: discord.Interaction[Any], text: str, *, private: bool) -> Event:
    return Event.text_of(key_of(interaction), text, locale=locale_of(interaction), private=private)


def choice_event(interaction: discord.Interaction[Any], token: str, *, private: bool) -> Event:
    return Event.choice_of(
        key_of(interaction), token, locale=locale_of(interaction), private=private
    )
