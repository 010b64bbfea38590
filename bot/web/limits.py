"""A per-address request limit, in front of the engine's own per-user flood control.

The engine limits each session; a client that drops its cookie gets a new session, so requests
are also counted per network address. Shared addresses (a campus NAT) are common, so the limit is
generous: it stops a script, not a class of students.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class AddressLimit:
    """A token bucket per address: `burst` requests at once, refilled at `rate` per second.

    Idle addresses are forgotten once their bucket is full again, so memory stays bounded by the
    addresses seen in the last ``burst / rate`` seconds (and by `max_addresses` at worst).
    """

    def __init__(
        self,
        burst: int = 600,
        rate: float = 10.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_addresses: int = 50_000,
    ) -> None:
        self.burst = burst
        self.rate = rate
        self._clock = clock
        self._max = max_addresses
        self._buckets: dict[str, tuple[float, float]] = {}  # address -> (tokens, at)

    def allow(self, address: str) -> bool:
        now = self._clock()
        tokens, at = self._buckets.get(address, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - at) * self.rate)
        if len(self._buckets) >= self._max and address not in self._buckets:
            self._prune(now)
        if tokens < 1:
            self._buckets[address] = (tokens, now)
            return False
        self._buckets[address] = (tokens - 1, now)
        return True

    def retry_after(self, address: str) -> int:
        """Whole seconds until `address` may send again."""
        tokens, _ = self._buckets.get(address, (1.0, 0.0))
        return max(1, int((1 - tokens) / self.rate + 0.999))

    def _prune(self, now: float) -> None:
        full_after = self.burst / self.rate
        for address in [a for a, (_, at) in self._buckets.items() if now - at >= full_after]:
            del self._buckets[address]
        if len(self._buckets) >= self._max:  # a flood of distinct addresses: start over
            self._buckets.clear()
