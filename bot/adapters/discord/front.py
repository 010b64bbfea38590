"""What the Discord modules need of the client, typed here so none of them imports client.py.

`ApsClient` (client.py) is built from the other modules; they, in turn, reach the engine and the
answering machinery through ``interaction.client``, typed as `Front`. So imports point one way:
client → commands, reminders → respond → buttons → front, keys.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Protocol

import discord

from bot.adapters.discord.keys import PLATFORM
from bot.engine import insight

if TYPE_CHECKING:
    from bot.engine import Engine, Event
    from bot.health import Vitals


log = logging.getLogger(__name__)

UNKNOWN_INTERACTION = 10062  # the 3 s (or 15 min) window has passed
UNKNOWN_WEBHOOK = 10015  # the interaction token is no longer valid


class Front(Protocol):
    """The Discord client as the other modules see it."""

    engine: Engine
    vitals: Vitals
    defer_after: float

    async def answer(
        self,
        interaction: discord.Interaction[Any],
        event: Event,
        *,
        ephemeral: bool = True,
    ) -> None:
        """Hand `event` to the engine and answer `interaction` with the reply (its `ReplyMode`
        says whether it replaces the clicked message)."""

    async def fetch_user(self, user_id: int, /) -> discord.User: ...


def front(interaction: discord.Interaction[Any]) -> Front:
    """The client that received `interaction`."""
    return interaction.client  # type: ignore[return-value]


async def delivery_failed(
    interaction: discord.Interaction[Any], exc: discord.HTTPException
) -> None:
    """Count a failed answer (`Vitals` for ``aps-bot health``, the store for /stats) and log it
    by interaction id and error code only: never the contents."""
    client = front(interaction)
    client.vitals.failed_delivery(PLATFORM)
    await client.engine.store.bump(insight.DELIVERY_FAILED + PLATFORM)
    if exc.code in (UNKNOWN_INTERACTION, UNKNOWN_WEBHOOK):
        log.warning(
            "discord: interaction %s expired before it was answered (code %s)",
            interaction.id,
            exc.code,
        )
    else:
        log.warning(
            "discord: answering interaction %s failed: HTTP %s, code %s",
            interaction.id,
            exc.status,
            exc.code,
        )
