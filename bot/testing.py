"""Test tools that read like a user, shipped in the package so knowledge editors can use them too::

    client = await Client.create(lang="fr")
    await client.send("/aps")
    await client.click("Indien")
    assert "APS" in client.text

The client talks to a real `Engine` (memory store, the real knowledge and catalogs unless given) and
keeps the last reply's choices, so `click` finds a button by its visible label, as a person would.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.engine import ConversationKey, Engine, Event, Reply
from bot.i18n import Catalogs
from bot.knowledge import DEFAULT_KNOWLEDGE_DIR, Knowledge, load_knowledge
from bot.markup import plain_text
from bot.storage import MemoryStore
from bot.storage.base import Store

DEFAULT_NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC).timestamp()


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, now: float = DEFAULT_NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Client:
    """One user talking to an engine.

    Attributes:
        reply: the last reply.
        text: the last reply's messages as plain text.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        user: str = "alice",
        scope: str | None = None,
        platform: str = "test",
        lang: str | None = None,
        private: bool = True,
    ) -> None:
        self.engine = engine
        self.key = ConversationKey(platform, scope or f"dm-{user}", user)
        self.locale = lang
        self.private = private
        self.reply: Reply = Reply()
        self.history: list[Reply] = []
        # seconds a person takes between two actions (the fake clock moves by this much)
        self.pace = 2.0

    @classmethod
    async def create(
        cls,
        *,
        knowledge: Knowledge | None = None,
        store: Store | None = None,
        clock: FakeClock | None = None,
        knowledge_dir: Path = DEFAULT_KNOWLEDGE_DIR,
        **kwargs,
    ) -> Client:
        """A client on a fresh engine (memory store, fixed clock) unless parts are given."""
        clock = clock or FakeClock()
        catalogs = Catalogs()
        knowledge = knowledge or load_knowledge(
            knowledge_dir,
            today=dt.datetime.fromtimestamp(clock(), dt.UTC).date(),
            catalogs=catalogs,
        )
        engine = Engine(knowledge, store or MemoryStore(), catalogs, clock=clock)
        return cls(engine, **kwargs)

    def other(self, user: str, **kwargs) -> Client:
        """Another user on the same engine (same scope unless given)."""
        kwargs.setdefault("scope", self.key.scope)
        kwargs.setdefault("private", self.private)
        kwargs.setdefault("platform", self.key.platform)
        return Client(self.engine, user=user, **kwargs)

    @property
    def text(self) -> str:
        parts = [plain_text(m) for m in self.reply.messages]
        if self.reply.alert:
            parts.append(self.reply.alert)
        return "\n\n".join(parts)

    @property
    def labels(self) -> list[str]:
        return [c.label for c in self.reply.choices]

    async def _do(self, event: Event) -> Reply:
        if isinstance(self.engine.clock, FakeClock):
            self.engine.clock.advance(self.pace)
        self.reply = await self.engine.handle(event)
        self.history.append(self.reply)
        return self.reply

    async def send(self, text: str) -> Reply:
        """Type a line: ``/command args`` or free text."""
        if text.startswith("/") and len(text) > 1:
            name, _, args = text[1:].partition(" ")
            event = Event.command_of(self.key, name, args, locale=self.locale, private=self.private)
        else:
            event = Event.text_of(self.key, text, locale=self.locale, private=self.private)
        return await self._do(event)

    async def click(self, label: str) -> Reply:
        """Click the button whose label is `label` (exact, else the only one that contains it).

        Raises:
            LookupError: no button, or several, match.
        """
        exact = [c for c in self.reply.choices if c.label == label]
        found = exact or [c for c in self.reply.choices if label.lower() in c.label.lower()]
        if len(found) != 1:
            raise LookupError(f"{len(found)} buttons match {label!r}; buttons are {self.labels}")
        return await self.press(found[0].token)

    async def press(self, token: str) -> Reply:
        """Send a raw choice token (a stale or forged one, in tests)."""
        return await self._do(
            Event.choice_of(self.key, token, locale=self.locale, private=self.private)
        )
