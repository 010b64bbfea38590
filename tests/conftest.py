"""Shared fixtures: a real engine on the real knowledge, with a memory store and a fixed clock."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.database import DirectoryBasedExampleDatabase

from bot.engine import Engine
from bot.i18n import Catalogs
from bot.knowledge import Knowledge, load_knowledge
from bot.storage import MemoryStore
from bot.testing import Client, FakeClock

FIXTURE_KB = Path(__file__).parent / "fixtures" / "kb"

# `make test-fast` leaves out what is marked slow: a real browser, a real Redis server, whole
# builds of the site, the bench smoke run, end-to-end runs of the real bot in subprocesses, and
# long randomized runs at full size. `make test` (and CI) runs everything.
SLOW_FILES = {
    "test_browser.py",  # Chromium
    "test_bench_smoke.py",  # the quick bench and make eval
    "test_crash_safety.py",  # SIGKILL at random points, in subprocesses
    "test_budget.py",  # builds the whole site
    "test_site.py",
}
FAST = bool(os.environ.get("APS_BOT_TEST_FAST"))


def scale(full: int, fast: int) -> int:
    """How many randomized cases a test runs: `full` in `make test`, `fast` in `make test-fast`."""
    return fast if FAST else full


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if (
            item.path.name in SLOW_FILES
            or "redis_url" in getattr(item, "fixturenames", ())
            or "redis" in params.values()
        ):
            item.add_marker(pytest.mark.slow)


# Property tests: random locally (new examples each run; a failure is saved in the example
# database and replayed first next time), derandomized in CI, so that a red CI run is the same
# run on every machine and `CI=1 make test` reproduces it. Both print the blob that replays a
# failure (`@reproduce_failure`). HYPOTHESIS_PROFILE=ci|dev picks one explicitly.
settings.register_profile(
    "dev",
    print_blob=True,
    database=DirectoryBasedExampleDatabase(
        Path(__file__).parent.parent / ".hypothesis" / "examples"
    ),
)
settings.register_profile("ci", derandomize=True, print_blob=True, database=None)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def fixture_knowledge() -> Knowledge:
    """The small, content-independent knowledge base of tests/fixtures/kb (loaded once)."""
    return load_knowledge(FIXTURE_KB, today=dt.date(2026, 11, 27))


@pytest.fixture(scope="session")
def catalogs() -> Catalogs:
    return Catalogs()


@pytest.fixture
def make_engine(fixture_knowledge: Knowledge, catalogs: Catalogs, clock: FakeClock):
    """``make_engine(store=None, **options)``: an engine on the fixture knowledge and the test's
    clock, without flood control (tests click faster than people)."""

    def make(store=None, **options) -> Engine:
        return Engine(
            fixture_knowledge,
            store or MemoryStore(),
            catalogs,
            clock=clock,
            flood_control=False,
            **options,
        )

    return make


@pytest.fixture
async def client(clock: FakeClock) -> Client:
    """An English-speaking user in a private chat."""
    return await Client.create(clock=clock, lang="en")


@pytest.fixture
async def client_fr(clock: FakeClock) -> Client:
    """A French-speaking user in a private chat."""
    return await Client.create(clock=clock, lang="fr")


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real redis-server on 127.0.0.1 for this test session (CI installs the Debian package)."""
    server = shutil.which("redis-server")
    if server is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed (.ci/run installs it)")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    workdir: Path = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("redis-server did not start within 10 s")
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
