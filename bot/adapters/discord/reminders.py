"""Due reminders on Discord: the shared reminder job (`bot.engine.reminder_pump`), sending each as a
direct message (``fetch_user`` + ``send``, no mentions, the reminder's buttons as persistent
`ChoiceButton`s). discord.py waits out rate limits (429) itself. A user who closed their DMs or
left is dropped; any other HTTP error leaves the reminder to be claimed again when its lease ends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.adapters.discord import buttons
from bot.adapters.discord.keys import PLATFORM
from bot.engine import reminder_pump as pump
from bot.engine.reply import ChoiceKind
from bot.markup import shorten
from bot.render import discord_md

if TYPE_CHECKING:
    from bot.adapters.discord.front import Front
    from bot.engine.reminders import ReminderDelivery
    from bot.jobs import Job

MAX_LABEL = 80
FINAL = (discord.Forbidden, discord.NotFound)  # DMs closed, or the user is gone
TRANSIENT = (discord.HTTPException,)


def reminder_job(client: Front) -> Job:
    """The job that DMs Discord's due reminders."""
    return pump.reminder_job(
        client.engine,
        PLATFORM,
        lambda delivery: _send(client, delivery),
        final=FINAL,
        transient=TRANSIENT,
    )


async def send_due_reminders(client: Front) -> int:
    """One round of the job, now: DM every due Discord reminder; how many were sent."""
    sent = await reminder_job(client).work()
    assert isinstance(sent, int)
    return sent


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
