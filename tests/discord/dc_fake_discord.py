"""A local fake of Discord's REST API and gateway, on 127.0.0.1 only, for end-to-end tests.

It speaks just enough of the protocol for a real discord.py client: REST ``/users/@me`` and
``/oauth2/applications/@me``, command registration, interaction callbacks and webhooks; gateway
HELLO → IDENTIFY → READY, heartbeats, and INTERACTION_CREATE dispatches.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import WSMsgType, web
from dc_harness import APPLICATION_ID, Driver, Transcript, bot_user, user

TOKEN = "fake-discord-token-for-the-local-fake-only"
QUIET = 0.15  # seconds without a request after which an interaction is considered answered


def json_response(data: Any, status: int = 200) -> web.Response:
    # exactly application/json: with "; charset=utf-8" discord.py reads the body as text
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"}
    )


def application_info() -> dict[str, Any]:
    """What ``GET /oauth2/applications/@me`` answers; login() asks for it."""
    return {
        "id": str(APPLICATION_ID),
        "name": "aps-bot",
        "description": "",
        "icon": None,
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": user(1),
        "verify_key": "0" * 64,
        "flags": 0,
    }


class FakeDiscord(Driver):
    def __init__(self) -> None:
        self.transcript = Transcript()
        self.identified = asyncio.Event()
        self.identify: dict[str, Any] | None = None
        self.synced: list[tuple[str, list[dict[str, Any]]]] = []
        self.auth_headers: set[str] = set()
        self._ws: web.WebSocketResponse | None = None
        self._seq = 0
        self._activity = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ------------------------------------------------------------------ server

    async def start(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{path:.*}", self._rest)
        self._runner = web.AppRunner(
            app, handle_signals=False, access_log=None
        )  # the bot's log only
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["path"]
        if "Authorization" in request.headers:
            self.auth_headers.add(request.headers["Authorization"])
        if path == "/users/@me":
            return json_response(bot_user())
        if path == "/oauth2/applications/@me":
            return json_response(application_info())
        if request.method == "PUT" and path.endswith("/commands"):
            commands = await request.json()
            self.synced.append((path, commands))
            return json_response(
                [
                    {
                        "description": "",
                        **c,
                        "id": str(10 + i),
                        "application_id": str(APPLICATION_ID),
                        "version": "1",
                    }
                    for i, c in enumerate(commands)
                ]
            )
        payload = await request.json() if request.can_read_body else None
        try:
            body = self.transcript.record(request.method, path, payload)
        except AssertionError as exc:
            return json_response({"message": str(exc), "code": 0}, status=404)
        finally:
            self._activity.set()
        return json_response(body)

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._ws = ws
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 45000}}))
        async for msg in ws:
            if msg.type is not WSMsgType.TEXT:
                break
            data = json.loads(msg.data)
            if data["op"] == 1:
                await ws.send_str(json.dumps({"op": 11}))
            elif data["op"] == 2:
                self.identify = data["d"]
                await self._send(
                    "READY",
                    {
                        "v": 10,
                        "user": bot_user(),
                        "guilds": [],
                        "session_id": "fake-session",
                        "resume_gateway_url": self.gateway_url,
                        "application": {"id": str(APPLICATION_ID), "flags": 0},
                    },
                )
                self.identified.set()
        return ws

    async def _send(self, event: str, data: dict[str, Any]) -> None:
        assert self._ws is not None
        self._seq += 1
        await self._ws.send_str(json.dumps({"op": 0, "t": event, "s": self._seq, "d": data}))

    # ------------------------------------------------------------------ driver

    async def send_interaction(self, payload: dict[str, Any]) -> None:
        """Send INTERACTION_CREATE and return at once (many in flight: see `dispatch` for one)."""
        await self._send("INTERACTION_CREATE", payload)

    async def dispatch(self, payload: dict[str, Any], *, acknowledged: bool = True) -> None:
        """Send INTERACTION_CREATE, then wait until the bot has answered and gone quiet."""
        before = len(self.transcript.callbacks)
        self._activity.clear()
        await self._send("INTERACTION_CREATE", payload)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 5
        while loop.time() < deadline:
            try:
                await asyncio.wait_for(self._activity.wait(), QUIET)
                self._activity.clear()
            except TimeoutError:
                if len(self.transcript.callbacks) > before or not acknowledged:
                    return
        raise AssertionError("the interaction was not answered within 5 s")
