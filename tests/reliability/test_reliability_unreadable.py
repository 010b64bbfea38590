"""An update python-telegram-bot cannot read (issue 24): a /faq sent in reply to a poll, as a Bot
API server older than 9.6 sends it (poll options without ``persistent_id``, which PTB 22.8
requires). Before, one such update stopped the bot for everyone, re-read forever, and logged every
user's text at CRITICAL. Now, by polling and by webhook: it is skipped, counted, logged by id and
error type, the admins are told once an hour, and everyone else is answered."""

from __future__ import annotations

import asyncio
import logging
import socket
import time

import aiohttp
import tg_updates as tg
from rel_logging import production_logging, raw_records
from telegram import Update
from tg_fake_api import FakeBotAPI
from tg_harness import make_config, running

from bot.adapters.telegram.unreadable import NOTICE_EVERY, UnreadableUpdates
from bot.engine import insight
from bot.health import Vitals

MARKER = "zq7MARKERxq9"
ADMIN = 9700
LOG_LIMIT = 100_000  # bytes
NOTICE = "Telegram sent an update I could not read"


class Clock:
    """Monotonic seconds the test moves by hand (the hourly notice)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_example_really_is_unreadable_and_only_for_the_missing_ids() -> None:
    """The fixture is the issue's update: PTB 22.8 refuses it, and reads the 9.6 form."""
    ann = tg.user(9701, "Ann", "en")
    chat = tg.private_chat(ann)
    bad = {"update_id": 1, **tg.unreadable_update(chat, ann, "/faq fee")}
    try:
        Update.de_json(bad, None)
    except TypeError as exc:
        assert "persistent_id" in str(exc)
    else:
        raise AssertionError("python-telegram-bot now reads it: the fixture no longer tests much")
    good = tg.message_update(
        chat, ann, "/faq fee", reply_to=tg.poll_message(chat, bot_api_9_6=True)
    )
    assert Update.de_json({"update_id": 2, **good}, None) is not None


def to(uid: int):
    return lambda c: int(c["chat_id"]) == uid


async def test_polling_skips_unreadable_updates_and_answers_everyone_else(api: FakeBotAPI) -> None:
    vitals, clock = Vitals(), Clock()
    unreadable = UnreadableUpdates(vitals, clock=clock)
    env = {"APS_BOT_ADMINS": f"telegram:{ADMIN}"}
    config = make_config(api, **env)
    with production_logging(config) as out, raw_records() as raw:
        overrides = {"vitals": vitals, "unreadable": unreadable}
        async with running(api, overrides=overrides, **env) as bot:
            ann, bob = tg.user(9701, "Ann", "en"), tg.user(9702, "Bob", "fr")
            a_chat, b_chat = tg.private_chat(ann), tg.private_chat(bob)
            mark = api.mark()
            # one batch: readable and unreadable updates mixed, each carrying a user's words
            batch = [
                tg.message_update(a_chat, ann, "/help"),
                tg.unreadable_update(a_chat, ann, f"/faq {MARKER} fee"),
                tg.message_update(b_chat, bob, f"{MARKER} combien coûte la carte"),
                *[tg.unreadable_update(b_chat, bob, f"/faq {MARKER} {i}") for i in range(20)],
                tg.message_update(a_chat, ann, "/privacy"),
            ]
            pushed = [api.push(u) for u in batch]
            await api.wait_for("sendMessage", since=mark, count=2, where=to(ann["id"]))
            await api.wait_for("sendMessage", since=mark, where=to(bob["id"]))
            (notice,) = await api.wait_for("sendMessage", since=mark, where=to(ADMIN))
            assert notice["text"].startswith(NOTICE)
            assert f"update {pushed[1]['update_id']}," in notice["text"]
            assert MARKER not in notice["text"]
            await _confirmed(api, pushed[-1]["update_id"])
            # no loop: polling goes on at its normal pace, and nobody is told twice within the hour
            polls = len(api.calls_of("getUpdates"))
            await asyncio.sleep(1.0)
            assert len(api.calls_of("getUpdates")) - polls < 12  # long polls of 0.25 s
            mark = api.mark()
            api.push(tg.unreadable_update(a_chat, ann, f"/faq {MARKER}"))
            api.push(tg.message_update(a_chat, ann, "/help"))
            await api.wait_for("sendMessage", since=mark, where=to(ann["id"]))
            assert not api.calls_of("sendMessage", since=mark)[1:]  # no second notice
            # an hour later, the admins hear of it again
            clock.now += NOTICE_EVERY
            mark = api.mark()
            api.push(tg.unreadable_update(a_chat, ann, f"/faq {MARKER}"))
            (again,) = await api.wait_for("sendMessage", since=mark, where=to(ADMIN))
            assert "23 skipped since I started" in again["text"]
            counters = await bot.engine.store.counters()
    assert unreadable.count == 23
    assert vitals.of("telegram").unreadable == 23
    assert counters[insight.UNREADABLE + "telegram"] == 23
    logged = out.getvalue()
    assert len(logged.encode()) < LOG_LIMIT
    assert MARKER not in logged
    assert f"update {pushed[1]['update_id']} could not be read" in logged
    assert "(TypeError); skipped" in logged
    assert logged.count("could not be read") == 1  # 23 of them in a minute: one line
    assert not [r for r in raw.records if r.levelno >= logging.ERROR]
    assert not [t for t in raw.texts if MARKER in t]


