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
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
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

    def __getitem__(self, key: str) -> Any:
        return self.params[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.params.get(key, default)


class FakeBotAPI:
    """Start with ``await api.start()``; `base_url` is what ``TELEGRAM_API_BASE_URL`` takes."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.failures: dict[str, deque[tuple[int, dict]]] = defaultdict(deque)
        self._updates: list[dict] = []
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
        self._runner = web.AppRunner(app, handle_signals=False)
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
            return web.json_response(body, status=status)
        if method.lower() == "getupdates":
            result: Any = await self._get_updates(params)
        else:
            result = self._result(method, params)
        return web.json_response({"ok": True, "result": result})

    async def _get_updates(self, params: dict) -> list[dict]:
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), LONG_POLL_MAX)

        def pending() -> list[dict]:
            return [u for u in self._updates if u["update_id"] >= offset]

        if not pending() and wait > 0:
            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait_for(lambda: bool(pending())), wait)
        return pending()

    def _result(self, method: str, params: dict) -> Any:
        name = method.lower()
        if name == "getme":
            return self.me
        if name in ("sendmessage", "editmessagetext"):
            return self._message(params)
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
        return message


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
