"""Sending due reminders from python-telegram-bot's JobQueue.

Every `INTERVAL` seconds, `send_due_reminders` asks the engine for Telegram's due reminders (the
engine claims them with a lease, see `bot.engine.reminders`), sends each through the bot (so the
`AIORateLimiter` and its 429 retries apply), and marks each sent as soon as Telegram accepted it.
A failed send is either final (the user blocked the bot, the chat is gone: dropped) or transient
(left alone: it is claimed again when its lease ends).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram.error import BadRequest, Forbidden, TelegramError

from bot.adapters.telegram.context import engine_of
from bot.adapters.telegram.conversation import PLATFORM
from bot.adapters.telegram.delivery import deliver
from bot.engine import reminder_pump as pump

if TYPE_CHECKING:
    from telegram.ext import Application, CallbackContext

    from bot.engine.reminders import ReminderDelivery

log = logging.getLogger(__name__)

INTERVAL = 60.0  # seconds between two checks
FIRST = 10.0  # seconds after start before the first check
JOB_NAME = "aps-reminders"


def schedule_reminders(application: Application) -> None:
    """Register the repeating job (it runs once the Application is started)."""
    if application.job_queue is None:  # the job-queue extra is missing
        log.warning("Telegram: no JobQueue (install python-telegram-bot[job-queue]): no reminders")
        return
    application.job_queue.run_repeating(
        send_due_reminders, interval=INTERVAL, first=FIRST, name=JOB_NAME
    )


async def send_due_reminders(context: CallbackContext) -> int:
    """The job: send every due Telegram reminder; how many were sent."""

    async def send(delivery: ReminderDelivery) -> None:
        await deliver(context.bot, delivery.reply, chat_id=int(delivery.key.scope))

    return await pump.send_due_reminders(
        engine_of(context),
        PLATFORM,
        send,
        final=(Forbidden, BadRequest),  # blocked, chat deleted…: retrying would never succeed
        transient=(TelegramError,),
    )
