"""Hostile raw traffic on the web chat: thousands of randomized HTTP requests (random JSON, wrong
types, deep nesting, huge or forged tokens, forged or huge cookies, wrong methods and content
types, invalid UTF-8, oversized bodies, random paths, forged origins and proxy headers) to the
chat as `aps-bot web` serves it (`serve`), from a real HTTP client.

At the end: no unhandled exception (no 5xx, nothing logged at ERROR), every request answered, a
normal visitor answered, a log of one access line per request and nothing else that grows, never
a user's text, and an intact database. Seeded (hostile.SEED): a failure names its seed."""

from __future__ import annotations

import asyncio
import json
import random
import re
from collections import Counter
from typing import Any

import aiohttp
import pytest
from hostile import MARKER, SEED, Deadline, assert_clean_log, assert_intact, hostile_text, sizes
from rel_logging import production_logging, raw_records
from tg_harness import fresh_engine

from bot.config import Config, Secret
from bot.engine import ConversationKey, Event
from bot.web import WebSettings, serve
from bot.web.render import reply_json
from bot.web.settings import MAX_BODY_BYTES

IN_FLIGHT = 16  # requests at once
SECONDS_PER_REQUEST = 0.03
ROUTES = ["/", "/api/message", "/embed.js", "/static/widget.js", "/healthz"]
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"]
ACCESS_LINE = re.compile(r"^\S+ \S+ INFO aps_bot\.web: [A-Z]+ \S+ \d{3} [\d.]+ms$")


