"""The console front end: try the bot in a terminal, or script it through stdin.

In a terminal, choices are numbered and bold shows as bold (a terminal cannot take a message back:
a reply that replaces the clicked one is printed below it, and the old numbers stop working); when
stdin is not a terminal, lines are read one by one with no prompt, so a session can be scripted::

    printf '/lang fr\n/aps\n2\n' | aps-bot console

Reminders (/remind) are checked before each prompt: a due one is printed first, then marked sent.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from typing import TextIO

from bot.engine import ConversationKey, Engine, Event, Reply, ReplyMode
from bot.engine.reminder_pump import NotNow, send_due_reminders
from bot.engine.reminders import ReminderDelivery
from bot.render.plain import render_reply

QUIT = {"/quit", "/exit", "quit", "exit"}


class Console:
    """One console user talking to the engine.

    Args:
        engine: the engine.
        stdin, stdout: where lines come from and replies go.
        interactive: prompts and ANSI bold (defaults to whether stdin is a terminal).
        locale: the "platform locale" of this user (from the environment, like a phone's setting).
    """

    def __init__(
        self,
        engine: Engine,
        stdin: TextIO = sys.stdin,
        stdout: TextIO = sys.stdout,
        *,
        interactive: bool | None = None,
        locale: str | None = None,
        user: str = "local",
    ) -> None:
        self.engine = engine
        self.stdin = stdin
        self.stdout = stdout
        self.interactive = stdin.isatty() if interactive is None else interactive
        self.key = ConversationKey("console", "console", user)
        self.locale = locale
        self.choices: list = []

    def event_for(self, line: str) -> Event | None:
        """The event a console line stands for (None for a blank line)."""
        line = line.strip()
        if not line:
            return None
        if line.isdigit() and self.choices:
            n = int(line)
            if 1 <= n <= len(self.choices):
                return Event.choice_of(self.key, self.choices[n - 1].token, locale=self.locale)
        if line.startswith("/") and len(line) > 1:
            name, _, args = line[1:].partition(" ")
            return Event.command_of(self.key, name, args, locale=self.locale)
        return Event.text_of(self.key, line, locale=self.locale)

    def show(self, reply: Reply) -> None:
        width = min(shutil.get_terminal_size((100, 20)).columns, 100) if self.interactive else 0
        text = render_reply(reply, ansi=self.interactive, width=width)
        self.stdout.write(text + "\n\n")
        self.stdout.flush()
        # numbers pick the last buttons still on screen: a reply that replaces a message takes its
        # buttons away (a cancelled walkthrough's), one posted anew leaves them if it has none
        if reply.choices or reply.mode is ReplyMode.REPLACE:
            self.choices = reply.choices

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        await self.handle(Event.command_of(self.key, "start", locale=self.locale))
        await self.deliver_reminders()
        while True:
            if self.interactive:
                self.stdout.write("> ")
                self.stdout.flush()
            line = await loop.run_in_executor(None, self.stdin.readline)
            if not line or line.strip().lower() in QUIT:
                break
            await self.deliver_reminders()
            event = self.event_for(line)
            if event is not None:
                await self.handle(event)

    async def handle(self, event: Event) -> None:
        self.show(await self.engine.handle(event))

    async def deliver_reminders(self) -> int:
        """Print this user's due reminders, each marked sent once shown; how many were shown.

        Another console user's reminders (same database, another ``user``) are left for them:
        only their lease is taken, and they come back when it ends.
        """

        async def show(delivery: ReminderDelivery) -> None:
            if delivery.key.user != self.key.user:
                raise NotNow
            self.show(delivery.reply)

        return await send_due_reminders(self.engine, self.key.platform, show)
