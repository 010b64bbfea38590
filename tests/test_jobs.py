"""Recurring jobs (bot/jobs.py): written once, scheduled by each runtime (asyncio tasks for
``aps-bot run`` and the web app, python-telegram-bot's JobQueue, discord.py's tasks.loop)."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import logging

import pytest
from telegram.ext import ApplicationBuilder

from bot.adapters.discord import jobs as discord_jobs
from bot.adapters.telegram.jobs import schedule
from bot.engine.upkeep import upkeep_jobs
from bot.jobs import Every, Job, Weekly, run_jobs
from bot.testing import Client

MONDAY_8 = Weekly(0, 8)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def test_weekly_is_a_fixed_time_of_the_week() -> None:
    # Friday 27 November 2026 → Monday 30 November at 08:00
    assert MONDAY_8.next_after(utc(2026, 11, 27, 12)) == utc(2026, 11, 30, 8)
    assert MONDAY_8.next_after(utc(2026, 11, 30, 7, 59)) == utc(2026, 11, 30, 8)
    assert MONDAY_8.next_after(utc(2026, 11, 30, 8)) == utc(2026, 12, 7, 8)  # strictly after
    paris = dt.timezone(dt.timedelta(hours=1))
    assert MONDAY_8.next_after(dt.datetime(2026, 11, 30, 8, 30, tzinfo=paris)) == utc(
        2026, 11, 30, 8
    )


class FakeTime:
    """A clock and a sleep that only move each other: the loops run as fast as they can."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start.timestamp()
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


async def run_for(jobs: list[Job], time: FakeTime, rounds: int) -> None:
    task = asyncio.create_task(run_jobs(jobs, clock=time.clock, sleep=time.sleep))
    for _ in range(rounds):
        await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_run_jobs_keeps_each_schedule_and_survives_a_bad_round(caplog) -> None:
    ran: dict[str, list[dt.datetime]] = {"every": [], "weekly": []}

    def job(name: str, when: Every | Weekly, time: FakeTime) -> Job:
        async def work() -> None:
            ran[name].append(dt.datetime.fromtimestamp(time.now, dt.UTC))
            if len(ran[name]) == 2:
                raise RuntimeError("one bad round")

        return Job(name, when, work)

    start = utc(2026, 11, 27, 12)
    with caplog.at_level(logging.ERROR, logger="bot.jobs"):
        time = FakeTime(start)
        await run_for([job("every", Every(60, first=10), time)], time, 20)
        time = FakeTime(start)
        await run_for([job("weekly", MONDAY_8, time)], time, 20)
    every, weekly = ran["every"], ran["weekly"]
    assert len(every) >= 3 and len(weekly) >= 3  # the bad rounds did not end the jobs
    assert every[0] == start + dt.timedelta(seconds=10)
    assert {b - a for a, b in itertools.pairwise(every)} == {dt.timedelta(seconds=60)}
    assert weekly[:3] == [utc(2026, 11, 30, 8), utc(2026, 12, 7, 8), utc(2026, 12, 14, 8)]
    messages = {r.getMessage() for r in caplog.records if r.name == "bot.jobs"}
    assert messages == {
        f"job {name} failed (RuntimeError); it runs again at its next time"
        for name in ("every", "weekly")
    }


async def test_upkeep_beats_and_purges_from_the_start(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("APS_BOT_HEARTBEAT", str(tmp_path / "beat"))
    client = await Client.create()
    purged = []
    engine = client.engine

    async def purge() -> int:
        purged.append(engine.clock())
        return 0

    monkeypatch.setattr(engine, "purge", purge)
    jobs = upkeep_jobs(engine)
    assert [j.name for j in jobs] == ["heartbeat", "purge"]
    assert [j.when for j in jobs] == [Every(30.0), Every(86400.0)]
    await run_for(jobs, FakeTime(utc(2026, 11, 27, 12)), 3)
    assert (tmp_path / "beat").exists() and purged


async def test_telegram_puts_each_job_on_its_job_queue() -> None:
    application = ApplicationBuilder().token("123:abc").build()

    async def work() -> None:
        pass

    assert schedule(application, Job("a", Every(60, first=10), work))
    assert schedule(application, Job("b", MONDAY_8, work))
    (every,) = application.job_queue.get_jobs_by_name("a")  # waiting for application.start()
    assert str(every.job.trigger.interval) == "0:01:00"
    (weekly,) = application.job_queue.get_jobs_by_name("b")
    trigger = str(weekly.job.trigger)
    assert "day_of_week='mon'" in trigger and "hour='8'" in trigger, trigger
    assert str(weekly.job.trigger.timezone) == "UTC"


async def test_discord_runs_each_job_as_a_task_loop() -> None:
    rounds = asyncio.Event()
    count = []

    async def work() -> None:
        count.append(1)
        if len(count) == 2:
            rounds.set()

    every = discord_jobs.start(Job("a", Every(0.01, first=0.01), work))
    weekly = discord_jobs.start(Job("b", MONDAY_8, work))
    try:
        await asyncio.wait_for(rounds.wait(), 5)
        assert weekly.time == [dt.time(8, tzinfo=dt.UTC)]  # daily at 8, acting on Mondays
    finally:
        every.cancel()
        weekly.cancel()
