"""How big randomized tests are: full size in `make test`, small in `make test-fast`."""

from __future__ import annotations

import os

FAST = bool(os.environ.get("APS_BOT_TEST_FAST"))


def scale(full: int, fast: int) -> int:
    """How many randomized cases a test runs: `full` in `make test`, `fast` in `make test-fast`."""
    return fast if FAST else full
