"""What the hostile-traffic tests share: seeded hostile text, the time limit, the checks at the end.

Every run is seeded (``APS_BOT_HOSTILE_SEED``, default `SEED`): a failure names its seed, and the
same seed replays the same traffic. Every user text carries `MARKER`, which must never reach the log.
"""

from __future__ import annotations

import os
import random
import sqlite3
import string
import time
from pathlib import Path

import pytest
from sizing import scale

SEED = int(os.environ.get("APS_BOT_HOSTILE_SEED", "24"))
MARKER = "zq7MARKERxq9"
LOG_LIMIT = 100_000  # bytes of log a whole run may write (start-up, shutdown, throttled warnings)
QUICK = int(os.environ.get("APS_BOT_HOSTILE_QUICK", "300"))


def sizes() -> list:
    """`make test-fast` runs the quick size; `make test` both, the full one marked slow."""
    return [
        pytest.param(QUICK, id="quick"),
        pytest.param(scale(10_000, QUICK), id="full", marks=pytest.mark.slow),
    ]


FRAGMENTS = [
    "how much does it cost",
    "combien coûte la carte",
    "titre de séjour",
    "APS",
    "RECE",
    "visa",
    "préfecture",
    "<b>bold</b><script>alert(1)</script>",
    '<a href="javascript:alert(1)">x</a>',
    "&lt;&amp;&#60;",
    "**bold** __u__ ~~s~~ ||sp|| `code` ```block```",
    "@everyone @here <@123> <#1> <:e:1> <t:0:R>",
    "[x](javascript:alert(1))",
    "zero\u200bwidth\u200c\u200d\ufeff",
    "rtl\u202eevil\u202c \u2066iso\u2069",
    "عربي",
    "中文问题",
    "🇫🇷👍🏽‍♀️",
    "\x00nul\x07bell",
    "15/03/2027",
    "32/13/2027",
    "9" * 40,
    "-1",
    "/",
    "  ",
    "\n\n",
    "'; DROP TABLE conversations; --",
    "%s %d {0} {text}",
]


def hostile_text(rng: random.Random, *, max_len: int = 4096) -> str:
    """The marker, hostile fragments and random characters; now and then very long."""
    parts = [MARKER]
    for _ in range(rng.randint(0, 6)):
        kind = rng.random()
        if kind < 0.6:
            parts.append(rng.choice(FRAGMENTS))
        elif kind < 0.8:
            parts.append("".join(rng.choice(string.printable) for _ in range(rng.randint(1, 30))))
        else:
            parts.append("".join(chr(rng.randint(0x80, 0x2FFF)) for _ in range(rng.randint(1, 20))))
    rng.shuffle(parts)
    text = " ".join(parts)
    if rng.random() < 0.02:
        text = (text + " ") * (max_len // max(len(text), 1) + 1)
    return text[:max_len]


class Deadline:
    """The time a whole run may take: a failure, not a hang, when it is exceeded."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.started = time.monotonic()

    @property
    def left(self) -> float:
        return max(0.1, self.started + self.seconds - time.monotonic())

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started


def assert_intact(database: Path) -> None:
    """SQLite's own check of every page and index of the file."""
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []


def assert_clean_log(logged: str, raw_texts: list[str], raw_levels: list[int], seed: int) -> None:
    """Bounded, free of user text, and nothing at ERROR or above (an unhandled exception)."""
    assert len(logged.encode()) < LOG_LIMIT, f"seed {seed}: {len(logged.encode())} bytes of log"
    assert MARKER not in logged, f"seed {seed}: user text in the log"
    errors = [t for t, level in zip(raw_texts, raw_levels, strict=True) if level >= 40]
    assert not errors, f"seed {seed}: {errors[:3]}"
