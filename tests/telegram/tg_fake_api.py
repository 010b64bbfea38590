"""A local fake of the Telegram Bot API (aiohttp on 127.0.0.1, port 0) that records every call.

It speaks the real wire format: python-telegram-bot posts form fields (JSON strings for complex
values) to ``/bot<token>/<method>`` and gets ``{"ok": true, "result": …}`` back. Updates are raw
Bot API JSON, served through ``getUpdates`` (with ``offset``) exactly as Telegram would.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import random
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_ID = 777000111
BOT_USERNAME = "aps_test_bot"
LONG_POLL_MAX = 0.25  # seconds a getUpdates may be held: short, so shutdown never waits long
_JSON_FIELDS = {
    "reply_markup",
    "reply_parameters",
    "link_preview_options",
    "results",
    "commands",
    "scope",
    "button",
    "allowed_updates",
    "entities",
}


@dataclass
class Call:
    """One Bot API request: its method, decoded parameters, and when it arrived."""

    index: int
    method: str
    params: dict[str, Any]
    at: float
    token: str
    # "ok", or what went wrong: an injected fault ("429", "500", "timeout", "drop") or "400" (a
    # refused edit). After "timeout" the call took effect (only the response was lost).
    outcome: str = "ok"
    result: Any = None  # what the call returned when it succeeded (a sent message: its JSON)

    @property
    def took_effect(self) -> bool:
        return self.outcome in ("ok", "timeout")

    def __getitem__(self, key: str) -> Any:
        return self.params[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.params.get(key, default)


@dataclass
class FaultPlan:
    """Injected faults: each call to one of `methods` fails with probability `rate` (seeded).

    Kinds, taken in turn from `kinds` (so every kind occurs):
    - ``429``: Too Many Requests with ``retry_after`` (nothing done);
    - ``500``: Internal Server Error (nothing done);
    - ``timeout``: the call takes effect, but the response comes `delay` seconds late, after the
      client has given up (so a retry may deliver the message twice, as with the real Telegram);
    - ``drop``: the connection is closed without a response (nothing done).
    ``timeout`` is never applied to getUpdates: its client timeout includes the long-poll time.
    Bounded: at most `max_faults` in all.
    """

    rate: float = 0.2
    seed: int = 0
    kinds: tuple[str, ...] = ("429", "500", "timeout", "drop")
    methods: frozenset[str] = frozenset(
        {"getupdates", "sendmessage", "editmessagetext", "answercallbackquery"}
    )
    retry_after: float = 1
    delay: float = 1.0
    max_faults: int = 1000
    injected: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self._turn = 0

    def draw(self, method: str) -> str | None:
        """The fault for this call of `method`, if any."""
        name = method.lower()
        if name not in self.methods or sum(self.injected.values()) >= self.max_faults:
            return None
        if self._random.random() >= self.rate:
            return None
        kind = self.kinds[self._turn % len(self.kinds)]
        self._turn += 1
        if kind == "timeout" and name == "getupdates":
            kind = self.kinds[self._turn % len(self.kinds)]
            self._turn += 1
            if kind == "timeout":
                return None
        self.injected[kind] += 1
        return kind


class FakeBotAPI:
    """Start with ``await api.start()``; `base_url` is what ``TELEGRAM_API_BASE_URL`` takes."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.failures: dict[str, deque[tuple[int, dict]]] = defaultdict(deque)
        self.faults: FaultPlan | None = None  # set to inject random faults (`FaultPlan`)
        # True: an edit that changes nothing is refused ("message is not modified"), as Telegram does
        self.strict_edits = False
        self._contents: dict[tuple[int, int], tuple[str, str]] = {}
        self._updates: list[dict] = []
        self.offset = 0  # the last getUpdates offset: every update below it was confirmed
        self.webhook_pending: int | None = None  # set: what getWebhookInfo says is waiting
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        self.me = {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "APS bot",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(
            app, handle_signals=False, access_log=None
        )  # the bot's log only
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # ------------------------------------------------------------------ test API

    def push(self, update: dict) -> dict:
        """Queue a raw update (an ``update_id`` is added when missing) for the next getUpdates."""
        update.setdefault("update_id", next(self._update_ids))
        self._updates.append(update)
        asyncio.get_running_loop().create_task(self._notify())
        return update

    @property
    def pending(self) -> int:
        """Updates not yet confirmed by a getUpdates offset (or `webhook_pending` when set)."""
        if self.webhook_pending is not None:
            return self.webhook_pending
        return sum(1 for u in self._updates if u["update_id"] >= self.offset)

    def fail_next(self, method: str, status: int, body: dict) -> None:
        """The next call to `method` gets this HTTP status and body instead of a success."""
        self.failures[method].append((status, body))

    def calls_of(self, method: str, since: int = 0) -> list[Call]:
        return [c for c in self.calls[since:] if c.method == method]

    def mark(self) -> int:
        """An index into `calls`, to look only at what happens next."""
        return len(self.calls)

    async def wait_for(
        self,
        method: str,
        *,
        since: int = 0,
        count: int = 1,
        where: Callable[[Call], bool] = lambda c: True,
        timeout: float = 5.0,
    ) -> list[Call]:
        """The first `count` calls to `method` after `since` matching `where`, waiting for them."""

        def found() -> list[Call]:
            return [c for c in self.calls_of(method, since) if where(c)]

        async with self._changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: len(found()) >= count), timeout
                )
        calls = found()
        if len(calls) < count:
            seen = [c.method for c in self.calls[since:]]
            raise AssertionError(f"expected {count} {method} call(s); got {seen}")
        return calls[:count]

    async def settle(self, since: int, quiet: float = 0.3, timeout: float = 3.0) -> list[Call]:
        """Wait until no call but getUpdates arrives for `quiet` seconds; the calls since `since`."""
        deadline = time.monotonic() + timeout
        last = -1
        while time.monotonic() < deadline:
            now = len([c for c in self.calls[since:] if c.method != "getUpdates"])
            if now == last:
                break
            last = now
            await asyncio.sleep(quiet)
        return [c for c in self.calls[since:] if c.method != "getUpdates"]

    # ------------------------------------------------------------------ server

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await _params(request)
        call = Call(len(self.calls), method, params, time.monotonic(), request.match_info["token"])
        self.calls.append(call)
        await self._notify()
        if self.failures[method]:
            status, body = self.failures[method].popleft()
            call.outcome = str(status)
            return web.json_response(body, status=status)
        fault = self.faults.draw(method) if self.faults else None
        if fault in ("429", "500", "drop"):
            call.outcome = fault
            return self._fault(request, fault)
        if self.strict_edits and method.lower() == "editmessagetext" and self._unchanged(params):
            call.outcome = "400"
            return web.json_response(NOT_MODIFIED, status=400)
        if method.lower() == "getupdates":
            result: Any = await self._get_updates(params)
        else:
            result = self._result(method, params)
        call.result = result
        if fault == "timeout":  # done, but the answer arrives after the client gave up
            call.outcome = fault
            assert self.faults is not None
            await asyncio.sleep(self.faults.delay)
        return web.json_response({"ok": True, "result": result})

    def _fault(self, request: web.Request, kind: str) -> web.Response:
        if kind == "429":
            assert self.faults is not None
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": self.faults.retry_after},
                },
                status=429,
            )
        if kind == "500":
            body = {"ok": False, "error_code": 500, "description": "Internal Server Error"}
            return web.json_response(body, status=500)
        assert request.transport is not None
        request.transport.close()  # "drop": the client sees the connection end, no response
        return web.Response()

    def _unchanged(self, params: dict) -> bool:
        key = (int(params["chat_id"]), int(params["message_id"]))
        return self._contents.get(key) == _content(params)

    async def _get_updates(self, params: dict) -> list[dict]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)  # as Telegram: 100 at most per batch
        self.offset = max(self.offset, offset)
        wait = min(float(params.get("timeout") or 0), LONG_POLL_MAX)

        def pending() -> list[dict]:
            return [u for u in self._updates if u["update_id"] >= offset]

        if not pending() and wait > 0:
            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait_for(lambda: bool(pending())), wait)
        return pending()[: max(1, min(limit, 100))]

    def _result(self, method: str, params: dict) -> Any:
        name = method.lower()
        if name == "getme":
            return self.me
        if name in ("sendmessage", "editmessagetext"):
            return self._message(params)
        if name == "getwebhookinfo":
            return {
                "url": "",
                "has_custom_certificate": False,
                "pending_update_count": self.pending,
            }
        return True  # answerCallbackQuery, answerInlineQuery, setMyCommands, setWebhook…

    def _message(self, params: dict) -> dict:
        chat_id = int(params["chat_id"])
        message_id = int(params.get("message_id") or next(self._message_ids))
        message: dict[str, Any] = {
            "message_id": message_id,
            "from": {k: self.me[k] for k in ("id", "is_bot", "first_name", "username")},
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "date": int(time.time()),
            "text": params.get("text", ""),
        }
        if chat_id < 0:
            message["chat"]["title"] = "Students"
        if params.get("message_thread_id"):
            message["message_thread_id"] = int(params["message_thread_id"])
            message["is_topic_message"] = True
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self._contents[(chat_id, message_id)] = _content(params)
        return message


NOT_MODIFIED = {
    "ok": False,
    "error_code": 400,
    "description": "Bad Request: message is not modified: specified new message content and "
    "reply markup are exactly the same as a current content and reply markup of the message",
}


def _content(params: dict) -> tuple[str, str]:
    return params.get("text", ""), json.dumps(params.get("reply_markup"), sort_keys=True)


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        raw = await request.json()
    else:
        raw = dict(await request.post())
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _JSON_FIELDS and isinstance(value, str):
            value = json.loads(value)
        out[key] = value
    return out
