"""The weekly source check, sent privately to Telegram admins (``APS_BOT_SOURCES_WATCH=weekly``).

A JobQueue job runs `bot.sourcewatch.notify`'s check every Monday at 08:00 UTC and sends each
Telegram admin in `APS_BOT_ADMINS` the list of changed sources, through the bot (so the rate
limiter applies). An admin who never opened a private chat with the bot cannot be messaged:
that is logged, with the user id only.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from telegram.error import TelegramError

from bot.adapters.telegram.context import engine_of
from bot.adapters.telegram.conversation import PLATFORM
from bot.adapters.telegram.delivery import deliver
from bot.config import ConfigError
from bot.engine.reply import Reply
from bot.sourcewatch import notify
from bot.sourcewatch.check import WatchError
from bot.sourcewatch.judge import Status

if TYPE_CHECKING:
    from telegram.ext import Application, CallbackContext

    from bot.config import Config

log = logging.getLogger(__name__)

JOB_NAME = "aps-sources-watch"
_PTB_MONDAY = 1  # python-telegram-bot counts days from Sunday = 0


def schedule_sources_watch(application: Application, config: Config) -> None:
    """Register the weekly job when the setting asks for it.

    Raises:
        ConfigError: the watch is on but ``APS_BOT_SERVICE_PUBLIC_URL`` is unusable.
    """
    if config.sources_watch != notify.WEEKLY:
        return
    try:
        notify.check_setting()
    except WatchError as exc:
        raise ConfigError(str(exc)) from None
    if application.job_queue is None:  # the job-queue extra is missing
        log.warning("Telegram: no JobQueue: no weekly source check")
        return
    if not notify.admin_ids(config.admins, PLATFORM):
        log.warning("APS_BOT_SOURCES_WATCH=weekly, but no Telegram admin in APS_BOT_ADMINS")
    application.job_queue.run_daily(
        send_sources_report,
        time=dt.time(notify.HOUR, tzinfo=dt.UTC),
        days=(_PTB_MONDAY,),
        name=JOB_NAME,
    )


async def send_sources_report(context: CallbackContext) -> int:
    """The job: check the sources; message each Telegram admin if any changed. How many were
    messaged."""
    engine = engine_of(context)
    if not notify.admin_ids(engine.admins, PLATFORM):
        return 0
    report = await notify.run_weekly_check(engine)
    if report is None:
        return 0
    sent = 0
    for uid, message in await notify.admin_messages(engine, PLATFORM, report):
        try:
            await deliver(context.bot, Reply(messages=[message]), chat_id=int(uid))
        except TelegramError as exc:  # blocked, or never started a chat with the bot
            log.warning("sources watch: admin %s not messaged (%s)", uid, type(exc).__name__)
            continue
        sent += 1
    changed = report.count(Status.CHANGED)
    log.info("sources watch: %d source(s) changed; %d admin(s) messaged", changed, sent)
    return sent
