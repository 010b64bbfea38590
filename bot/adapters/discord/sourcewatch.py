"""The weekly source check, sent as direct messages to Discord admins
(``APS_BOT_SOURCES_WATCH=weekly``).

The job is `bot.sourcewatch.notify.weekly_job` (every Monday at 08:00 UTC); here, only how one
admin is messaged: a direct message, no mentions. An admin whose DMs are closed is logged by id
and skipped.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Protocol

import discord

from bot.adapters.discord.keys import PLATFORM
from bot.render import discord_md
from bot.sourcewatch import notify

if TYPE_CHECKING:
    from bot.config import Config
    from bot.engine import Engine
    from bot.jobs import Job
    from bot.markup import Message


class ApsClient(Protocol):
    """What the weekly report needs of the client (client.py starts it: no import back)."""

    config: Config
    engine: Engine

    async def fetch_user(self, user_id: int, /) -> discord.User: ...


log = logging.getLogger(__name__)


def sources_job(client: ApsClient) -> Job | None:
    """The weekly job when the setting asks for it, else None."""
    if client.config.sources_watch != notify.WEEKLY:
        return None
    if not notify.admin_ids(client.engine.admins, PLATFORM):
        log.warning("APS_BOT_SOURCES_WATCH=weekly, but no Discord admin in APS_BOT_ADMINS")
    return notify.weekly_job(
        client.engine, PLATFORM, lambda uid, message: _send(client, uid, message), errors=ERRORS
    )


ERRORS = (discord.HTTPException,)  # DMs closed, unknown user…


async def send_sources_report(client: ApsClient) -> int:
    """One round of the job, now: check the sources; DM each Discord admin if any changed. How
    many were messaged."""
    return await notify.send_weekly_report(
        client.engine, PLATFORM, lambda uid, message: _send(client, uid, message), errors=ERRORS
    )


async def _send(client: ApsClient, uid: str, message: Message) -> None:
    user = await client.fetch_user(int(uid))
    for content in discord_md.render_messages([message]):
        await user.send(content, allowed_mentions=discord.AllowedMentions.none())
