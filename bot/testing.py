"""Test tools that read like a user, shipped in the package so knowledge editors can use them too::

    client = await Client.create(lang="fr")
    await client.send("/aps")
    await client.click("Indien")
    assert "APS" in client.text

The client talks to a real `Engine` (memory store, the real knowledge and catalogs unless given) and
keeps the last reply's choices, so `click` finds a button by its visible label, as a person would.

A walkthrough scenario names its answers by node and option id (flow.yaml), never by label::

    await client.walk({"nationality": "india", "finished": "done", "diploma": "master",
                       "titre_status": "valid", "titre_expiry": "15/03/2027"})

`Step` reads which node a front end shows from its buttons' tokens, so the same scenario drives
Telegram, Discord or the web: a question the scenario does not name gets its first option and an
input it does not name is skipped, so adding a question to flow.yaml breaks only the scenarios
whose outcome it changes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.engine import ConversationKey, Engine, Event, Reply
from bot.engine.tokens import WalkButton
from bot.i18n import Catalogs
from bot.knowledge import DEFAULT_KNOWLEDGE_DIR, Knowledge, load_knowledge
from bot.knowledge.model import Node, NodeKind
from bot.markup import plain_text
from bot.storage import MemoryStore
from bot.storage.base import Store

DEFAULT_NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC).timestamp()
SKIP = "skip"  # a scenario's answer to a date question it skips
MAX_STEPS = 40  # a scenario longer than this is going round in circles
_NAVIGATION = {
    WalkButton.SKIP: SKIP,
    WalkButton.BACK: "back",
    WalkButton.RESTART: "restart",
    WalkButton.CANCEL: "cancel",
}


@dataclass(frozen=True)
class Step:
    """A walkthrough step as a front end shows it: the node, and the token of each of its buttons
    by option id (`SKIP`, ``back``, ``restart`` and ``cancel`` for the others).

    Attributes:
        node: the node shown (an outcome ends the scenario).
        tokens: option id → the token its button sends back.
    """

    node: Node
    tokens: Mapping[str, str]

    def choose(self, answers: Mapping[str, str]) -> str:
        """The scenario's answer here: an option id, `SKIP`, or a date to type. A question it does
        not name gets its first option, an input it does not name is skipped."""
        if self.node.id in answers:
            return answers[self.node.id]
        if self.node.options:
            return self.node.options[0].id
        return SKIP

    def token(self, answer: str) -> str | None:
        """The token to send for `answer` (an option id or `SKIP`); None for a typed answer.

        Raises:
            LookupError: the node has no option `answer`.
        """
        if answer in self.tokens:
            return self.tokens[answer]
        if self.node.kind is NodeKind.INPUT:
            return None
        raise LookupError(f"node {self.node.id} has no option {answer!r}: {sorted(self.tokens)}")


async def step_of(engine: Engine, tokens: Iterable[str]) -> Step | None:
    """The walkthrough step whose buttons send `tokens` (a Telegram keyboard's callback_data, a
    Discord message's custom_ids without their ``c:``, the web chat's buttons), read with the
    engine's own key; None when none of them is a walkthrough button."""
    codec = await engine.codec()
    flow = engine.knowledge.flow
    node: Node | None = None
    by_id: dict[str, str] = {}
    for token in tokens:
        signed = codec.unpack(token)
        if signed is None or not isinstance(signed.payload, WalkButton):
            continue
        node = flow.by_index(signed.payload.node)
        if node is None:
            continue
        option = signed.payload.option
        if option.isdigit() and int(option) < len(node.options):
            by_id[node.options[int(option)].id] = token
        elif option in _NAVIGATION:
            by_id[_NAVIGATION[option]] = token
    return Step(node, by_id) if node is not None else None


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

    async def step(self) -> Step | None:
        """The walkthrough step the last reply shows, or None."""
        return await step_of(self.engine, (c.token for c in self.reply.choices))

    async def answer(self, node: str, answer: str) -> Reply:
        """Answer walkthrough question `node` with option `answer`, or date question `node` with
        a typed date (or `SKIP`), by ids.

        Raises:
            LookupError: the walkthrough does not show `node` now.
        """
        step = await self.step()
        if step is None or step.node.id != node:
            shown = step.node.id if step else None
            raise LookupError(f"the walkthrough shows {shown!r}, not {node!r}")
        token = step.token(answer)
        return await self.press(token) if token is not None else await self.send(answer)

    async def walk(
        self, answers: Mapping[str, str], *, start: bool = True, until: str = ""
    ) -> Reply:
        """Send /aps (unless `start` is false), then answer every step as `answers` says (node id
        → option id, date or `SKIP`; see `Step.choose`) until an outcome, or until node `until`
        is shown, and return that reply.

        Raises:
            LookupError: an answer names an option its node does not have, or the walkthrough
                stops showing steps (an error it did not expect) or goes round in circles.
        """
        if start:
            await self.send("/aps")
        for _ in range(MAX_STEPS):
            step = await self.step()
            if step is None:
                raise LookupError(f"no walkthrough step shown: {self.text[:200]!r}")
            if step.node.kind is NodeKind.OUTCOME or step.node.id == until:
                return self.reply
            await self.answer(step.node.id, step.choose(answers))
        raise LookupError(f"no outcome after {MAX_STEPS} steps")

    async def press(self, token: str) -> Reply:
        """Send a raw choice token (a stale or forged one, in tests)."""
        return await self._do(
            Event.choice_of(self.key, token, locale=self.locale, private=self.private)
        )


@contextlib.contextmanager
def web_child(heartbeat: Path, **env: str) -> Iterator[str]:
    """``aps-bot web`` in a child process, as a user starts it: on 127.0.0.1 and a free port, with
    a database in memory and `env` added to the environment. Yields its URL; stopped on exit."""
    environ = {**os.environ, "APS_BOT_HEARTBEAT": str(heartbeat), **env}
    with subprocess.Popen(
        [sys.executable, "-m", "bot", "web", "--port", "0", "--database", "memory"],
        cwd=Path(__file__).resolve().parent.parent,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as proc:
        try:
            line = proc.stdout.readline()
            match = re.search(r"http://127\.0\.0\.1:\d+/", line)
            if not match:
                raise RuntimeError(f"aps-bot web did not start: {line!r}")
            yield match[0]
        finally:
            proc.terminate()
            proc.communicate(timeout=15)
