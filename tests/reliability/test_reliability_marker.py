"""No user text in any log: a marker word, sent through every front end (Telegram by polling and
by webhook, Discord, the web chat, the console) in every way each reads text, also when handling it
fails or the update cannot be read, never reaches the log. Logging is set up exactly as `aps-bot`
does: at INFO (the default) no record carries it even before the filters; at DEBUG the libraries
dump payloads, and the content filter withholds them."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import re
import socket

import aiohttp
import pytest
import tg_updates as tg
from dc_fake_discord import FakeDiscord
from dc_harness import autocomplete_payload, message_payload, user
from rel_logging import production_logging, raw_records
from tg_fake_api import FakeBotAPI
from tg_harness import fresh_engine, make_config, running

from bot.adapters.discord import run_discord
from bot.config import Config, Secret
from bot.console import Console
from bot.engine import Engine, Event, Reply
from bot.web import WebSettings, serve

MARKER = "zq7MARKERxq9"
DISCORD_TOKEN = "discord-fake-token-for-local-tests"
SERVER_ERROR = {"ok": False, "error_code": 500, "description": "Internal Server Error"}


def failing(engine: Engine, trigger: str = "boom") -> Engine:
    """`engine`, failing on any text containing `trigger` (the error handlers' path)."""
    original = engine.handle

    async def handle(event: Event) -> Reply:
        if trigger in event.text:
            raise RuntimeError("engine failed")
        return await original(event)

    engine.handle = handle  # type: ignore[method-assign]
    return engine


async def telegram_polling(api: FakeBotAPI) -> None:
    async with running(api) as bot:
        failing(bot.engine)
        ann = tg.user(9601, "Ann", "fr")
        chat, group = tg.private_chat(ann), tg.group_chat()
        said = [
            tg.message_update(chat, ann, f"{MARKER} combien coûte la carte"),
            tg.message_update(chat, ann, f"/faq {MARKER} visa"),
            tg.message_update(chat, ann, f"/start {MARKER}"),
            tg.message_update(chat, ann, f"/{MARKER}"),
            tg.message_update(group, ann, f"@{bot.username} {MARKER} titre de séjour"),
            tg.message_update(group, ann, f"{MARKER} not for the bot"),
            tg.inline_update(ann, f"{MARKER} prix"),
            tg.callback_update(ann, api._message({"chat_id": ann["id"]}), f"w.{MARKER}"),
            tg.message_update(chat, ann, f"boom {MARKER}"),
            tg.unreadable_update(chat, ann, f"/faq {MARKER}"),
        ]
        mark = api.mark()
        for update in said:
            api.push(update)
        await api.wait_for("sendMessage", since=mark, count=6, timeout=8)
        await api.settle(mark, quiet=0.3)
        for _ in range(3):  # a reply that cannot be delivered
            api.fail_next("sendMessage", 500, SERVER_ERROR)
        mark = api.mark()
        api.push(tg.message_update(chat, ann, f"/faq {MARKER} frais"))
        await api.wait_for("sendMessage", since=mark, count=4, timeout=8)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def telegram_webhook(api: FakeBotAPI) -> None:
    port = _free_port()
    env = {
        "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/hook",
        "TELEGRAM_WEBHOOK_SECRET": "s3cret",
        "TELEGRAM_WEBHOOK_PORT": str(port),
        "TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1",
    }
    async with running(api, **env) as bot:
        failing(bot.engine)
        bo = tg.user(9602, "Bo", "en")
        chat = tg.private_chat(bo)
        url = f"http://127.0.0.1:{port}/hook"
        headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
        mark = api.mark()
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
            updates = [
                tg.message_update(chat, bo, f"{MARKER} how much"),
                tg.message_update(chat, bo, f"boom {MARKER}"),
                tg.unreadable_update(chat, bo, f"/faq {MARKER}"),
            ]
            for i, update in enumerate(updates):
                body = {"update_id": 7000 + i, **update}
                async with session.post(url, json=body, headers=headers) as response:
                    assert response.status == 200
            async with session.post(url, json={"text": MARKER}, headers={}) as response:
                assert response.status == 403
            async with session.post(f"{url}?q={MARKER}", data=MARKER, headers=headers) as response:
                assert response.status == 400
        await api.wait_for("sendMessage", since=mark, count=2)
        await api.settle(mark, quiet=0.2)


async def discord(engine: Engine) -> None:
    fake = await FakeDiscord().start()
    config = Config.from_env(
        {
            "DISCORD_BOT_TOKEN": DISCORD_TOKEN,
            "DISCORD_API_BASE_URL": fake.api_url,
            "DISCORD_GATEWAY_URL": fake.gateway_url,
        }
    )
    task = asyncio.create_task(run_discord(config, failing(engine)))
    try:
        await asyncio.wait_for(fake.identified.wait(), 5)
        await asyncio.sleep(0.05)
        answer = await fake.slash("faq", {"question": f"{MARKER} how much"})
        target = message_payload(123456, f"{MARKER} is the APS renewable?", author=user(42))
        await fake.context_menu("Ask aps-bot", target)
        await fake.dispatch(autocomplete_payload("faq", "question", f"{MARKER} fe"))
        await fake.slash("faq", {"question": f"boom {MARKER}"})
        await fake.press(answer, f"c:{MARKER}")
        step = await fake.slash("aps")
        for _ in range(12):  # up to the typed date, then a date with the marker
            if "Type your answer" in step.labels:
                await fake.click(step, "Type your answer")
                await fake.submit_modal(step, f"{MARKER} 15/03/2027")
                break
            choices = [b["label"] for b in step.buttons if b.get("style") == 1]
            if not choices:
                break
            step = await fake.click(step, choices[0])
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 5)
        await fake.close()


