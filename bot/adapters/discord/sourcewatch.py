"""The weekly source check, sent as direct messages to Discord admins
(``APS_BOT_SOURCES_WATCH=weekly``).

A `discord.ext.tasks` loop wakes daily at 08:00 UTC and, on Mondays, runs
`bot.sourcewatch.notify`'s check, then DMs each Discord admin in `APS_BOT_ADMINS` the list of
changed sources (no mentions). An admin whose DMs are closed is logged by id and skipped.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any, Protocol

import discord
from discord.ext import tasks

from bot.adapters.discord.keys import PLATFORM
from bot.render import discord_md
from bot.sourcewatch import notify
from bot.sourcewatch.judge import Status

if TYPE_CHECKING:
    from bot.config import Config
    from bot.engine import Engine


class ApsClient(Protocol):
    """What the weekly report needs of the client (client.py starts it: no import back)."""

    config: Config
    engine: Engine

    async def fetch_user(self, user_id: int, /) -> discord.User: ...


log = logging.getLogger(__name__)


def start_sources_loop(client: ApsClient) -> tasks.Loop[Any] | None:
    """Start the loop when the setting asks for it (call once the client is ready)."""
    if client.config.sources_watch != notify.WEEKLY:
        return None
    if not notify.admin_ids(client.engine.admins, PLATFORM):
        log.warning("APS_BOT_SOURCES_WATCH=weekly, but no Discord admin in APS_BOT_ADMINS")

    @tasks.loop(time=dt.time(notify.HOUR, tzinfo=dt.UTC))
    async def sources_loop() -> None:
        if dt.datetime.now(dt.UTC).weekday() != notify.WEEKDAY:
            return
        try:
            await send_sources_report(client)
        except Exception:  # one bad week must not end the loop
            log.exception("discord: the weekly source check failed")

    sources_loop.start()
    return sources_loop


async def send_sources_report(client: ApsClient) -> int:
    """Check the sources; DM each Discord admin if any changed. How many were messaged."""
    engine = client.engine
    if not notify.admin_ids(engine.admins, PLATFORM):
        return 0
    report = await notify.run_weekly_check(engine)
    if report is None:
        return 0
    sent = 0
    for uid, message in await notify.admin_messages(engine, PLATFORM, report):
        try:
            user = await client.fetch_user(int(uid))
            for content in discord_md.render_messages([message]):
                await user.send(content, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as exc:  # DMs closed, unknown user…
            log.warning("sources watch: admin %s not messaged (HTTP %s)", uid, exc.status)
            continue
        sent += 1
    changed = report.count(Status.CHANGED)
    log.info("discord: sources watch: %d source(s) changed; %d admin(s) messaged", changed, sent)
    return sent
