"""The command menu Telegram shows next to the input field, in English and in each catalog's
language (``set_my_commands`` with ``language_code``)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeDefault
from telegram.error import TelegramError

if TYPE_CHECKING:
    from telegram import Bot

    from bot.engine import Engine
    from bot.i18n import Lang

log = logging.getLogger(__name__)

GROUP_COMMANDS = ("aps", "faq", "help")


def command_menu(t: Lang) -> list[BotCommand]:
    """Every user command with its description in `t`'s language."""
    return [
        BotCommand("aps", t.gettext("Your situation step by step: deadline and checklist")),
        BotCommand("faq", t.gettext("Ask a question, or browse the topics")),
        BotCommand("checklist", t.gettext("Your document checklist, to tick off")),
        BotCommand("remind", t.gettext("Reminders before your deadline: /remind 15/03/2027")),
        BotCommand("reminders", t.gettext("List or cancel your reminders")),
        BotCommand("lang", t.gettext("Choose English or French")),
        BotCommand("help", t.gettext("What I can do")),
        BotCommand("privacy", t.gettext("What I store about you, and why")),
        BotCommand("mydata", t.gettext("Show what I store about you")),
        BotCommand("forget", t.gettext("Delete everything I store about you")),
        BotCommand("cancel", t.gettext("Stop the walkthrough")),
    ]


async def publish_command_menus(bot: Bot, engine: Engine) -> None:
    """English as the default menu, then one per other language; groups get a shorter one.

    A failure is logged, not raised: the bot works without menus.
    """
    for code in engine.catalogs.languages:
        menu = command_menu(engine.catalogs.get(code))
        language = None if code == "en" else code
        try:
            await bot.set_my_commands(menu, scope=BotCommandScopeDefault(), language_code=language)
            await bot.set_my_commands(
                [c for c in menu if c.command in GROUP_COMMANDS],
                scope=BotCommandScopeAllGroupChats(),
                language_code=language,
            )
        except TelegramError as exc:
            log.warning("could not set the %s command menu: %s", code, type(exc).__name__)
