"""Drive the Discord adapter like Discord does, offline. The ONE place that uses discord.py internals.

Private APIs used (pinned by ``discord.py~=2.7.1`` in pyproject.toml):
- ``discord.webhook.async_.async_context`` / ``AsyncWebhookAdapter.request``: where interaction
  responses and follow-ups are sent; swapped for a recorder in-process.
- ``client._connection.parse_interaction_create``: what the gateway calls for INTERACTION_CREATE.

Both tiers share `Transcript`, which turns the bot's requests into the messages a user would see
(created, edited in place, ephemeral or not), and payload builders for raw interactions.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

import discord
from discord.webhook.async_ import AsyncWebhookAdapter, async_context

from bot.adapters.discord import ApsClient

APPLICATION_ID = 900000000000000001
BOT_ID = 900000000000000002
GUILD_ID = 800000000000000001
CHANNEL_ID = 700000000000000001
ALICE = 600000000000000001
BOB = 600000000000000002
EPHEMERAL = 64

_ids = itertools.count(500000000000000001)


def next_id() -> int:
    return next(_ids)


def user(uid: int, name: str | None = None) -> dict[str, Any]:
    return {
        "id": str(uid),
        "username": name or f"user{uid % 1000}",
        "discriminator": "0",
        "avatar": None,
        "global_name": None,
    }


def bot_user() -> dict[str, Any]:
    return {**user(BOT_ID, "aps-bot"), "bot": True}


def message_payload(
    mid: int,
    content: str = "",
    *,
    author: dict[str, Any] | None = None,
    embeds: list[dict[str, Any]] | None = None,
    components: list[dict[str, Any]] | None = None,
    flags: int = 0,
    channel_id: int = CHANNEL_ID,
) -> dict[str, Any]:
    return {
        "id": str(mid),
        "channel_id": str(channel_id),
        "author": author or bot_user(),
        "content": content,
        "timestamp": "2026-11-27T12:00:00+00:00",
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": embeds or [],
        "pinned": False,
        "type": 0,
        "flags": flags,
        "components": components or [],
    }


def interaction_payload(
    itype: int,
    data: dict[str, Any] | None,
    *,
    uid: int = ALICE,
    locale: str = "en-US",
    guild: bool = True,
    message: dict[str, Any] | None = None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": str(next_id()),
        "application_id": str(APPLICATION_ID),
        "type": itype,
        "token": f"itoken-{next_id()}",
        "version": 1,
        "attachment_size_limit": 8 * 1024 * 1024,
        "locale": locale,
        "channel_id": str(CHANNEL_ID),
        "channel": _channel(guild, uid),
        "app_permissions": "0",
        "entitlements": [],
    }
    if data is not None:
        payload["data"] = data
    if guild:
        payload["guild_id"] = str(GUILD_ID)
        payload["guild_locale"] = "en-US"
        payload["member"] = {
            "user": user(uid),
            "roles": [],
            "joined_at": "2026-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "permissions": "0",
        }
    else:
        payload["user"] = user(uid)
    if message is not None:
        payload["message"] = message
    return payload


def _channel(guild: bool, uid: int) -> dict[str, Any]:
    if not guild:
        return {
            "id": str(CHANNEL_ID),
            "type": 1,
            "recipients": [user(uid)],
            "last_message_id": None,
        }
    return {
        "id": str(CHANNEL_ID),
        "type": 0,
        "name": "general",
        "guild_id": str(GUILD_ID),
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "rate_limit_per_user": 0,
        "topic": None,
        "last_message_id": None,
    }


def slash_payload(name: str, options: dict[str, str] | None = None, **kw: Any) -> dict[str, Any]:
    opts = [{"name": k, "type": 3, "value": v} for k, v in (options or {}).items()]
    return interaction_payload(
        2, {"id": str(next_id()), "name": name, "type": 1, "options": opts}, **kw
    )


def autocomplete_payload(name: str, option: str, value: str, **kw: Any) -> dict[str, Any]:
    opts = [{"name": option, "type": 3, "value": value, "focused": True}]
    return interaction_payload(
        4, {"id": str(next_id()), "name": name, "type": 1, "options": opts}, **kw
    )


def context_menu_payload(name: str, target: dict[str, Any], **kw: Any) -> dict[str, Any]:
    data = {
        "id": str(next_id()),
        "name": name,
        "type": 3,
        "target_id": target["id"],
        "resolved": {"messages": {target["id"]: target}},
    }
    return interaction_payload(2, data, **kw)


@dataclass
class Sent:
    """A message as the user sees it."""

    id: int
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    ephemeral: bool = False
    allowed_mentions: dict[str, Any] | None = None
    edits: int = 0

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [
            c for row in self.components for c in row.get("components", []) if c.get("type") == 2
        ]

    @property
    def labels(self) -> list[str]:
        return [b.get("label", "") for b in self.buttons]

    @property
    def text(self) -> str:
        parts = [self.content]
        for e in self.embeds:
            parts += [
                e.get("title", ""),
                e.get("description", ""),
                e.get("footer", {}).get("text", ""),
            ]
        return "\n".join(p for p in parts if p)

    def button(self, label: str) -> dict[str, Any]:
        exact = [b for b in self.buttons if b.get("label") == label]
        found = exact or [b for b in self.buttons if label.lower() in b.get("label", "").lower()]
        if len(found) != 1:
            raise LookupError(f"{len(found)} buttons match {label!r}; buttons are {self.labels}")
        return found[0]

    def as_payload(self) -> dict[str, Any]:
        return message_payload(
            self.id,
            self.content,
            embeds=self.embeds,
            components=self.components,
            flags=EPHEMERAL if self.ephemeral else 0,
        )


@dataclass
class Request:
    method: str
    path: str
    payload: dict[str, Any] | None


_CALLBACK = re.compile(r"/interactions/(\d+)/([^/]+)/callback$")
_ORIGINAL = re.compile(r"/webhooks/(\d+)/([^/]+)/messages/@original$")
_FOLLOWUP = re.compile(r"/webhooks/(\d+)/([^/]+)$")


class Transcript:
    """The bot's interaction requests, turned into the messages users see."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.messages: list[Sent] = []
        self.by_token: dict[str, Sent] = {}  # interaction token -> its @original message
        self.clicked: dict[str, Sent] = {}  # component interaction token -> the clicked message
        self.callbacks: list[dict[str, Any]] = []
        self.answered: set[str] = set()  # ids of the interactions that got a callback
        self.latest: Sent | None = None

    @property
    def last(self) -> Sent:
        """The message created or changed most recently."""
        assert self.latest is not None, "no message yet"
        return self.latest

    def record(self, method: str, path: str, payload: dict[str, Any] | None) -> Any:
        self.requests.append(Request(method, path, payload))
        return self._apply(method, path, payload or {})

    def _new(self, data: dict[str, Any]) -> Sent:
        sent = Sent(next_id())
        self._fill(sent, data)
        self.messages.append(sent)
        return sent

    def _fill(self, sent: Sent, data: dict[str, Any]) -> None:
        self.latest = sent
        if "content" in data:
            sent.content = data["content"] or ""
        if "embeds" in data:
            sent.embeds = data["embeds"] or []
        if "components" in data:
            sent.components = data["components"] or []
        if "flags" in data:
            sent.ephemeral = bool(int(data["flags"] or 0) & EPHEMERAL)
        if "allowed_mentions" in data:
            sent.allowed_mentions = data["allowed_mentions"]

    def _apply(self, method: str, path: str, payload: dict[str, Any]) -> Any:
        if m := _CALLBACK.search(path):
            iid, token = m.groups()
            self.callbacks.append(payload)
            self.answered.add(iid)
            rtype, data = payload["type"], payload.get("data") or {}
            info: dict[str, Any] = {"id": iid, "type": 2}
            if rtype in (4, 5):  # a new message, or "thinking…"
                sent = self._new(data)
                self.by_token[token] = sent
                info["response_message_id"] = str(sent.id)
                info["response_message_ephemeral"] = sent.ephemeral
                info["response_message_loading"] = rtype == 5
            elif rtype in (6, 7):  # the clicked message: deferred, or replaced now
                sent = self.clicked[token]
                self.by_token[token] = sent
                if rtype == 7:
                    self._fill(sent, data)
                    sent.edits += 1
            return {"interaction": info}
        if (m := _ORIGINAL.search(path)) and method == "PATCH":
            sent = self.by_token[m.group(2)]
            self._fill(sent, payload)
            sent.edits += 1
            return sent.as_payload()
        if (m := _FOLLOWUP.search(path)) and method == "POST":
            return self._new(payload).as_payload()
        raise AssertionError(f"unexpected request {method} {path}")

    @property
    def autocomplete(self) -> list[dict[str, Any]]:
        """The choices of the last autocomplete answer."""
        found = [c for c in self.callbacks if c["type"] == 8]
        return found[-1]["data"]["choices"] if found else []

    @property
    def modal(self) -> dict[str, Any] | None:
        found = [c for c in self.callbacks if c["type"] == 9]
        return found[-1]["data"] if found else None