def random_json(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.random()
    if depth > 3 or kind < 0.4:
        return rng.choice(
            [hostile_text(rng, max_len=300), rng.randint(-(2**64), 2**64), 1.5e308, True, None]
        )
    if kind < 0.7:
        return [random_json(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {hostile_text(rng, max_len=20): random_json(rng, depth + 1) for _ in range(3)}


class Traffic:
    """One random request: (method, path, headers, body bytes or None)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def next(self) -> tuple[str, str, dict[str, str], bytes | None]:
        rng = self.rng
        kind = rng.random()
        headers = self._headers()
        if kind < 0.45:
            headers["Content-Type"] = rng.choice(["application/json"] * 4 + ["text/plain", ""])
            return "POST", "/api/message" + self._query(), headers, self._api_body()
        if kind < 0.60:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            return "POST", "/" + self._query(), headers, self._form()
        if kind < 0.75:
            return "GET", rng.choice(ROUTES) + self._query(), headers, None
        if kind < 0.88:
            body = hostile_text(rng).encode() if rng.random() < 0.5 else None
            return rng.choice(METHODS), rng.choice(ROUTES), headers, body
        path = rng.choice(["/" + MARKER, "/static/" + MARKER, "/%00", "/..%2f..%2fetc/passwd",
                           "/api/message/" + MARKER, "/" + "a" * 2000])  # fmt: skip
        return rng.choice(METHODS), path, headers, None

    def _query(self) -> str:
        rng = self.rng
        if rng.random() < 0.7:
            return ""
        lang = rng.choice(["fr", "en", "xx", MARKER, "../", "%00", "fr" * 100])
        return f"?lang={lang}&q={MARKER}"

    def _headers(self) -> dict[str, str]:
        rng = self.rng
        headers: dict[str, str] = {
            "X-Forwarded-For": rng.choice(
                [f"10.0.{rng.randint(0, 255)}.{rng.randint(0, 255)}", "garbage", "", "::1, 1.2.3.4"]
            )
        }
        if rng.random() < 0.3:
            headers["Cookie"] = "aps_sid=" + rng.choice(
                [MARKER, "x" * 4000, "a.b.c", "", "%00%ff", hostile_text(rng, max_len=50).encode()
                 .hex()]
            )  # fmt: skip
        if rng.random() < 0.2:
            headers["Origin"] = rng.choice(["https://evil.example", "null", MARKER, ""])
        if rng.random() < 0.3:
            headers["Accept-Language"] = rng.choice(["fr-FR,fr;q=0.9", "*", "x" * 500, "zz;q=2"])
        return headers

    def _api_body(self) -> bytes:
        rng = self.rng
        kind = rng.random()
        if kind < 0.3:
            body: Any = {"text": hostile_text(rng, max_len=1200)}
        elif kind < 0.45:
            token = rng.choice(
                [f"w.1.2.3.{MARKER}", "A" * 100_000, hostile_text(rng, max_len=300), "", "x"]
            )
            body = {"token": token}
        elif kind < 0.6:
            body = {rng.choice(["text", "token", "lang"]): random_json(rng)}
        elif kind < 0.7:
            body = {"text": hostile_text(rng, max_len=200), "lang": random_json(rng)}
        elif kind < 0.85:
            body = random_json(rng)
        elif kind < 0.9:
            return b"[" * rng.randint(1000, 60_000)  # nesting deeper than any parser recurses
        elif kind < 0.95:
            return rng.randbytes(rng.randint(0, 200)) + MARKER.encode()  # not UTF-8, not JSON
        else:
            return json.dumps({"text": MARKER * (MAX_BODY_BYTES // 10)}).encode()  # too large
        return json.dumps(body).encode()

    def _form(self) -> bytes:
        rng = self.rng
        fields = {
            "text": hostile_text(rng, max_len=1500),
            "csrf": rng.choice(["", "forged", "A" * 300]),
            "token": rng.choice(["", f"w.{MARKER}", "B" * 5000]),
            "command": rng.choice(["", "aps", "faq", "forget", MARKER]),
            "lang": rng.choice(["", "fr", MARKER]),
        }
        chosen = {k: v for k, v in fields.items() if rng.random() < 0.6}
        return aiohttp.helpers.quote(json.dumps(chosen)).encode() if rng.random() < 0.05 else (
            "&".join(f"{k}={aiohttp.helpers.quote(v)}" for k, v in chosen.items()).encode()
        )  # fmt: skip


async def _send(
    session: aiohttp.ClientSession,
    base: str,
    request: tuple[str, str, dict[str, str], bytes | None],
) -> int:
    method, path, headers, body = request
    async with session.request(
        method, base + path, headers=headers, data=body, skip_auto_headers=["Content-Type"]
    ) as response:
        await response.read()
        return response.status


@pytest.mark.parametrize("count", sizes())
async def test_hostile_requests_to_the_web_chat(tmp_path, count: int) -> None:
    seed = SEED + count
    rng = random.Random(seed)
    database = tmp_path / "hostile.sqlite3"
    config = Config.from_env({"APS_BOT_DATABASE": str(database)})
    engine = fresh_engine(config)
    settings = WebSettings(secret=Secret("k" * 40), trust_proxy=True)
    deadline = Deadline(30 + SECONDS_PER_REQUEST * count)
    stop, ready = asyncio.Event(), asyncio.get_running_loop().create_future()
    statuses: Counter[int] = Counter()
    with production_logging(config) as out, raw_records() as raw:
        server = asyncio.create_task(
            serve(engine, settings, "127.0.0.1", 0, ready=ready.set_result, stop=stop)
        )
        try:
            base = (await asyncio.wait_for(ready, 5)).rstrip("/")
            traffic = Traffic(rng)
            requests = [traffic.next() for _ in range(count)]
            gate = asyncio.Semaphore(IN_FLIGHT)
            timeout = aiohttp.ClientTimeout(total=30)
            async with aiohttp.ClientSession(timeout=timeout, cookie_jar=aiohttp.DummyCookieJar()) as session:  # fmt: skip

                async def one(request: tuple[str, str, dict[str, str], bytes | None]) -> None:
                    async with gate:
                        statuses[await _send(session, base, request)] += 1

                await asyncio.wait_for(asyncio.gather(*(one(r) for r in requests)), deadline.left)
            hostile_seconds = deadline.elapsed

            # afterwards, a normal visitor asks the fee and gets the answer
            jar = aiohttp.CookieJar(unsafe=True)
            async with aiohttp.ClientSession(timeout=timeout, cookie_jar=jar) as visitor:
                async with visitor.get(base + "/", headers={"X-Forwarded-For": "10.9.9.9"}) as r:
                    assert r.status == 200
                question = {"text": "how much does it cost"}
                headers = {"X-Forwarded-For": "10.9.9.9"}
                async with visitor.post(base + "/api/message", json=question, headers=headers) as r:
                    assert r.status == 200, f"seed {seed}"
                    reply = (await r.json())["reply"]
            key = ConversationKey("web", "web", "reference")
            reference = await fresh_engine(Config.from_env({"APS_BOT_DATABASE": "memory"})).handle(
                Event.text_of(key, "how much does it cost", locale="en")
            )
            assert reply["messages"] == reply_json(reference)["messages"], f"seed {seed}"
            counters = await engine.store.counters()
        finally:
            stop.set()
            await asyncio.wait_for(server, 10)
            await engine.store.close()
    assert sum(statuses.values()) == count  # every request answered
    errors = [t for t, r in zip(raw.texts, raw.records, strict=True) if r.levelno >= 40]
    assert not [s for s in statuses if s >= 500], f"seed {seed}: {statuses} {errors[:5]}"
    assert counters["questions.asked"] > 0
    logged = out.getvalue().splitlines()
    access = [line for line in logged if ACCESS_LINE.match(line)]
    assert len(access) >= count  # one line per request…
    rest = "\n".join(line for line in logged if not ACCESS_LINE.match(line))
    assert MARKER not in "\n".join(access)
    assert_clean_log(rest, raw.texts, [r.levelno for r in raw.records], seed)  # …and no more
    assert_intact(database)
    figures = {
        "requests": count,
        "seconds": round(hostile_seconds, 1),
        "per_second": round(count / hostile_seconds),
        "statuses": dict(sorted(statuses.items())),
        "log_bytes": len(out.getvalue().encode()),
        "seed": seed,
    }
    print("hostile web:", json.dumps(figures))


# ---------------------------------------------------------------- what the random runs found


async def test_deep_json_and_the_pages_rate_limit_are_refusals_not_failures(caplog) -> None:
    """Both were answered 500, with an ERROR logged: JSON nested deeper than Python recurses,
    and the chat page asked more often than the per-address limit allows."""
    engine = fresh_engine(Config.from_env({"APS_BOT_DATABASE": "memory"}))
    settings = WebSettings(secret=Secret("k" * 40), ip_burst=2, ip_rate=0.001)
    stop, ready = asyncio.Event(), asyncio.get_running_loop().create_future()
    server = asyncio.create_task(
        serve(engine, settings, "127.0.0.1", 0, ready=ready.set_result, stop=stop)
    )
    try:
        base = (await asyncio.wait_for(ready, 5)).rstrip("/")
        async with aiohttp.ClientSession() as session:
            deep = b"[" * 50_000
            headers = {"Content-Type": "application/json"}
            async with session.post(base + "/api/message", data=deep, headers=headers) as r:
                assert r.status == 400 and (await r.json())["error"] == "bad_json"
            statuses = []
            for _ in range(4):
                async with session.get(base + "/") as r:
                    statuses.append(r.status)
                    if r.status == 429:
                        assert "Too many messages" in await r.text()
                        assert r.headers["Retry-After"]
        assert statuses[-1] == 429 and 500 not in statuses
    finally:
        stop.set()
        await asyncio.wait_for(server, 10)
        await engine.store.close()
    assert not [r for r in caplog.records if r.levelno >= 40]
