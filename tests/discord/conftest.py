"""Fixtures for the Discord adapter: a real engine (memory store, fixed clock) and a client on it."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from dc_harness import Harness

from bot.adapters.discord import build_client
from bot.config import Config
from bot.engine import Engine
from bot.i18n import Catalogs
from bot.knowledge import DEFAULT_KNOWLEDGE_DIR, Knowledge, load_knowledge
from bot.storage import MemoryStore
from bot.testing import DEFAULT_NOW, FakeClock


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    """Loaded once: knowledge is immutable."""
    kdir = Path(os.environ.get("APS_BOT_KNOWLEDGE") or DEFAULT_KNOWLEDGE_DIR)
    return load_knowledge(kdir, today=dt.datetime.fromtimestamp(DEFAULT_NOW, dt.UTC).date())


@pytest.fixture(scope="session")
def catalogs() -> Catalogs:
    return Catalogs()


@pytest.fixture
def engine(knowledge: Knowledge, catalogs: Catalogs, clock: FakeClock) -> Engine:
    return Engine(knowledge, MemoryStore(), catalogs, clock=clock)


@pytest.fixture
async def harness(engine: Engine):
    h = await Harness(build_client(Config(), engine)).start()
    try:
        yield h
    finally:
        await h.close()