class RecordingAdapter(AsyncWebhookAdapter):
    """Every interaction response and follow-up goes to a `Transcript` instead of the network."""

    def __init__(self, transcript: Transcript) -> None:
        super().__init__()
        self.transcript = transcript

    async def request(self, route: Any, session: Any, *, payload: Any = None, **kwargs: Any) -> Any:
        path = route.url.split("/api/v10", 1)[-1]
        return self.transcript.record(route.method, path, payload)


class Driver:
    """Acts like Discord's users: slash commands, clicks, forms. Subclasses deliver the payloads."""

    transcript: Transcript

    async def dispatch(self, payload: dict[str, Any], *, acknowledged: bool = True) -> None:
        raise NotImplementedError

    async def slash(self, name: str, options: dict[str, str] | None = None, **kw: Any) -> Sent:
        await self.dispatch(slash_payload(name, options, **kw))
        return self.transcript.last

    async def autocomplete(
        self, name: str, option: str, value: str, **kw: Any
    ) -> list[dict[str, Any]]:
        await self.dispatch(autocomplete_payload(name, option, value, **kw))
        return self.transcript.autocomplete

    async def context_menu(self, name: str, target: dict[str, Any], **kw: Any) -> Sent:
        await self.dispatch(context_menu_payload(name, target, **kw))
        return self.transcript.last

    async def click(self, message: Sent, label: str, **kw: Any) -> Sent:
        return await self.press(message, message.button(label)["custom_id"], **kw)

    async def press(self, message: Sent, custom_id: str, **kw: Any) -> Sent:
        """Click a component with `custom_id` on `message` (a real button's, or a forged one)."""
        raw = message.as_payload()
        if custom_id not in {b.get("custom_id") for b in message.buttons}:
            raw["components"] = [
                *raw["components"],
                {
                    "type": 1,
                    "components": [{"type": 2, "style": 2, "label": "?", "custom_id": custom_id}],
                },
            ]
        payload = interaction_payload(
            3, {"custom_id": custom_id, "component_type": 2}, message=raw, **kw
        )
        self.transcript.clicked[payload["token"]] = message
        await self.dispatch(payload)
        return self.transcript.last

    async def submit_modal(self, message: Sent, value: str, **kw: Any) -> Sent:
        modal = self.transcript.modal
        assert modal is not None, "no modal was opened"
        inputs = [c for row in modal["components"] for c in _walk(row) if c.get("type") == 4]
        data = {
            "custom_id": modal["custom_id"],
            "components": [
                {
                    "type": 1,
                    "components": [
                        {"type": 4, "custom_id": inputs[0]["custom_id"], "value": value}
                    ],
                }
            ],
        }
        payload = interaction_payload(5, data, message=message.as_payload(), **kw)
        self.transcript.clicked[payload["token"]] = message
        await self.dispatch(payload)
        return self.transcript.last