async def web_chat(engine: Engine) -> None:
    """The chat as `aps-bot web` serves it (`serve`), asked by a real HTTP client."""
    stop, ready = asyncio.Event(), asyncio.Future()
    settings = WebSettings(secret=Secret("s" * 40))
    server = asyncio.create_task(
        serve(failing(engine), settings, "127.0.0.1", 0, ready=ready.set_result, stop=stop)
    )
    base = (await asyncio.wait_for(ready, 5)).rstrip("/")
    try:
        jar = aiohttp.CookieJar(unsafe=True)  # cookies from 127.0.0.1
        async with aiohttp.ClientSession(cookie_jar=jar) as client:
            async with client.get(f"{base}/?lang={MARKER}") as page:
                csrf = re.search(r'name="csrf" value="([^"]+)"', await page.text())
            assert csrf
            for body in (
                {"text": f"{MARKER} combien"},
                {"text": f"/faq {MARKER}"},
                {"token": f"w.{MARKER}"},
                {"text": f"boom {MARKER}"},  # the engine fails: a 500 in the visitor's words
                {"text": MARKER * 500},  # too long
                {"text": [MARKER]},
            ):
                async with client.post(f"{base}/api/message", json=body) as response:
                    await response.read()
            form = {"text": f"{MARKER} prix", "csrf": csrf.group(1)}
            async with client.post(f"{base}/", data=form) as response:
                assert response.status == 200
            async with client.post(f"{base}/api/message?q={MARKER}", data=MARKER) as response:
                assert response.status == 415
            async with client.get(f"{base}/{MARKER}") as response:
                assert response.status == 404
    finally:
        stop.set()
        await asyncio.wait_for(server, 5)


async def console(engine: Engine) -> None:
    lines = f"{MARKER} how much\n/faq {MARKER}\n/{MARKER}\nboom {MARKER}\n"
    out = io.StringIO()
    with contextlib.suppress(RuntimeError):  # the console has no error handler: it stops
        await Console(failing(engine), stdin=io.StringIO(lines), stdout=out).run()
    assert out.getvalue().count("\n\n") >= 4  # /start and three answers were shown


@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
async def test_no_user_text_in_any_log(
    api: FakeBotAPI, discord_endpoints: None, level: str
) -> None:
    config = make_config(api, APS_BOT_LOG_LEVEL=level)
    assert Config.from_env({}).log_level == "INFO"  # the default
    with production_logging(config) as out, raw_records() as raw:
        await telegram_polling(api)
        await telegram_webhook(api)
        await discord(fresh_engine(config))
        await web_chat(fresh_engine(config))
        await console(fresh_engine(config))
    logged = out.getvalue()
    names = {r.name.split(".")[0] for r in raw.records}
    assert {"bot", "aps_bot", "telegram", "discord"} <= names  # every front end logged
    assert any(r.levelno >= logging.ERROR for r in raw.records)  # failures too
    assert MARKER not in logged
    if level == "INFO":  # nothing even tried to log it
        leaked = [t for t, r in zip(raw.texts, raw.records, strict=True) if MARKER in t]
        assert not leaked, leaked
    else:  # the libraries did, and the filter withheld it
        assert any(MARKER in t for t in raw.texts) and "<withheld>" in logged
