"""The reminder loop's send, against a fake Discord REST API on 127.0.0.1 (issue 8).

`send_due_reminders` is what the `tasks.loop` runs every minute; it is called directly here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import discord.http
import pytest
from aiohttp import web
from dc_fake_discord import application_info, json_response
from dc_harness import bot_user, user

from bot.adapters.discord import build_client
from bot.adapters.discord.reminders import send_due_reminders
from bot.config import Config
from bot.engine import ConversationKey, Engine
from bot.engine.reminders import plan

ALICE, GONE = 600000000000000101, 600000000000000102
DM_CHANNEL = 700000000000000901


class FakeRest:
    """Just what a DM needs: who am I, fetch a user, open a DM channel, post in it."""

    def __init__(self) -> None:
        self.posted: list[dict[str, Any]] = []
        self.opened: list[dict[str, Any]] = []
        self.port = 0

    async def handle(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["path"]
        if path == "/users/@me" and request.method == "GET":
            return json_response(bot_user())
        if path == "/oauth2/applications/@me":  # login() asks who the application is
            return json_response(application_info())
        if path == "/users/@me/channels":
            body = await request.json()
            self.opened.append(body)
            recipient = user(int(body["recipient_id"]))
            return json_response({"id": str(DM_CHANNEL), "type": 1, "recipients": [recipient]})
        if path.startswith("/users/"):
            uid = int(path.rsplit("/", 1)[1])
            if uid == GONE:
                return json_response({"message": "Unknown User", "code": 10013}, status=404)
            return json_response(user(uid))
        if path == f"/channels/{DM_CHANNEL}/messages":
            body = await request.json()
            self.posted.append(body)
            return json_response(
                {
                    "id": "900000000000000777",
                    "channel_id": str(DM_CHANNEL),
                    "author": bot_user(),
                    "content": body.get("content", ""),
                    "timestamp": "2027-01-14T08:30:00+00:00",
                    "edited_timestamp": None,
                    "tts": False,
                    "mention_everyone": False,
                    "mentions": [],
                    "mention_roles": [],
                    "attachments": [],
                    "embeds": [],
                    "pinned": False,
                    "type": 0,
                    "flags": 0,
                    "components": body.get("components", []),
                }
            )
        return json_response({"message": "not faked", "code": 0}, status=404)


@pytest.fixture
async def rest(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeRest]:
    fake = FakeRest()
    app = web.Application()
    app.router.add_route("*", "/api/v10/{path:.*}", fake.handle)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    fake.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    monkeypatch.setattr(discord.http.Route, "BASE", f"http://127.0.0.1:{fake.port}/api/v10")
    try:
        yield fake
    finally:
        await runner.cleanup()


async def test_the_loop_dms_due_reminders_without_mentions(rest: FakeRest, engine: Engine) -> None:
    clock = engine.clock
    created = clock()
    for uid in (ALICE, GONE):
        key = ConversationKey("discord", "700000000000000001", str(uid))
        planned = plan(key, "rece", dt.date(2027, 3, 15), "en", created)
        await engine.store.replace_reminders("discord", str(uid), "rece", planned, created)
    clock.now = dt.datetime(2027, 1, 14, 8, 30, tzinfo=dt.UTC).timestamp()
    client = build_client(Config(), engine)
    await client.login("fake-discord-token")
    try:
        assert await send_due_reminders(client) == 1
    finally:
        await client.close()
    assert [int(o["recipient_id"]) for o in rest.opened] == [ALICE]
    (message,) = rest.posted
    assert "your RECE card or APS ends on 15 March 2027, in 60 days" in message["content"]
    assert message["allowed_mentions"] == {"parse": []}
    ids = [c["custom_id"] for row in message["components"] for c in row["components"]]
    assert ids and all(i.startswith("c:r.") for i in ids)  # persistent engine buttons
    # sent, and the unknown user's reminder dropped: nothing left to send
    assert await engine.store.list_reminders("discord", str(ALICE)) == []
    assert await engine.store.list_reminders("discord", str(GONE)) == []
