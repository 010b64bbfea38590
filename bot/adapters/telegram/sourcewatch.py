"""The weekly source check, sent privately to Telegram admins (``APS_BOT_SOURCES_WATCH=weekly``).

The job is `bot.sourcewatch.notify.weekly_job` (every Monday at 08:00 UTC); here, only how one
admin is messaged: through the bot (so the rate limiter applies), in their private chat. An admin
who never opened a private chat with the bot cannot be messaged: that is logged, with the user id
only.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram.error import TelegramError

from bot.adapters.telegram.conversation import PLATFORM
from bot.adapters.telegram.delivery import deliver
from bot.config import ConfigError
from bot.engine.reply import Reply
from bot.sourcewatch import notify
from bot.sourcewatch.check import WatchError

if TYPE_CHECKING:
    from telegram import Bot

    from bot.config import Config
    from bot.engine import Engine
    from bot.jobs import Job
    from bot.markup import Message

log = logging.getLogger(__name__)

JOB_NAME = f"{PLATFORM}-sources-watch"


def sources_job(config: Config, engine: Engine, bot: Bot) -> Job | None:
    """The weekly job when the setting asks for it, else None.

    Raises:
        ConfigError: the watch is on but ``APS_BOT_SERVICE_PUBLIC_URL`` is unusable.
    """
    if config.sources_watch != notify.WEEKLY:
        return None
    try:
        notify.check_setting()
    except WatchError as exc:
        raise ConfigError(str(exc)) from None
    if not notify.admin_ids(config.admins, PLATFORM):
        log.warning("APS_BOT_SOURCES_WATCH=weekly, but no Telegram admin in APS_BOT_ADMINS")

    async def send(uid: str, message: Message) -> None:
        await deliver(bot, Reply(messages=[message]), chat_id=int(uid))

    # blocked, or never started a chat with the bot
    return notify.weekly_job(engine, PLATFORM, send, errors=(TelegramError,))
