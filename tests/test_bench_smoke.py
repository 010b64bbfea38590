"""The benchmark harness runs end to end at tiny sizes and writes every metric the issue names.

Timing targets are the benchmark's business (``make bench``), not the unit tests': only the keys
and the correctness counters are checked here.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEYS = {
    "engine_turns_per_s",
    "engine_p99_us",
    "engine_vs_sqlite_ratio",
    "faq_p50_us",
    "faq_p50_us_by_size",
    "faq_speedup_vs_rapidfuzz",
    "faq_top1",
    "rapidfuzz_top1",
    "faq_test_top1",
    "faq_test_wrong_direct",
    "faq_test_first_reply_right",
    "faq_test_one_tap",
    "faq_test_misleading",
    "faq_test_menu_share",
    "faq_decide_p50_us",
    "faq_test_rank1",
    "bm25_test_top1",
    "ptb_overhead_ratio",
    "e2e_replies_per_s",
    "e2e_lost",
    "e2e_duplicated",
    "web_reply_p50_ms",
    "web_errors",
    "startup_ratio",
    "rss_mb_100k",
}


FAQ_KEYS = {k for k in KEYS if "faq" in k or "rapidfuzz" in k or "bm25" in k}


def _has_rapidfuzz() -> bool:
    """The FAQ part needs its baselines: rapidfuzz (a dependency) and bm25s (test extra)."""
    return all(importlib.util.find_spec(m) is not None for m in ("rapidfuzz", "bm25s"))


def test_quick_bench_writes_every_metric(tmp_path: Path):
    out = tmp_path / "results.json"
    parts = (
        []
        if _has_rapidfuzz()
        else [  # the FAQ part needs its baselines (see _has_rapidfuzz)
            arg for part in ("engine", "ptb", "e2e", "web", "startup") for arg in ("--only", part)
        ]
    )
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--output", str(out), *parts],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(out.read_text(encoding="utf-8"))
    wanted = KEYS if _has_rapidfuzz() else KEYS - FAQ_KEYS
    assert wanted <= results.keys(), wanted - results.keys()
    assert {"cpu", "cores", "python", "os", "date"} <= results["machine"].keys()
    assert results["e2e_lost"] == 0 and results["e2e_duplicated"] == 0
    assert results["web_errors"] == 0
    assert "ptb_overhead_ratio" in done.stdout  # the table


def test_held_out_examples_are_really_held_out():
    """``make eval --folds`` asks every example of an index built without it: were it still
    indexed, nearly every example would find its own entry first (tests/knowledge/test_faq.py
    requires 98 %); held out, clearly fewer do, and every example (and every out-of-scope
    question, which should get "I don't know") is asked exactly once."""
    from bench.faq_eval import held_out, summary
    from bot.knowledge import load_knowledge

    kb = load_knowledge()
    stats = summary(held_out(kb, folds=2))
    total = sum(len(qs) for e in kb.faq.entries for qs in e.examples.values())
    nulls = sum(len(qs) for qs in kb.faq.out_of_scope.values())
    assert stats["folds/all"]["answerable"] == total and stats["folds/all"]["nulls"] == nulls
    langs = {lang for e in kb.faq.entries for lang in e.examples}  # every language with examples
    assert sum(stats[f"folds/{lang}"]["n"] for lang in langs) == total + nulls
    assert 0.3 < stats["folds/all"]["top1"] < 0.95
    assert stats["folds/all"]["idk"] > nulls / 3
