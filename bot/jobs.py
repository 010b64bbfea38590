"""Recurring jobs, each written once and scheduled by every runtime that needs it.

A `Job` is one round of recurring work (send the due reminders, purge old data, check the
sources, count the updates waiting at Telegram) and when it runs: `Every` so many seconds, or
`Weekly` on a day at an hour (UTC, a fixed time of the week, so a restart neither skips nor
repeats it). The work is written once, against this interface; each runtime schedules it its own
way:

- python-telegram-bot's JobQueue (`bot.adapters.telegram.jobs`);
- a discord.py ``tasks.loop`` (`bot.adapters.discord.jobs`);
- plain asyncio tasks (`run_jobs`): what ``aps-bot run`` and the web app run beside their
  front ends.

A round that fails is logged by the job's name and the error's type (no contents: the work logs
ids and counts only) and the next round comes as planned: one bad round never ends a job.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

log = logging.getLogger(__name__)

WEEK = dt.timedelta(days=7)


@dataclass(frozen=True)
class Every:
    """Every `seconds`, the first round `first` seconds after the start."""

    seconds: float
    first: float = 0.0


@dataclass(frozen=True)
class Weekly:
    """Once a week, on `weekday` (Monday = 0, as `datetime`) at `hour` o'clock UTC."""

    weekday: int
    hour: int

    def next_after(self, now: dt.datetime) -> dt.datetime:
        """The first time of this schedule strictly after `now` (an aware datetime)."""
        now = now.astimezone(dt.UTC)
        at = now.replace(hour=self.hour, minute=0, second=0, microsecond=0)
        at += dt.timedelta(days=(self.weekday - now.weekday()) % 7)
        return at if at > now else at + WEEK


Schedule = Every | Weekly


@dataclass(frozen=True)
class Job:
    """A recurring job: a name (for logs and the schedulers), when, and one round of its work.

    Attributes:
        name: unique in its runtime, e.g. ``telegram-reminders``.
        when: `Every` or `Weekly`.
        work: ``async () -> anything``: one round (its result is ignored).
    """

    name: str
    when: Schedule
    work: Callable[[], Awaitable[object]]

    async def run(self) -> None:
        """One round; a failure is logged and does not reach the scheduler."""
        try:
            await self.work()
        except Exception as exc:
            log.error(
                "job %s failed (%s); it runs again at its next time",
                self.name,
                type(exc).__name__,
                exc_info=exc,
            )


async def run_jobs(
    jobs: Iterable[Job],
    *,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> None:
    """Run each of `jobs` at its times, as asyncio tasks, until cancelled (then stop them all).

    Args:
        clock: seconds since the epoch (`Weekly` schedules are read against it).
        sleep: how to wait (tests pass a fake).
    """
    tasks = [asyncio.create_task(_loop(job, clock, sleep), name=job.name) for job in jobs]
    try:
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _loop(
    job: Job, clock: Callable[[], float], sleep: Callable[[float], Awaitable[object]]
) -> None:
    when = job.when
    if isinstance(when, Every):
        await sleep(when.first)
        while True:
            await job.run()
            await sleep(when.seconds)
    last: dt.datetime | None = None
    while True:
        now = dt.datetime.fromtimestamp(clock(), dt.UTC)
        # never the same time twice, even if a sleep ended a hair early
        at = when.next_after(now if last is None else max(now, last))
        await sleep((at - now).total_seconds())
        last = at
        await job.run()
