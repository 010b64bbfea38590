"""At start: publish the command menus and say what the bot can see in groups."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.adapters.telegram.context import ENGINE_KEY
from bot.adapters.telegram.menus import publish_command_menus

if TYPE_CHECKING:
    from telegram.ext import Application

log = logging.getLogger(__name__)


async def on_startup(application: Application) -> None:
    """The Application's ``post_init``: runs once the bot knows who it is (getMe)."""
    log_visibility(application)
    await publish_command_menus(application.bot, application.bot_data[ENGINE_KEY])


def log_visibility(application: Application) -> None:
    me = application.bot.bot
    log.info("Telegram: running as @%s", me.username)
    if me.can_read_all_group_messages:
        log.warning(
            "privacy mode is OFF: Telegram sends this bot every group message. It still answers "
            "only commands, @mentions and replies; turn privacy on with BotFather /setprivacy."
        )
    else:
        log.info(
            "privacy mode is on: in groups the bot sees only commands, @mentions and replies "
            "to its messages"
        )
    if not me.supports_inline_queries:
        log.warning("inline mode is off: enable it with BotFather /setinline for @%s", me.username)
    if not me.can_join_groups:
        log.info("this bot cannot be added to groups (BotFather /setjoingroups)")
