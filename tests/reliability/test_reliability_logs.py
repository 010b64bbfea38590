"""What the logs may hold: never a token (even at DEBUG, even in tracebacks and error bodies), and
no user message text at INFO. Logging is set up exactly as `aps-bot` does (`setup_logging`)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

import tg_updates as tg
from dc_fake_discord import FakeDiscord
from dc_harness import message_payload, user
from rel_logging import production_logging, raw_records
from tg_fake_api import FakeBotAPI
from tg_harness import TOKEN, make_config, running

from bot.adapters.discord import run_discord
from bot.config import Config
from bot.engine import Event, Reply

# obviously fake; the filter redacts configured tokens by value
DISCORD_TOKEN = "discord-fake-token-for-local-tests"
MARKER = "zq7MARKERxq9"  # a distinctive word in every message users send here
SERVER_ERROR = {"ok": False, "error_code": 500, "description": "Internal Server Error"}


def failing_engine(engine, trigger: str, error: Exception) -> None:
    original = engine.handle

    async def handle(event: Event) -> Reply:
        if trigger in event.text:
            raise error
        return await original(event)

    engine.handle = handle


async def test_the_telegram_token_never_reaches_logs_or_replies(api: FakeBotAPI) -> None:
    config = make_config(api, APS_BOT_LOG_LEVEL="DEBUG")
    secret_part = TOKEN.split(":", 1)[1]
    with production_logging(config, everything=True) as out:
        async with running(api, APS_BOT_LOG_LEVEL="DEBUG") as bot:
            eve = tg.user(9501, "Eve", "en")
            chat = tg.private_chat(eve)
            # 1. a handler fails with an error that quotes the API URL (as HTTP libraries do)
            url = f"{api.base_url}/bot{TOKEN}/sendMessage"
            failing_engine(bot.engine, "explode", RuntimeError(f"POST {url} failed"))
            mark = api.mark()
            api.push(tg.message_update(chat, eve, "please explode"))
            await api.wait_for("sendMessage", since=mark)
            # 2. the Bot API keeps failing (500), then answers with an error that names the token
            for _ in range(3):
                api.fail_next("sendMessage", 500, SERVER_ERROR)
            mark = api.mark()
            api.push(tg.message_update(chat, eve, "/help"))
            await api.wait_for("sendMessage", since=mark, count=4, timeout=8)
            api.fail_next(
                "sendMessage",
                401,
                {"ok": False, "error_code": 401, "description": f"Unauthorized: bot{TOKEN}"},
            )
            mark = api.mark()
            api.push(tg.message_update(chat, eve, "/privacy"))
            await api.wait_for("sendMessage", since=mark, count=2, timeout=8)
            # 3. a forged button and a button without a message
            mark = api.mark()
            api.push(tg.callback_update(eve, api._message({"chat_id": eve["id"]}), f"w.{TOKEN}"))
            api.push(
                {"callback_query": {"id": "1", "from": eve, "chat_instance": "1", "data": "x"}}
            )
            await api.wait_for("answerCallbackQuery", since=mark, count=2)
            await api.settle(mark, quiet=0.2)
            calls = list(api.calls)
    logged = out.getvalue()
    assert "ERROR" in logged and "Traceback" in logged  # the errors were logged, with tracebacks
    assert "***" in logged  # …and the token was there to redact (request URLs, the error text)
    assert TOKEN not in logged and secret_part not in logged
    bodies = json.dumps([c.params for c in calls if c.method != "getUpdates"])
    assert secret_part not in bodies  # no reply, alert or menu carries it
    assert {c.token for c in calls} == {TOKEN}  # only the URL holds it, as the Bot API wants


async def test_the_discord_token_never_reaches_logs_or_replies(discord_endpoints: None) -> None:
    fake = await FakeDiscord().start()
    config = Config.from_env(
        {
            "DISCORD_BOT_TOKEN": DISCORD_TOKEN,
            "DISCORD_API_BASE_URL": fake.api_url,
            "DISCORD_GATEWAY_URL": fake.gateway_url,
            "APS_BOT_DATABASE": "memory",
            "APS_BOT_LOG_LEVEL": "DEBUG",
        }
    )
    from tg_harness import fresh_engine

    engine = fresh_engine(config)
    failing_engine(engine, "explode", RuntimeError(f"login with {DISCORD_TOKEN} failed"))
    with production_logging(config, everything=True) as out:
        task = asyncio.create_task(run_discord(config, engine))
        try:
            await asyncio.wait_for(fake.identified.wait(), 5)
            await asyncio.sleep(0.05)
            sorry = await fake.slash("faq", {"question": "please explode"})
            fine = await fake.slash("faq", {"question": "how much does it cost"})
            forged = await fake.press(fine, f"c:{DISCORD_TOKEN}")
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, 5)
            await fake.close()
            await engine.store.close()
    logged = out.getvalue()
    assert "Traceback" in logged and "***" in logged
    assert DISCORD_TOKEN not in logged
    assert all(DISCORD_TOKEN not in m.text for m in (sorry, fine, forged))
    bodies = json.dumps([r.payload for r in fake.transcript.requests])
    assert DISCORD_TOKEN not in bodies
    assert fake.identify is not None and fake.identify["token"] == DISCORD_TOKEN


async def test_no_message_text_in_logs_at_info(api: FakeBotAPI, discord_endpoints: None) -> None:
    """Users' words, typed in every way the bot reads them, never appear in a log record at INFO
    (the default level), even when handling them fails."""
    config = make_config(api)  # APS_BOT_LOG_LEVEL defaults to INFO
    assert config.log_level == "INFO"
    with production_logging(config) as out, raw_records() as raw:
        async with running(api) as bot:
            ann = tg.user(9601, "Ann", "fr")
            chat = tg.private_chat(ann)
            group = tg.group_chat()
            said = [
                tg.message_update(chat, ann, f"{MARKER} combien coûte la carte"),
                tg.message_update(chat, ann, f"/faq {MARKER} visa"),
                tg.message_update(chat, ann, f"/start {MARKER}"),
                tg.message_update(chat, ann, f"/{MARKER}"),
                tg.message_update(group, ann, f"@{bot.username} {MARKER} titre de séjour"),
                tg.inline_update(ann, f"{MARKER} prix"),
                tg.callback_update(ann, api._message({"chat_id": ann["id"]}), f"w.{MARKER}"),
            ]
            failing_engine(bot.engine, "boom", RuntimeError("engine failed"))
            said.append(tg.message_update(chat, ann, f"boom {MARKER}"))
            mark = api.mark()
            for update in said:
                api.push(update)
            await api.wait_for("sendMessage", since=mark, count=6, timeout=8)
            await api.settle(mark, quiet=0.3)
        # Discord: a slash command's question and a context menu on someone's message
        fake = await FakeDiscord().start()
        dconfig = Config.from_env(
            {
                "DISCORD_BOT_TOKEN": DISCORD_TOKEN,
                "DISCORD_API_BASE_URL": fake.api_url,
                "DISCORD_GATEWAY_URL": fake.gateway_url,
            }
        )
        task = asyncio.create_task(run_discord(dconfig, bot.engine))
        try:
            await asyncio.wait_for(fake.identified.wait(), 5)
            await asyncio.sleep(0.05)
            await fake.slash("faq", {"question": f"{MARKER} how much"})
            target = message_payload(123456, f"{MARKER} is the APS renewable?", author=user(42))
            await fake.context_menu("Ask aps-bot", target)
            await fake.slash("faq", {"question": f"boom {MARKER}"})
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, 5)
            await fake.close()
    assert any(r.levelno >= logging.ERROR for r in raw.records)  # the failures were logged
    assert any(r.name.startswith("bot.") for r in raw.records)
    assert MARKER not in out.getvalue()
    leaked = [t for r, t in zip(raw.records, raw.texts, strict=True) if MARKER in t]
    assert not leaked, leaked
