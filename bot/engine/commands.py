"""The command table's rows: what a command is, where it is offered, what it takes.

Each feature declares its commands on its router (`bot.engine.router`); the engine collects them
into one table (`Engine.commands`). Everything that lists commands reads that table: Telegram's
menus, Discord's slash commands and /help. Adding a command is adding one decorated handler in a
feature module, and its strings to the catalogs.

Strings here are marked, not translated: `N_` and `pgettext` return their text unchanged, and
Babel extracts them (both are among its default keywords). They are translated when shown.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

PLATFORMS = ("telegram", "discord", "console", "web")  # the front ends that list commands
NAME_CONTEXT = "command name"  # the catalog context of a command's name (Discord localises it)
OPTION_CONTEXT = "option name"  # and of its argument's name


def N_(message: str) -> str:  # noqa: N802: Babel's default keyword for a marked string
    """Mark `message` for the catalogs; it is translated where it is shown."""
    return message


def pgettext(context: str, message: str) -> str:
    """Mark `message` in `context` for the catalogs (a command or option name)."""
    return message


class ArgKind(enum.Enum):
    """What a command's argument is, so each platform can offer the right input."""

    TEXT = "text"  # free text (a date…)
    QUESTION = "question"  # an FAQ question: platforms may suggest entries as the user types
    LANGUAGE = "language"  # one of the catalogs' languages


@dataclass(frozen=True)
class Arg:
    """A command's one optional argument.

    Attributes:
        name: its English name (a platform may show it translated, context ``option name``).
        summary: what to type, for platforms that describe arguments (a catalog msgid).
        kind: what it is.
    """

    name: str
    summary: str
    kind: ArgKind = ArgKind.TEXT


@dataclass(frozen=True)
class Command:
    """One row of the command table.

    Attributes:
        name: the English name, lower case, without slash (translated by platforms that localise
            names, context ``command name``).
        handler: ``async (turn, conversation, args) -> Reply``.
        summary: one line for menus, slash commands and /help (a catalog msgid); empty for a
            command offered nowhere.
        offered: listed in menus and /help at all (``/start``, ``/back`` are not: they are
            sent by the platform or by buttons).
        platforms: the front ends where it works (every one of `PLATFORMS` unless said): one
            where it does not lists it nowhere, and answers it with `elsewhere`.
        elsewhere: what a front end that does not support it answers (a catalog msgid; empty:
            a general "not available here").
        hidden_on: platforms where it works but is not listed (it still works when typed).
        groups: also listed in group chats' menus.
        admin: only for admins (``APS_BOT_ADMINS``); never listed.
        arg: the argument it takes, if any.
    """

    name: str
    handler: Callable[..., Awaitable[Any]]
    summary: str = ""
    offered: bool = True
    platforms: frozenset[str] = frozenset(PLATFORMS)
    elsewhere: str = ""
    hidden_on: frozenset[str] = field(default_factory=frozenset)
    groups: bool = False
    admin: bool = False
    arg: Arg | None = None

    def works_on(self, platform: str) -> bool:
        """Whether the command works on `platform`. What renders replies outside the front ends
        (the static site's pages, ``aps-bot ask``) is not a platform of the table: it may run any."""
        return platform in self.platforms or platform not in PLATFORMS

    def offered_on(self, platform: str) -> bool:
        """Whether menus, buttons and /help on `platform` list this command."""
        return (
            self.offered
            and not self.admin
            and platform not in self.hidden_on
            and self.works_on(platform)
        )


@dataclass(frozen=True)
class Hint:
    """A line /help adds after the commands (how to ask without a command, say)."""

    text: str  # a catalog msgid
    only_on: frozenset[str] = frozenset()  # empty: every platform
    hidden_on: frozenset[str] = frozenset()

    def shown_on(self, platform: str) -> bool:
        if self.only_on and platform not in self.only_on:
            return False
        return platform not in self.hidden_on


def offered_on(commands: tuple[Command, ...], platform: str) -> list[Command]:
    """The commands menus and /help list on `platform`, in table order."""
    return [c for c in commands if c.offered_on(platform)]
