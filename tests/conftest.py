"""Shared fixtures: a real engine on the real knowledge, with a memory store and a fixed clock."""

from __future__ import annotations

import pytest

from bot.testing import Client, FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def client(clock: FakeClock) -> Client:
    """An English-speaking user in a private chat."""
    return await Client.create(clock=clock, lang="en")


@pytest.fixture
async def client_fr(clock: FakeClock) -> Client:
    """A French-speaking user in a private chat."""
    return await Client.create(clock=clock, lang="fr")
