"""4. End to end: simulated users × 10 turns through the fake Bot API on loopback.

The fake (tests/telegram/tg_fake_api.py) and the simulated users run in this process; the bot runs
as `aps-bot` would, in its own process (bench/e2e_bot.py: `run_telegram`, long polling, SQLite on
disk, rate limiter off). Each user waits for the bot's answer before its next turn (a click needs
the buttons of the bot's last message), and all users run at once.

How many messages (sendMessage or editMessageText) each turn gets is first learnt in process
(part 3's recording request). A user whose chat gets fewer has lost replies; more, duplicated
ones. The run is bounded: what has not arrived by the deadline counts as lost.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.ptb_bench import REPLY_METHODS, _real_app, _timed
from bench.stats import percentile
from bench.tg_users import ROOT, SimUser, tg_fake_api, user_script
from bot.knowledge import Knowledge, load_knowledge

TOKEN = "123456789:bench-fake-token-local"
MAX_UPDATES = 100  # per getUpdates, as Telegram


class BenchBotAPI(tg_fake_api.FakeBotAPI):
    """The tests' fake, with replies indexed by chat and getUpdates in O(log n): it shares a core
    with the simulated users, so its own cost must not be what is measured."""

    def __init__(self) -> None:
        super().__init__()
        self._ids: list[int] = []
        self.replies: dict[int, list[dict]] = defaultdict(list)
        self.arrived: dict[int, asyncio.Event] = defaultdict(asyncio.Event)

    def push(self, update: dict) -> dict:
        update = super().push(update)
        self._ids.append(update["update_id"])
        return update

    async def _get_updates(self, params: dict) -> list[dict]:
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), tg_fake_api.LONG_POLL_MAX)

        def pending() -> list[dict]:
            i = bisect.bisect_left(self._ids, offset)
            return self._updates[i : i + MAX_UPDATES]

        if not pending() and wait > 0:
            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait_for(lambda: bool(pending())), wait)
        return pending()

    def _result(self, method: str, params: dict) -> Any:
        result = super()._result(method, params)
        if method in REPLY_METHODS:
            chat_id = int(params["chat_id"])
            self.replies[chat_id].append(result)
            self.arrived[chat_id].set()
        return result


async def expected_replies(knowledge: Knowledge, tmp: Path) -> dict[str, list[int]]:
    """Messages the bot sends for each turn of the script, per language, learnt in process."""
    app, request, engine = _real_app(knowledge, tmp / "calibrate.sqlite3")
    script = user_script(knowledge)
    out: dict[str, list[int]] = {}
    async with app:
        for n in (0, 1):
            sim, last, counts = SimUser(n, script), None, []
            while not sim.done():
                raw = sim.next_update(last)
                raw["update_id"] = len(counts) + 100 * n + 1
                mark = len(request.calls)
                await _timed(app, raw)
                sent = [p for m, p in request.calls[mark:] if m in REPLY_METHODS]
                counts.append(len(sent))
                if sent:
                    last = request.message(sent[-1])
            out[sim.lang] = counts
    await engine.store.close()
    return out


async def _user(
    api: BenchBotAPI, sim: SimUser, expected: list[int], deadline: float, latencies: list[float]
) -> None:
    target = 0
    last: dict | None = None
    replies = api.replies[sim.chat_id]
    arrived = api.arrived[sim.chat_id]
    for want in expected:
        target += want
        t0 = time.perf_counter()
        api.push(sim.next_update(last))
        while len(replies) < target:
            arrived.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(arrived.wait(), remaining)
        latencies.append(time.perf_counter() - t0)
        last = replies[target - 1]


async def _run(
    users: int, knowledge: Knowledge, tmp: Path, timeout: float, profile: str | None
) -> dict:
    expected = await expected_replies(knowledge, tmp)
    api = BenchBotAPI()
    await api.start()
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "APS_BOT_DATABASE": str(tmp / "e2e.sqlite3"),
        "APS_BOT_HEARTBEAT": str(tmp / "heartbeat"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    env.pop("DISCORD_BOT_TOKEN", None)
    if profile:
        env["APS_BENCH_PROFILE"] = profile
    bot = subprocess.Popen([sys.executable, "-m", "bench.e2e_bot"], env=env, cwd=ROOT)
    try:
        await api.wait_for("getUpdates", timeout=30)
        script = user_script(knowledge)
        sims = [SimUser(n, script) for n in range(users)]
        latencies: list[float] = []
        bot_cpu0, own_cpu0 = _cpu_seconds(bot.pid), time.process_time()
        start = time.perf_counter()
        deadline = time.monotonic() + timeout
        await asyncio.gather(*(_user(api, s, expected[s.lang], deadline, latencies) for s in sims))
        elapsed = time.perf_counter() - start
        bot_cpu, own_cpu = _cpu_seconds(bot.pid) - bot_cpu0, time.process_time() - own_cpu0
        await asyncio.sleep(0.5)  # late duplicates would arrive now
    finally:
        bot.terminate()
        try:
            await asyncio.to_thread(bot.wait, 30)
        except subprocess.TimeoutExpired:
            bot.kill()
        await api.stop()
    lost = duplicated = 0
    for s in sims:
        got, want = len(api.replies[s.chat_id]), sum(expected[s.lang])
        lost += max(0, want - got)
        duplicated += max(0, got - want)
    received = sum(len(api.replies[s.chat_id]) for s in sims)
    turns = len(latencies)
    return {
        "e2e_users": users,
        "e2e_turns": turns,
        "e2e_replies": received,
        "e2e_seconds": round(elapsed, 2),
        "e2e_turns_per_s": round(turns / elapsed),
        "e2e_replies_per_s": round(received / elapsed),
        "e2e_turn_p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "e2e_turn_p99_ms": round(percentile(latencies, 99) * 1000, 1),
        # CPU seconds used during the run: by the bot, and by the fake API + simulated users
        "e2e_bot_cpu_s": round(bot_cpu, 2),
        "e2e_driver_cpu_s": round(own_cpu, 2),
        "e2e_bot_cpu_ms_per_turn": round(bot_cpu * 1000 / max(1, turns), 2),
        "e2e_lost": lost,
        "e2e_duplicated": duplicated,
        "e2e_bot_exit_code": bot.returncode,
    }


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(users: int = 1_000, timeout: float = 180.0, profile: str | None = None) -> dict:
    knowledge = load_knowledge()
    with tempfile.TemporaryDirectory() as tmp:
        return asyncio.run(_run(users, knowledge, Path(tmp), timeout, profile))


if __name__ == "__main__":
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 100))
