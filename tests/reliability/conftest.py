"""Reliability and privacy tests: they reuse the Telegram and Discord fakes and harnesses."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import discord.gateway
import discord.http
import pytest

_TESTS = Path(__file__).resolve().parent.parent
for _folder in ("telegram", "discord"):
    if str(_TESTS / _folder) not in sys.path:
        sys.path.insert(0, str(_TESTS / _folder))

from tg_fake_api import FakeBotAPI  # noqa: E402


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    fake = FakeBotAPI()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


@pytest.fixture
def discord_endpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    """`apply_endpoints` changes discord.py's class attributes: put them back afterwards."""
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket,
        "DEFAULT_GATEWAY",
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY,
    )
