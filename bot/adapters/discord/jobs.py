"""`bot.jobs` jobs as discord.py ``tasks.loop``s: `Every` as a loop of so many seconds (its first
round delayed by ``before_loop``), `Weekly` as a daily loop at the hour that runs on its day.
The client starts them once connected and cancels them when it closes."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from discord.ext import tasks

from bot.jobs import Every, Job


def start(job: Job) -> tasks.Loop[Any]:
    """Start `job` as a discord.py task in the running event loop; the loop is returned to be
    cancelled."""
    when = job.when
    if isinstance(when, Every):

        @tasks.loop(seconds=when.seconds)
        async def every() -> None:
            await job.run()

        @every.before_loop
        async def first() -> None:
            await asyncio.sleep(when.first)

        every.start()
        return every

    @tasks.loop(time=dt.time(when.hour, tzinfo=dt.UTC))
    async def weekly() -> None:
        if dt.datetime.now(dt.UTC).weekday() == when.weekday:
            await job.run()

    weekly.start()
    return weekly
