"""Liveness for containers: the running bot touches a heartbeat file; ``aps-bot health`` checks it.

A polling bot has no port to probe, so the Docker HEALTHCHECK asks whether the process has made
progress recently: the platform runner rewrites the file every `INTERVAL` seconds from the same
event loop that serves users, so a stuck loop makes the check fail.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path

INTERVAL = 30.0
STALE_AFTER = 120.0


def heartbeat_path() -> Path:
    return Path(
        os.environ.get("APS_BOT_HEARTBEAT") or Path(tempfile.gettempdir()) / "aps-bot.heartbeat"
    )


async def heartbeat(path: Path | None = None, interval: float = INTERVAL) -> None:
    """Touch `path` every `interval` seconds until cancelled."""
    path = path or heartbeat_path()
    while True:
        path.write_text(f"{time.time():.0f}\n", encoding="ascii")
        await asyncio.sleep(interval)


def is_healthy(path: Path | None = None, now: float | None = None) -> tuple[bool, str]:
    """Whether the heartbeat is fresh, and a one-line reason."""
    path = path or heartbeat_path()
    now = time.time() if now is None else now
    try:
        age = now - path.stat().st_mtime
    except FileNotFoundError:
        return False, f"no heartbeat at {path}: is the bot running?"
    if age > STALE_AFTER:
        return False, f"heartbeat is {age:.0f}s old (limit {STALE_AFTER:.0f}s)"
    return True, f"ok: heartbeat {age:.0f}s old"
