"""The bot exactly as ``aps-bot`` runs it (`run_telegram`), polling a local fake Bot API.

Shared by the Telegram tests; the fixtures in conftest.py use it."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from tg_fake_api import BOT_ID, BOT_USERNAME, Call, FakeBotAPI

from bot.adapters.telegram import run_telegram
from bot.app import build_engine
from bot.config import Config
from bot.engine import Engine
from bot.storage import open_store

TOKEN = "123456789:test-fake-token-local"


@dataclass
class RunningBot:
    api: FakeBotAPI
    engine: Engine
    config: Config
    task: asyncio.Task

    username = BOT_USERNAME
    id = BOT_ID


def make_config(api: FakeBotAPI, **env: str) -> Config:
    return Config.from_env(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": api.base_url,
            "APS_BOT_DATABASE": "memory",
            **env,
        }
    )


@functools.cache
def _loaded() -> Engine:
    """Knowledge and catalogs, loaded once for the session (the slow part of `build_engine`)."""
    return build_engine(Config.from_env({"APS_BOT_DATABASE": "memory"}))


def fresh_engine(config: Config, **options: Any) -> Engine:
    """What `build_engine(config)` gives, with the knowledge and catalogs already loaded.

    Args:
        options: passed to `Engine` (a ``clock``, in tests that control time).
    """
    loaded = _loaded()
    return Engine(
        loaded.knowledge,
        open_store(config.database),
        loaded.catalogs,
        retention_days=config.retention_days,
        admins=config.admins,
        **options,
    )


@contextlib.asynccontextmanager
async def running(
    api: FakeBotAPI,
    *,
    engine: Engine | None = None,
    overrides: dict[str, Any] | None = None,
    **env: str,
) -> AsyncIterator[RunningBot]:
    """Run the bot as `aps-bot` does until the block ends, then cancel it: it must stop cleanly.

    Args:
        engine: the engine to run (default: a fresh one on a memory store).
        overrides: passed to `run_telegram` (e.g. ``request`` with short client timeouts).
    """
    config = make_config(api, **env)
    engine = engine or fresh_engine(config)
    task = asyncio.create_task(
        run_telegram(config, engine, **(overrides or {})), name="telegram-under-test"
    )
    try:
        method = "setWebhook" if env.get("TELEGRAM_WEBHOOK_URL") else "getUpdates"
        await api.wait_for(method, timeout=10)
        yield RunningBot(api, engine, config, task)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)
        await engine.store.close()


def buttons(call: Call) -> list[dict]:
    markup = call.get("reply_markup") or {"inline_keyboard": []}
    return [b for row in markup["inline_keyboard"] for b in row]
