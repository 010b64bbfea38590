"""Sending due reminders on Discord: a `discord.ext.tasks` loop that DMs each user.

Every `INTERVAL` seconds the loop asks the engine for Discord's due reminders (claimed with a
lease, see `bot.engine.reminders`), DMs each user (``fetch_user`` + ``send``, no mentions, the
reminder's buttons as persistent `ChoiceButton`s), and marks each sent once Discord accepted it.
discord.py waits out rate limits (429) itself. A user who closed their DMs or left is dropped; any
other HTTP error leaves the reminder to be claimed again when its lease ends.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import tasks

from bot.adapters.discord import buttons
from bot.adapters.discord.keys import PLATFORM
from bot.engine import reminder_pump as pump
from bot.engine.reply import ChoiceKind
from bot.markup import shorten
from bot.render import discord_md

if TYPE_CHECKING:
    from bot.adapters.discord.front import Front
    from bot.engine.reminders import ReminderDelivery

log = logging.getLogger(__name__)

INTERVAL = 60.0  # seconds between two checks
MAX_LABEL = 80


def start_reminder_loop(client: Front, seconds: float = INTERVAL) -> tasks.Loop[Any]:
    """Start the loop (call it once the client is ready); cancel it when the client closes."""

    @tasks.loop(seconds=seconds)
    async def reminder_loop() -> None:
        try:
            await send_due_reminders(client)
        except Exception:  # one bad round must not end the loop
            log.exception("discord: sending reminders failed")

    reminder_loop.start()
    return reminder_loop


async def send_due_reminders(client: Front) -> int:
    """DM every due Discord reminder; how many were sent."""
    return await pump.send_due_reminders(
        client.engine,
        PLATFORM,
        lambda delivery: _send(client, delivery),
        final=(discord.Forbidden, discord.NotFound),  # DMs closed, or the user is gone
        transient=(discord.HTTPException,),
    )


async def _send(client: Front, delivery: ReminderDelivery) -> None:
    user = await client.fetch_user(int(delivery.key.user))
    contents = discord_md.render_messages(delivery.reply.messages)
    view = discord.ui.View(timeout=None)
    for choice in delivery.reply.choices[:25]:
        label = shorten(choice.label, MAX_LABEL)
        view.add_item(buttons.ChoiceButton(choice.token, label, nav=choice.kind is ChoiceKind.NAV))
    for i, content in enumerate(contents):
        last = i == len(contents) - 1
        kwargs: dict[str, Any] = {"view": view} if last and view.children else {}
        await user.send(content, allowed_mentions=discord.AllowedMentions.none(), **kwargs)
