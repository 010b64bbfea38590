"""Due reminders on Telegram: the shared reminder job (`bot.engine.reminder_pump`), sending each
through the bot (so the `AIORateLimiter` and its 429 retries apply) to the user's private chat.

A failed send is either final (the user blocked the bot, the chat is gone: dropped) or transient
(left alone: it is claimed again when its lease ends).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram.error import BadRequest, Forbidden, TelegramError

from bot.adapters.telegram.conversation import PLATFORM
from bot.adapters.telegram.delivery import deliver
from bot.engine import reminder_pump

if TYPE_CHECKING:
    from telegram import Bot

    from bot.engine import Engine
    from bot.engine.reminders import ReminderDelivery
    from bot.jobs import Job

JOB_NAME = f"{PLATFORM}-reminders"


def reminder_job(engine: Engine, bot: Bot) -> Job:
    """The job that sends Telegram's due reminders through `bot`."""

    async def send(delivery: ReminderDelivery) -> None:
        await deliver(bot, delivery.reply, chat_id=int(delivery.key.scope))

    return reminder_pump.reminder_job(
        engine,
        PLATFORM,
        send,
        final=(Forbidden, BadRequest),  # blocked, chat deleted…: retrying would never succeed
        transient=(TelegramError,),
    )
