"""Run every platform whose token is configured, in one process, sharing one engine."""

from __future__ import annotations

import asyncio
import logging

from bot.config import Config
from bot.engine import Engine
from bot.engine.upkeep import upkeep_jobs
from bot.jobs import run_jobs

log = logging.getLogger(__name__)


async def run_platforms(config: Config, engine: Engine) -> None:
    """Start Telegram and/or Discord (whichever has a token) and run until cancelled.

    Alongside them (`bot.engine.upkeep`): a heartbeat for container health checks, and the daily
    purge of data untouched for the retention period; once, every language's search index. Each platform schedules its own jobs
    (reminders, the weekly source check) on its runtime.
    """
    tasks = [asyncio.create_task(run_jobs(upkeep_jobs(engine)), name="upkeep")]
    # each language's search index is built when first read; a server builds them all now, off
    # the event loop, so the first French or Chinese question waits for nothing
    index = engine.knowledge.faq.index
    tasks.append(asyncio.create_task(asyncio.to_thread(index.warm), name="warm"))
    if config.telegram_token:
        from bot.adapters.telegram import run_telegram

        tasks.append(asyncio.create_task(run_telegram(config, engine), name="telegram"))
    if config.discord_token:
        from bot.adapters.discord import run_discord

        tasks.append(asyncio.create_task(run_discord(config, engine), name="discord"))
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for task in done:
            task.result()  # re-raise the first failure
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
