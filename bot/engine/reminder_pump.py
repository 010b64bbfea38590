"""The one loop that sends due reminders, shared by every front end.

Each front end says only how to send one reminder (a Telegram message, a Discord DM, a line in the
terminal) and which of its errors are final; the contract of `Engine.due_reminders` is kept here
once: skip a reminder whose lease is nearly over (whoever claims it next sends it), mark each sent
as soon as the platform accepted it, drop one that can never be delivered (the user blocked the
bot), and leave one that failed for now to be claimed again when its lease ends.

`reminder_job` makes it a `bot.jobs.Job` for the platform's runtime to schedule (Telegram's
JobQueue, a discord.py task); the console calls `send_due_reminders` before each prompt instead.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from bot.jobs import Every, Job

if TYPE_CHECKING:
    from bot.engine.engine import Engine
    from bot.engine.reminders import ReminderDelivery

log = logging.getLogger(__name__)

Send = Callable[["ReminderDelivery"], Awaitable[None]]
INTERVAL = 60.0  # seconds between two rounds
FIRST = 10.0  # seconds after the start before the first round


class NotNow(Exception):
    """Raised by a sender for a reminder it will not send now (another console user's): it is
    left to whoever claims it next."""


async def send_due_reminders(
    engine: Engine,
    platform: str,
    send: Send,
    *,
    final: tuple[type[BaseException], ...] = (),
    transient: tuple[type[BaseException], ...] = (),
) -> int:
    """Send `platform`'s due reminders with `send`; how many were sent.

    Args:
        final: errors after which the reminder is dropped (delivery can never succeed).
        transient: errors after which it is left for a later claim.
    """
    sent = 0
    for delivery in await engine.due_reminders(platform=platform):
        if not delivery.sendable(engine.clock()):
            continue  # too little lease left: whoever claims it next sends it
        try:
            await send(delivery)
        except NotNow:
            continue
        except final as exc:
            log.info("%s: reminder %s dropped (%s)", platform, delivery.id, _why(exc))
            await engine.reminder_sent(delivery.id)
            continue
        except transient as exc:
            log.warning(
                "%s: reminder %s not sent (%s); retried later", platform, delivery.id, _why(exc)
            )
            continue
        await engine.reminder_sent(delivery.id)
        sent += 1
    return sent


def _why(exc: BaseException) -> str:
    """The error's class, and its HTTP status when it has one: never its message (it may quote
    what the user wrote)."""
    status = getattr(exc, "status", None)
    return f"{type(exc).__name__}, HTTP {status}" if status else type(exc).__name__


def reminder_job(
    engine: Engine,
    platform: str,
    send: Send,
    *,
    final: tuple[type[BaseException], ...] = (),
    transient: tuple[type[BaseException], ...] = (),
) -> Job:
    """`send_due_reminders` for `platform` every minute, as a job its runtime schedules."""
    return Job(
        f"{platform}-reminders",
        Every(INTERVAL, first=FIRST),
        lambda: send_due_reminders(engine, platform, send, final=final, transient=transient),
    )
