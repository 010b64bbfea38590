"""The command menu Telegram shows next to the input field, in English and in each catalog's
language (``set_my_commands`` with ``language_code``), generated from the engine's command table."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeDefault
from telegram.error import TelegramError

from bot.adapters.telegram.conversation import PLATFORM
from bot.engine.commands import offered_on
from bot.i18n import SOURCE_LANGUAGE

if TYPE_CHECKING:
    from telegram import Bot

    from bot.engine import Command, Engine
    from bot.i18n import Lang

log = logging.getLogger(__name__)


def command_menu(
    t: Lang, commands: tuple[Command, ...], *, groups: bool = False
) -> list[BotCommand]:
    """The commands the table offers on Telegram (in groups: those marked for groups), each with
    its summary in `t`'s language."""
    return [
        BotCommand(c.name, t.gettext(c.summary))
        for c in offered_on(commands, PLATFORM)
        if c.groups or not groups
    ]


async def publish_command_menus(bot: Bot, engine: Engine) -> None:
    """The source language's menu as the default, then one per other language; groups get a
    shorter one.

    A failure is logged, not raised: the bot works without menus.
    """
    for code in engine.catalogs.languages:
        t = engine.catalogs.get(code)
        language = None if code == SOURCE_LANGUAGE else code
        try:
            await bot.set_my_commands(
                command_menu(t, engine.commands),
                scope=BotCommandScopeDefault(),
                language_code=language,
            )
            await bot.set_my_commands(
                command_menu(t, engine.commands, groups=True),
                scope=BotCommandScopeAllGroupChats(),
                language_code=language,
            )
        except TelegramError as exc:
            log.warning("could not set the %s command menu: %s", code, type(exc).__name__)
