"""5. The web chat: reply time over HTTP, as a browser's script gets it.

``aps-bot web`` runs in its own process exactly as it is started (SQLite on disk, the engine's
flood control on, the per-address limit off: every simulated visitor comes from 127.0.0.1). Each
visitor has its own cookie jar, so its own session, and sends 7 messages through
``POST /api/message``, one after the other, each waiting for the answer: ``/aps``, four clicks on
the walkthrough's buttons (tokens taken from the previous reply), a date, then an FAQ question.
7 messages stay within the engine's burst of 8, so none is throttled.

``web_reply_p50_ms`` / ``web_reply_p95_ms``: the time from sending a request to having its JSON
decoded, over every message of `visitors` visitors one after the other (the reply time a
visitor sees, without queueing behind others). ``web_replies_per_s``: then the same visitors
again, `concurrency` at a time (the server and the clients share the machine's cores).
``web_errors``: answers that were not ``ok`` (refused, throttled or expired): should be 0.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from bench.stats import percentile

ROOT = Path(__file__).resolve().parent.parent
PICKS = (6, 0, 0, 0)  # another nationality, finished, a master, titre still valid
QUESTIONS = ("how much does the card cost?", "combien de temps est-elle valable ?")


async def _visitor(url: str, n: int, times: list[float]) -> int:
    errors = 0
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:

        async def say(**body) -> dict:
            nonlocal errors
            t0 = time.perf_counter()
            async with session.post(url + "api/message", json=body) as response:
                answer = await response.json()
            times.append(time.perf_counter() - t0)
            reply = answer.get("reply") or {}
            if not answer.get("ok") or reply.get("kind") in ("throttled", "expired"):
                errors += 1
            return reply

        reply = await say(text="/aps", lang="en" if n % 2 else "fr")
        for pick in PICKS:
            options = [c["token"] for c in reply.get("choices", []) if c["kind"] == "option"]
            if len(options) <= pick:
                errors += 1
                break
            reply = await say(token=options[pick])
        await say(text="2031-06-30")
        await say(text=QUESTIONS[n % 2])
    return errors


async def _phase(url: str, visitors: range, concurrency: int) -> tuple[list[float], int, float]:
    times: list[float] = []
    errors = 0
    queue = iter(visitors)

    async def worker() -> None:
        nonlocal errors
        for n in queue:
            errors += await _visitor(url, n, times)

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return times, errors, time.perf_counter() - t0


async def _run(url: str, visitors: int, concurrency: int) -> dict:
    times, errors, _ = await _phase(url, range(visitors), 1)
    load, load_errors, wall = await _phase(url, range(visitors, 2 * visitors), concurrency)
    return {
        "web_visitors": visitors,
        "web_requests": len(times),
        "web_reply_p50_ms": round(percentile(times, 50) * 1000, 2),
        "web_reply_p95_ms": round(percentile(times, 95) * 1000, 2),
        "web_concurrency": concurrency,
        "web_replies_per_s": round(len(load) / wall),
        "web_errors": errors + load_errors,
    }


def run(visitors: int = 500, concurrency: int = 10) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "APS_BOT_WEB_SECRET": "bench-" + "k" * 32,
            "APS_BOT_WEB_ADDRESS_LIMIT": "0",
            "APS_BOT_HEARTBEAT": str(Path(tmp) / "heartbeat"),
            "APS_BOT_LOG_LEVEL": "WARNING",
        }
        command = [sys.executable, "-m", "bot", "web", "--port", "0"]
        command += ["--database", str(Path(tmp) / "web.sqlite3")]
        with subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        ) as proc:
            try:
                line = proc.stdout.readline()
                match = re.search(r"http://127\.0\.0\.1:\d+/", line)
                if not match:
                    raise RuntimeError(f"aps-bot web did not start: {line!r}")
                return asyncio.run(_run(match[0], visitors, concurrency))
            finally:
                proc.terminate()
                proc.communicate(timeout=30)


if __name__ == "__main__":
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 100))