async def _confirmed(api: FakeBotAPI, update_id: int, timeout: float = 5.0) -> None:
    """Wait until getUpdates has confirmed `update_id` (its offset moved past it)."""
    deadline = time.monotonic() + timeout
    while api.offset <= update_id:
        assert time.monotonic() < deadline, f"offset {api.offset} never passed {update_id}"
        await asyncio.sleep(0.02)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_the_webhook_acknowledges_unreadable_updates_and_answers_everyone_else(
    api: FakeBotAPI,
) -> None:
    port = _free_port()
    secret = "s3cret-Token_for-tests"
    env = {
        "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/telegram/hook",
        "TELEGRAM_WEBHOOK_SECRET": secret,
        "TELEGRAM_WEBHOOK_PORT": str(port),
        "TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1",
        "APS_BOT_ADMINS": str(ADMIN),  # a bare id: an admin on every platform
    }
    vitals = Vitals()
    config = make_config(api, **env)
    url = f"http://127.0.0.1:{port}/telegram/hook"
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
    ann = tg.user(9711, "Ann", "en")
    chat = tg.private_chat(ann)
    with production_logging(config) as out, raw_records() as raw:
        async with running(api, overrides={"vitals": vitals}, **env) as bot:
            mark = api.mark()
            timeout = aiohttp.ClientTimeout(total=5)
            async with aiohttp.ClientSession(timeout=timeout) as session:
                statuses = []
                for i in range(30):
                    update = {"update_id": 500 + i, **tg.unreadable_update(chat, ann, MARKER)}
                    async with session.post(url, json=update, headers=headers) as response:
                        statuses.append(response.status)
                for body in ([], {"update_id": "x"}, {"no": "update_id"}):
                    async with session.post(url, json=body, headers=headers) as response:
                        statuses.append(response.status)
                assert statuses == [200] * 33  # acknowledged: Telegram will not send them again
                async with session.post(url, data=b"{not json", headers=headers) as response:
                    assert response.status == 400
                async with session.post(url, json={"update_id": 1}) as response:
                    assert response.status == 403  # still no entry without the secret
                update = {"update_id": 600, **tg.message_update(chat, ann, f"/faq {MARKER} fee")}
                async with session.post(url, json=update, headers=headers) as response:
                    assert response.status == 200
            (answer,) = await api.wait_for("sendMessage", since=mark, where=to(ann["id"]))
            assert answer["text"]
            (notice,) = await api.wait_for("sendMessage", since=mark, where=to(ADMIN))
            assert notice["text"].startswith(NOTICE) and "update 500," in notice["text"]
            await api.settle(mark, quiet=0.2)
            assert len(api.calls_of("sendMessage", since=mark)) == 2  # one notice only
            counters = await bot.engine.store.counters()
    assert vitals.of("telegram").unreadable == 33
    assert counters[insight.UNREADABLE + "telegram"] == 33
    logged = out.getvalue()
    assert len(logged.encode()) < LOG_LIMIT
    assert MARKER not in logged and "update 500 could not be read" in logged
    assert logged.count("could not be read") == 1
    assert not [r for r in raw.records if r.levelno >= logging.ERROR]
    assert not [t for t in raw.texts if MARKER in t]
