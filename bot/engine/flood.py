"""Inbound flood control: a token bucket per user, with one polite notice per burst.

Tuned so that a person is never held back: ten messages or clicks at once, then one a second
for as long as they like (a fast typist sends a short question every second or two; clicking
through the walkthrough is a few clicks in a few seconds). A script sending several a second is
stopped after its first ten.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    at: float
    warned: bool = False


class FloodGate:
    """Allows `burst` events at once per user, refilled at `rate` events per second.

    `check` says whether to handle an event, to answer it with the one cooldown notice of this
    burst, or to drop it silently. Idle users' buckets are forgotten, so memory stays bounded by
    the number of users active in the last few seconds.

    Args:
        clock: seconds; injected so tests control time.
        burst: how many events a user may send at once.
        rate: events per second refilled.
        max_users: buckets kept before idle ones are pruned.
    """

    ALLOW, NOTICE, DROP = "allow", "notice", "drop"

    def __init__(
        self,
        clock: Callable[[], float],
        *,
        burst: int = 10,
        rate: float = 1.0,
        max_users: int = 10_000,
    ) -> None:
        self._clock = clock
        self.burst = burst
        self.rate = rate
        self._max_users = max_users
        self._buckets: dict[tuple[str, str], _Bucket] = {}

    def check(self, platform: str, user: str) -> str:
        now = self._clock()
        key = (platform, user)
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self._max_users:
                self._prune(now)
            bucket = self._buckets[key] = _Bucket(float(self.burst), now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.warned = False
            return self.ALLOW
        if bucket.warned:
            return self.DROP
        bucket.warned = True
        return self.NOTICE

    def retry_after(self, platform: str, user: str) -> float:
        """Seconds until `user` may send again (0 when they may now)."""
        bucket = self._buckets.get((platform, user))
        if bucket is None:
            return 0.0
        tokens = min(self.burst, bucket.tokens + (self._clock() - bucket.at) * self.rate)
        return max(0.0, (1 - tokens) / self.rate)

    def _prune(self, now: float) -> None:
        full_after = self.burst / self.rate
        for key in [k for k, b in self._buckets.items() if now - b.at >= full_after]:
            del self._buckets[key]
