"""Before and after in one run: the engine part against an older revision of ``bot``, interleaved.

This VM's speed drifts by tens of percent over seconds, so two runs made minutes apart do not
compare. Here the old code (``git archive <revision> bot knowledge locales`` into a temporary
folder) and the working tree's run the same `engine_bench.measure` in fresh processes, alternately
(old, new, new, old, old, new…), so both meet the same noise; each process measures its own SQLite
floor too. The report gives every round and the medians.

    python -m bench --compare f55e991            the engine part, before and after
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

from bench.stats import median

ROOT = Path(__file__).resolve().parent.parent
CHILD = (
    "import json, sys\n"
    "sys.path[:0] = [sys.argv[1], sys.argv[2]]\n"  # the revision's bot first, then bench
    "from bench.engine_bench import measure\n"
    "import bot\n"
    "result = measure(int(sys.argv[3]))\n"
    "result['bot'] = bot.__file__\n"
    "print(json.dumps(result))\n"
)
METRICS = ("engine_p50_us", "engine_sqlite_p50_us", "engine_vs_sqlite_ratio", "engine_turns_per_s")


def extract(revision: str, into: Path) -> Path:
    """The revision's ``bot``, ``knowledge`` and ``locales`` under `into`."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", revision, "bot", "knowledge", "locales"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def _one(code_root: Path, users: int) -> dict:
    env = {**os.environ, "PYTHONPATH": ""}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(code_root), str(ROOT), str(users)],
        cwd=code_root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["bot"].startswith(str(code_root)), result["bot"]  # the intended checkout ran
    return result


def compare(revision: str, users: int = 10_000, rounds: int = 3) -> dict:
    """Every round of both sides, and per metric the median of each side."""
    with tempfile.TemporaryDirectory() as tmp:
        before_root = extract(revision, Path(tmp))
        sides = {"before": before_root, "after": ROOT}
        runs: dict[str, list[dict]] = {"before": [], "after": []}
        for r in range(rounds):
            order = ("before", "after") if r % 2 == 0 else ("after", "before")
            for side in order:
                print(
                    f"bench: engine {side} ({revision if side == 'before' else 'working tree'}), round {r + 1}",
                    file=sys.stderr,
                    flush=True,
                )
                runs[side].append(_one(sides[side], users))
    out: dict = {"revision": revision, "users": users, "rounds": rounds}
    for side, results in runs.items():
        out[side] = {m: [res[m] for res in results] for m in METRICS}
        out[side]["median"] = {m: median([res[m] for res in results]) for m in METRICS}
    b, a = out["before"]["median"], out["after"]["median"]
    out["after_vs_before_p50"] = round(a["engine_p50_us"] / b["engine_p50_us"], 3)
    return out


def summary(result: dict) -> str:
    lines = [
        f"engine before ({result['revision']}) and after, {result['rounds']} interleaved rounds:"
    ]
    for side in ("before", "after"):
        rounds = result[side]
        lines.append(
            f"  {side:6}  p50 µs {rounds['engine_p50_us']}  sqlite p50 µs "
            f"{rounds['engine_sqlite_p50_us']}  ratio {rounds['engine_vs_sqlite_ratio']}  "
            f"turns/s {rounds['engine_turns_per_s']}"
        )
    lines.append(f"  after/before p50 (medians): {result['after_vs_before_p50']}")
    return "\n".join(lines)
