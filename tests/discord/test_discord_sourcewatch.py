"""The weekly source check sent as DMs to Discord admins, against a fake Discord REST API.

The sources are served by a local HTTP server (tests/sourcewatch_fakes.py);
`send_sources_report` is what the Monday loop runs, called directly here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import discord.http
import pytest
from aiohttp import web
from sourcewatch_fakes import running_server, weekly_kb
from test_discord_reminders import ALICE, GONE, FakeRest

from bot.adapters.discord import build_client
from bot.adapters.discord.sourcewatch import send_sources_report, sources_job
from bot.config import Config, ConfigError
from bot.engine import Engine
from bot.i18n import Catalogs
from bot.knowledge import Knowledge, load_knowledge
from bot.storage import MemoryStore


@pytest.fixture
async def dm_rest(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeRest]:
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


async def test_the_weekly_check_dms_each_discord_admin(
    dm_rest: FakeRest, catalogs: Catalogs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_server() as srv:
        monkeypatch.setenv("APS_BOT_SERVICE_PUBLIC_URL", f"{srv.base}/fiches/{{id}}")
        kb = weekly_kb(tmp_path / "kb", srv)
        admins = frozenset({f"discord:{ALICE}", f"discord:{GONE}", "telegram:5150"})
        engine = Engine(load_knowledge(kb), MemoryStore(), catalogs, admins=admins)
        await engine.store.set_lang("discord", str(ALICE), "fr", engine.clock())
        config = Config(admins=admins, sources_watch="weekly")
        client = build_client(config, engine)
        await client.login("fake-discord-token")
        try:
            assert await send_sources_report(client) == 1  # the unknown user is skipped
        finally:
            await client.close()
    assert [int(o["recipient_id"]) for o in dm_rest.opened] == [ALICE]
    (message,) = dm_rest.posted
    content = message["content"]
    assert "**1 source a changé** depuis sa dernière lecture" in content
    assert (
        "[S1 service-public.fr F39530](<https://www.service-public.gouv.fr/particuliers/vosdroits/"
        "F39530>) : modifiée le 1er juin 2026"
    ) in content, content
    assert "1 autre source n'a pas pu être vérifiée." in content
    assert message["allowed_mentions"] == {"parse": []}


async def test_off_makes_no_job_and_a_bad_fiche_url_stops_the_start(
    knowledge: Knowledge, catalogs: Catalogs, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = Engine(knowledge, MemoryStore(), catalogs)
    client = build_client(Config(), engine)
    assert sources_job(client) is None
    await client.close()
    monkeypatch.setenv("APS_BOT_SERVICE_PUBLIC_URL", "ftp://example.org/{id}")
    with pytest.raises(ConfigError, match="APS_BOT_SERVICE_PUBLIC_URL must be an http"):
        build_client(Config(sources_watch="weekly"), engine)
