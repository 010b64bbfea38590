"""5. Start-up and memory.

Start-up: wall time until `aps-bot check` has finished, and until the console shows its first
prompt (on a pseudo-terminal, as a person would see it), against ``python -c "import telegram.ext,
discord"`` (what any bot on these libraries pays) in the same run; the median of several runs.

Memory: peak RSS (VmHWM; ``resource.getrusage`` where /proc is missing) of a fresh process that opens a SQLite database holding
100,000 stored conversations (populated through the Store API) and handles turns for a sample of
those users, as a serving process would.
"""

from __future__ import annotations

import asyncio
import json
import os
import pty
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.stats import median
from bench.tg_users import ROOT

PROMPT = b"> "
SERVE_SAMPLE = 5_000  # users who send turns in the memory measurement


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_BOT_TOKEN")}
    env.update(
        APS_BOT_DATABASE="memory",
        APS_BOT_HEARTBEAT=str(tmp / "heartbeat"),
        PYTHONPATH=str(ROOT),
        LANG="en_GB.UTF-8",
    )
    return env


def _aps_bot() -> list[str]:
    script = Path(sys.executable).with_name("aps-bot")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


def time_command(args: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(args, env=env, cwd=ROOT, check=True, capture_output=True, timeout=60)
    return time.perf_counter() - t0


def time_to_prompt(args: list[str], env: dict[str, str], timeout: float = 60.0) -> float:
    """Seconds until `PROMPT` appears on the pseudo-terminal the program runs on."""
    master, slave = pty.openpty()
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, env=env, cwd=ROOT, stdin=slave, stdout=slave, stderr=slave)
    os.close(slave)
    seen = b""
    try:
        while PROMPT not in seen:
            if time.perf_counter() - t0 > timeout:
                raise TimeoutError(f"no prompt from {args}: {seen[-200:]!r}")
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    seen += os.read(master, 65536)
                except OSError:  # the program exited
                    raise RuntimeError(f"{args} exited: {seen[-200:]!r}") from None
        return time.perf_counter() - t0
    finally:
        proc.terminate()
        proc.wait(10)
        os.close(master)


def startup(repeat: int = 5) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        env = _env(Path(tmp))
        baseline_args = [sys.executable, "-c", "import telegram.ext, discord"]
        check_args = [*_aps_bot(), "check"]
        console_args = [*_aps_bot(), "console", "--lang", "en"]
        base, check, console = [], [], []
        if repeat > 1:  # warm the page cache and .pyc files first
            time_command(baseline_args, env)
            time_command(check_args, env)
        for _ in range(repeat):  # interleaved, so all three see the same load
            base.append(time_command(baseline_args, env))
            check.append(time_command(check_args, env))
            console.append(time_to_prompt(console_args, env))
    b, c, p = median(base), median(check), median(console)
    ratios = {"check": round(c / b, 2), "console": round(p / b, 2)}
    return {
        "startup_runs": repeat,
        "startup_import_baseline_s": round(b, 3),
        "startup_check_s": round(c, 3),
        "startup_console_prompt_s": round(p, 3),
        "startup_ratio_by_command": ratios,
        "startup_ratio": max(ratios.values()),
    }


# ---------------------------------------------------------------------------------- memory

_SERVE = r"""
import asyncio, json, resource, sys

def peak_kb():
    # VmHWM: this process's own high-water mark. ru_maxrss can carry over the parent's peak
    # across fork + exec on Linux, which would measure the benchmark process instead.
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
from bot.engine import ConversationKey, Engine, Event
from bot.i18n import Catalogs
from bot.knowledge import load_knowledge
from bot.storage import SqliteStore

async def main(db, sample, total):
    engine = Engine(load_knowledge(), SqliteStore(db), Catalogs(), flood_control=False)
    idle = peak_kb()
    step = max(1, total // sample)
    for u in range(0, total, step):
        key = ConversationKey("telegram", str(u), str(u))
        await engine.handle(Event.command_of(key, "aps", locale="fr" if u % 2 else "en"))
        await engine.handle(Event.text_of(key, "how much does the card cost?", locale="en"))
    counts = await engine.store.counts()
    await engine.store.close()
    peak = peak_kb()
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"idle_kb": idle, "peak_kb": peak, "maxrss_kb": maxrss,
                      "conversations": counts["conversations"]}))

asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
"""


async def populate(db: Path, conversations: int) -> None:
    from bot.engine import ConversationKey
    from bot.knowledge import load_knowledge
    from bot.storage import SqliteStore
    from bot.storage.records import Conversation

    flow = load_knowledge().flow
    nodes = [n for n, node in flow.nodes.items() if node.kind == "question"]
    store = SqliteStore(db)
    now = time.time()
    for u in range(conversations):
        key = ConversationKey("telegram", str(u), str(u))
        node = nodes[u % len(nodes)]
        conv = Conversation(
            node=node,
            history=nodes[: u % 4],
            answers={"agreement": "none", "diploma": "master"} if u % 3 else {},
            flow_version=flow.version if hasattr(flow, "version") else "",
            step=u % 7 + 1,
            nonce=f"{u:08x}",
            updated_at=now - u,
        )
        await store.save(key, conv)
        if u % 2:
            await store.set_lang("telegram", str(u), "fr", now)
    await store.close()


def memory(conversations: int = 100_000, sample: int = SERVE_SAMPLE) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "rss.sqlite3"
        t0 = time.perf_counter()
        asyncio.run(populate(db, conversations))
        populate_s = time.perf_counter() - t0
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                _SERVE,
                str(db),
                str(min(sample, conversations)),
                str(conversations),
            ],
            env=_env(Path(tmp)),
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
        )
        got = json.loads(out.stdout.strip().splitlines()[-1])
        db_mb = sum(f.stat().st_size for f in Path(tmp).glob("rss.sqlite3*")) / 2**20
    return {
        "rss_conversations": got["conversations"],
        "rss_served_users": min(sample, conversations),
        "rss_populate_s": round(populate_s, 1),
        "rss_db_mb": round(db_mb, 1),
        "rss_mb_idle": round(got["idle_kb"] / 1024, 1),
        "rss_mb_100k": round(got["peak_kb"] / 1024, 1),
        "rss_getrusage_maxrss_mb": round(got["maxrss_kb"] / 1024, 1),
    }


def run(repeat: int = 5, conversations: int = 100_000) -> dict:
    return {**startup(repeat), **memory(conversations)}


if __name__ == "__main__":
    print(run(2, 10_000))
