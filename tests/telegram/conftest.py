"""Fixtures for the Telegram tests: a fake Bot API, and the bot running against it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from tg_fake_api import FakeBotAPI
from tg_harness import RunningBot, running


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    fake = FakeBotAPI()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


@pytest.fixture
async def bot(api: FakeBotAPI) -> AsyncIterator[RunningBot]:
    async with running(api) as running_bot:
        yield running_bot
