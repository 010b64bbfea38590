"""`bot.jobs` jobs on python-telegram-bot's JobQueue: `Every` as ``run_repeating``, `Weekly` as
``run_daily`` on one day. The JobQueue runs them from ``application.start()`` to ``stop()``."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from bot.jobs import Every, Job

if TYPE_CHECKING:
    from telegram.ext import Application, CallbackContext

log = logging.getLogger(__name__)


def schedule(application: Application, job: Job) -> bool:
    """Put `job` on the application's JobQueue; False (logged) if it has none (the job-queue
    extra of python-telegram-bot is missing)."""
    queue = application.job_queue
    if queue is None:
        log.warning(
            "Telegram: no JobQueue (install python-telegram-bot[job-queue]): no %s", job.name
        )
        return False

    async def callback(context: CallbackContext) -> None:
        await job.run()

    when = job.when
    if isinstance(when, Every):
        queue.run_repeating(callback, interval=when.seconds, first=when.first, name=job.name)
    else:
        queue.run_daily(
            callback,
            time=dt.time(when.hour, tzinfo=dt.UTC),
            days=((when.weekday + 1) % 7,),  # python-telegram-bot counts days from Sunday = 0
            name=job.name,
        )
    return True
