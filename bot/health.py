"""Liveness for containers: the running bot rewrites a heartbeat file; ``aps-bot health`` reads it.

A polling bot has no port to probe, so the Docker HEALTHCHECK asks two questions:

- has the process made progress recently? The platform runner rewrites the file every `INTERVAL`
  seconds from the same event loop that serves users, so a stuck loop makes the check fail;
- is a platform stalled? A loop can be alive while updates no longer get through (the bot reads
  the same unreadable batch forever, or cannot reach ``getUpdates``). Each adapter notes in
  `Vitals` when it last handled an update and how many Telegram says are waiting
  (``getWebhookInfo``'s ``pending_update_count``); updates pending for `STALL_AFTER` seconds with
  none handled in that time is a stall.

The file holds one JSON object (`Vitals.snapshot`): numbers and platform names, never a user id.
An empty or older-format file still counts as a heartbeat by its modification time.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bot.jobs import Every, Job

INTERVAL = 30.0
STALE_AFTER = 120.0
STALL_AFTER = 180.0  # seconds of pending updates with none handled: stalled
PROBE_FRESH = 300.0  # a pending count older than this is not trusted (the probe itself failed)


@dataclass
class PlatformVitals:
    """What one platform's adapter reports; times are seconds since the epoch.

    Attributes:
        started: when the adapter started.
        last_handled: when it last began handling an update (None: not yet).
        handled: updates handled since start.
        pending: updates waiting at the platform, as last probed (None: never probed).
        probed: when `pending` was read.
        pending_since: the first probe of the current run of probes that found updates waiting.
        failed_deliveries: replies that could not be delivered, since start.
        unreadable: updates skipped because the library could not read them, since start.
    """

    started: float
    last_handled: float | None = None
    handled: int = 0
    pending: int | None = None
    probed: float | None = None
    pending_since: float | None = None
    failed_deliveries: int = 0
    unreadable: int = 0


class Vitals:
    """The process's platforms, as the heartbeat file shows them.

    Args:
        clock: seconds since the epoch (tests pass a fake one).
    """

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self.platforms: dict[str, PlatformVitals] = {}

    def of(self, platform: str) -> PlatformVitals:
        found = self.platforms.get(platform)
        if found is None:
            found = self.platforms[platform] = PlatformVitals(started=self.clock())
        return found

    def handled(self, platform: str) -> None:
        vitals = self.of(platform)
        vitals.last_handled = self.clock()
        vitals.handled += 1

    def probed(self, platform: str, pending: int) -> None:
        vitals = self.of(platform)
        now = self.clock()
        if pending <= 0:
            vitals.pending_since = None
        elif vitals.pending_since is None:
            vitals.pending_since = now
        vitals.pending, vitals.probed = pending, now

    def failed_delivery(self, platform: str) -> None:
        self.of(platform).failed_deliveries += 1

    def unreadable(self, platform: str) -> None:
        self.of(platform).unreadable += 1

    def snapshot(self) -> dict[str, Any]:
        return {
            "at": self.clock(),
            "platforms": {name: asdict(v) for name, v in sorted(self.platforms.items())},
        }


VITALS = Vitals()  # this process's; adapters write to it unless a test gives them their own


def heartbeat_path() -> Path:
    return Path(
        os.environ.get("APS_BOT_HEARTBEAT") or Path(tempfile.gettempdir()) / "aps-bot.heartbeat"
    )


def write_heartbeat(path: Path, vitals: Vitals) -> None:
    """Replace the file at once (a reader never sees half of it)."""
    part = path.with_name(path.name + ".part")
    part.write_text(json.dumps(vitals.snapshot()) + "\n", encoding="ascii")
    os.replace(part, path)


def heartbeat_job(
    path: Path | None = None, interval: float = INTERVAL, vitals: Vitals = VITALS
) -> Job:
    """Rewrite `path` (default: `heartbeat_path`) every `interval` seconds, from the start."""

    async def beat() -> None:
        write_heartbeat(path or heartbeat_path(), vitals)

    return Job("heartbeat", Every(interval), beat)


def stalled(vitals: dict[str, Any], now: float) -> str | None:
    """Why a platform (one entry of a snapshot) is stalled, or None."""
    pending, probed, since = (
        vitals.get("pending"),
        vitals.get("probed"),
        vitals.get("pending_since"),
    )
    if not pending or probed is None or since is None or now - probed > PROBE_FRESH:
        return None
    last = max(vitals.get("last_handled") or vitals.get("started") or 0.0, since)
    if now - last < STALL_AFTER:
        return None
    return f"{pending} update(s) pending, none handled for {now - last:.0f}s"


def is_healthy(path: Path | None = None, now: float | None = None) -> tuple[bool, str]:
    """Whether the heartbeat is fresh and no platform is stalled, and a one-line reason."""
    path = path or heartbeat_path()
    now = time.time() if now is None else now
    try:
        age = now - path.stat().st_mtime
        text = path.read_text(encoding="ascii", errors="replace")
    except FileNotFoundError:
        return False, f"no heartbeat at {path}: is the bot running?"
    if age > STALE_AFTER:
        return False, f"heartbeat is {age:.0f}s old (limit {STALE_AFTER:.0f}s)"
    try:
        platforms = json.loads(text).get("platforms", {})
    except (ValueError, AttributeError):
        platforms = {}  # an empty file (or an older format): the heartbeat alone
    notes, problems = [], []
    for name, vitals in sorted(platforms.items()):
        why = stalled(vitals, now)
        if why:
            problems.append(f"{name} stalled: {why}")
        notes.append(_summary(name, vitals, now))
    if problems:
        return False, "; ".join(problems + notes)
    return True, "; ".join([f"ok: heartbeat {age:.0f}s old", *notes])


def _summary(name: str, vitals: dict[str, Any], now: float) -> str:
    last = vitals.get("last_handled")
    parts = [f"last update {now - last:.0f}s ago" if last else "no update yet"]
    if vitals.get("pending") is not None:
        parts.append(f"{vitals['pending']} pending")
    parts.append(f"{vitals.get('failed_deliveries', 0)} failed deliveries")
    if vitals.get("unreadable"):
        parts.append(f"{vitals['unreadable']} unreadable updates skipped")
    return f"{name}: " + ", ".join(parts)
