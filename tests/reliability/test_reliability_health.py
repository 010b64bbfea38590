"""Health through the real bot: a stall (updates waiting at Telegram, none handled) turns
``aps-bot health`` unhealthy, and failed deliveries are counted for /stats and the heartbeat."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import tg_updates as tg
from tg_fake_api import FakeBotAPI
from tg_harness import running

from bot.health import STALL_AFTER, Vitals, is_healthy, write_heartbeat

PROBE = 0.1  # seconds between two getWebhookInfo in these tests (a minute in production)
BAD_GATEWAY = {"ok": False, "error_code": 502, "description": "Bad Gateway"}
ADMIN = 9801


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def _until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_updates_waiting_with_none_handled_make_health_fail(
    api: FakeBotAPI, tmp_path: Path
) -> None:
    real_now = time.time()
    clock = Clock(real_now - STALL_AFTER - 20)  # the bot started a little over 3 minutes ago
    vitals = Vitals(clock)
    heartbeat = tmp_path / "heartbeat"
    overrides = {"vitals": vitals, "probe_interval": PROBE}
    async with running(api, overrides=overrides):
        ann = tg.user(9802, "Ann", "en")
        chat = tg.private_chat(ann)
        for _ in range(500):  # getUpdates fails from now on (a proxy in front of the Bot API)
            api.fail_next("getUpdates", 502, BAD_GATEWAY)
        mark = api.mark()
        await api.wait_for("getUpdates", since=mark, where=lambda c: c.outcome == "502")
        api.push(tg.message_update(chat, ann, "/help"))
        await api.wait_for("getWebhookInfo", since=api.mark(), count=2)
        clock.now = real_now  # …and three minutes later, still nothing handled
        await api.wait_for("getWebhookInfo", since=api.mark())
        await _until(lambda: vitals.of("telegram").probed == real_now)
        write_heartbeat(heartbeat, vitals)
        ok, why = is_healthy(heartbeat, now=real_now)
        assert not ok, why
        assert why.startswith("telegram stalled: 1 update(s) pending, none handled for")

        api.failures["getUpdates"].clear()  # the Bot API is reachable again
        await api.wait_for("sendMessage", since=mark, timeout=10)
        await _until(lambda: vitals.of("telegram").pending == 0)
        write_heartbeat(heartbeat, vitals)
        ok, why = is_healthy(heartbeat, now=real_now)
        assert ok, why
        assert "telegram: last update 0s ago, 0 pending, 0 failed deliveries" in why


async def test_failed_deliveries_are_counted_for_stats_and_health(api: FakeBotAPI) -> None:
    vitals = Vitals()
    async with running(
        api, overrides={"vitals": vitals}, APS_BOT_ADMINS=f"telegram:{ADMIN}"
    ) as bot:
        ann = tg.user(9803, "Ann", "en")
        for _ in range(3):  # the first try and both retries
            api.fail_next("sendMessage", 502, BAD_GATEWAY)
        mark = api.mark()
        api.push(tg.message_update(tg.private_chat(ann), ann, "/help"))
        (sorry,) = await api.wait_for(
            "sendMessage", since=mark, where=lambda c: c.outcome == "ok", timeout=8
        )
        assert sorry["text"].startswith("Sorry, something went wrong")
        assert vitals.of("telegram").failed_deliveries == 1
        admin = tg.user(ADMIN, "Admin", "en")
        mark = api.mark()
        api.push(tg.message_update(tg.private_chat(admin), admin, "/stats"))
        (stats,) = await api.wait_for("sendMessage", since=mark)
        assert "Replies that could not be delivered" in stats["text"]
        assert "telegram: 1" in stats["text"]
        assert (await bot.engine.store.counters())["delivery.failed.telegram"] == 1