class Harness(Driver):
    """An `ApsClient` fed raw interaction payloads in-process, through its real CommandTree."""

    def __init__(self, client: ApsClient) -> None:
        self.client = client
        self.transcript = Transcript()
        self.adapter = RecordingAdapter(self.transcript)

    async def start(self) -> Harness:
        await self.client.__aenter__()
        state = self.client._connection  # as after READY: the bot's own user is known
        state.user = discord.ClientUser(state=state, data=bot_user())
        state.application_id = APPLICATION_ID
        await self.client.setup_hook()
        return self

    async def close(self) -> None:
        await self.client.close()

    async def dispatch(self, payload: dict[str, Any], *, acknowledged: bool = True) -> None:
        before = len(self.transcript.callbacks)
        async_context.set(self.adapter)  # the tasks the dispatch creates inherit it
        self.client._connection.parse_interaction_create(payload)  # what the gateway does
        await settle()
        if acknowledged:
            assert len(self.transcript.callbacks) > before, "the interaction was not acknowledged"


def _walk(component: dict[str, Any]) -> list[dict[str, Any]]:
    out = [component]
    for child in component.get("components", []):
        out += _walk(child)
    if "component" in component:
        out += _walk(component["component"])
    return out


async def settle(timeout: float = 5.0) -> None:
    """Wait, at most `timeout` seconds, until the bot's handler tasks are done.

    Views sent ephemerally get a 15-minute timeout task from discord.py; those are not handlers.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    me = asyncio.current_task()
    while True:
        pending = [
            t for t in asyncio.all_tasks() if t is not me and not t.done() and not _is_timer(t)
        ]
        remaining = deadline - loop.time()
        if not pending:
            return
        if remaining <= 0:
            raise TimeoutError(f"still running: {[t.get_name() for t in pending]}")
        await asyncio.wait(pending, timeout=remaining)


def _is_timer(task: asyncio.Task[Any]) -> bool:
    coro = task.get_coro()
    return getattr(coro, "__qualname__", "").endswith("__timeout_task_impl")
