"""``aps-bot health``: a fresh heartbeat, and no platform stalled (updates waiting at Telegram for
minutes with none handled). The decision is `is_healthy` on the file the running bot writes."""

from __future__ import annotations

import json
import os
from pathlib import Path

from bot.health import PROBE_FRESH, STALE_AFTER, STALL_AFTER, Vitals, is_healthy, write_heartbeat

NOW = 1_800_000_000.0


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def written(tmp_path: Path, vitals: Vitals, at: float) -> Path:
    path = tmp_path / "heartbeat"
    write_heartbeat(path, vitals)
    os.utime(path, (at, at))
    return path


def test_a_fresh_empty_file_is_healthy_and_a_missing_or_old_one_is_not(tmp_path: Path) -> None:
    path = tmp_path / "heartbeat"
    ok, why = is_healthy(path, now=NOW)
    assert not ok and "no heartbeat" in why
    path.write_text("")  # what `touch` makes: the heartbeat alone (scripts/check_package.sh)
    os.utime(path, (NOW, NOW))
    assert is_healthy(path, now=NOW + 5) == (True, "ok: heartbeat 5s old")
    ok, why = is_healthy(path, now=NOW + STALE_AFTER + 1)
    assert not ok and "old" in why


def test_updates_pending_for_minutes_with_none_handled_is_a_stall(tmp_path: Path) -> None:
    clock = Clock(NOW)
    vitals = Vitals(clock)
    vitals.of("telegram")
    vitals.handled("telegram")
    clock.now += 600  # idle for ten minutes: nothing pending, healthy
    vitals.probed("telegram", 0)
    ok, why = is_healthy(written(tmp_path, vitals, clock.now), now=clock.now)
    assert ok, why
    vitals.probed("telegram", 4)  # updates arrive and stay
    clock.now += STALL_AFTER - 1
    vitals.probed("telegram", 9)
    ok, why = is_healthy(written(tmp_path, vitals, clock.now), now=clock.now)
    assert ok, why  # not yet: a few minutes
    clock.now += 2
    vitals.probed("telegram", 12)
    ok, why = is_healthy(written(tmp_path, vitals, clock.now), now=clock.now)
    assert not ok
    assert why.startswith("telegram stalled: 12 update(s) pending, none handled for 181s")


def test_a_busy_bot_an_old_probe_or_a_drained_queue_is_not_a_stall(tmp_path: Path) -> None:
    clock = Clock(NOW)
    vitals = Vitals(clock)
    vitals.probed("telegram", 50)
    for _ in range(10):  # a backlog that stays, but updates keep being handled
        clock.now += 60
        vitals.handled("telegram")
        vitals.probed("telegram", 50)
    assert is_healthy(written(tmp_path, vitals, clock.now), now=clock.now)[0]
    clock.now += PROBE_FRESH + 1  # the probe itself failed since: its count is not trusted
    assert is_healthy(written(tmp_path, vitals, clock.now), now=clock.now)[0]
    vitals.probed("telegram", 0)  # drained: the next run of pending probes starts afresh
    vitals.probed("telegram", 3)
    clock.now += STALL_AFTER - 10
    vitals.probed("telegram", 3)
    assert is_healthy(written(tmp_path, vitals, clock.now), now=clock.now)[0]


def test_the_file_holds_numbers_only_and_health_says_what_it_counted(tmp_path: Path) -> None:
    clock = Clock(NOW)
    vitals = Vitals(clock)
    vitals.handled("discord")
    vitals.failed_delivery("discord")
    vitals.probed("telegram", 0)
    vitals.unreadable("telegram")
    clock.now += 30
    path = written(tmp_path, vitals, clock.now)
    snapshot = json.loads(path.read_text())
    assert set(snapshot) == {"at", "platforms"} and set(snapshot["platforms"]) == {
        "discord",
        "telegram",
    }
    for platform in snapshot["platforms"].values():
        assert all(v is None or isinstance(v, (int, float)) for v in platform.values())
    ok, why = is_healthy(path, now=clock.now)
    assert ok
    assert why == (
        "ok: heartbeat 0s old; discord: last update 30s ago, 1 failed deliveries; "
        "telegram: no update yet, 0 pending, 0 failed deliveries, 1 unreadable updates skipped"
    )
