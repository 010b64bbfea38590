"""The bot process of part 4: `aps-bot`'s Telegram runner against the fake Bot API.

``python -m bench.e2e_bot`` with TELEGRAM_BOT_TOKEN, TELEGRAM_API_BASE_URL and APS_BOT_DATABASE set;
runs until SIGTERM. Rate limiter and flood control off (scripted users type faster than people).
With APS_BENCH_PROFILE=path, writes a cProfile of the whole run there at exit.
"""

from __future__ import annotations

import asyncio
import contextlib
import cProfile
import os
import signal

from telegram.ext import AIORateLimiter

from bot.adapters.telegram import run_telegram
from bot.app import build_engine
from bot.config import Config


async def main() -> None:
    if os.environ.get("APS_BENCH_POOL"):  # experiments: the adapter's HTTP connection pool size
        from bot.adapters.telegram import application

        application.CONNECTION_POOL = int(os.environ["APS_BENCH_POOL"])
    config = Config.from_env()
    engine = build_engine(config, flood_control=False)
    task = asyncio.create_task(
        run_telegram(
            config, engine, rate_limiter=AIORateLimiter(overall_max_rate=0, group_max_rate=0)
        )
    )
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    try:
        with contextlib.suppress(asyncio.CancelledError):
            await task
    finally:
        await engine.store.close()


if __name__ == "__main__":
    profile_to = os.environ.get("APS_BENCH_PROFILE")
    profiler = cProfile.Profile() if profile_to else None
    if profiler:
        profiler.enable()
    try:
        asyncio.run(main())
    finally:
        if profiler:
            profiler.disable()
            profiler.dump_stats(profile_to)
