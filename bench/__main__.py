"""``python -m bench``: every benchmark part, a table of the figures against their targets, and
bench/results.json (see docs/performance.md for what each metric measures).

    python -m bench                 everything at full size (a few minutes)
    python -m bench --quick         small sizes: a smoke test of the harness, not a measurement
    python -m bench --only ptb      one part (engine, faq, ptb, e2e, web, startup); repeatable
    python -m bench --show          the table of bench/results.json, without running anything
    python -m bench --compare REV   also the engine part before (git revision REV) and after,
                                    interleaved in one run (bench/compare.py)
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.json"  # the reference run, committed
QUICK_RESULTS = RESULTS.with_name("results.quick.json")  # smoke runs, not committed
PARTS = ("engine", "faq", "ptb", "e2e", "web", "startup")

# (metric, target as text, check) — metrics without a target are shown for information
TARGETS: list[tuple[str, str, Callable[[dict], bool] | None]] = [
    ("engine_turns_per_s", ">= 5,000", lambda r: r["engine_turns_per_s"] >= 5_000),
    ("engine_p50_us", "", None),
    ("engine_p99_us", "", None),
    # what students see in the first reply (issue 19; test half of eval/, see bench/faq_eval.py)
    (
        "faq_test_first_reply_right",
        ">= 0.85 (test half of eval/)",
        lambda r: r["faq_test_first_reply_right"] >= 0.85,
    ),
    (
        "faq_test_first_reply_right_en",
        ">= 0.80",
        lambda r: r["faq_test_first_reply_right_en"] >= 0.8,
    ),
    (
        "faq_test_first_reply_right_fr",
        ">= 0.80",
        lambda r: r["faq_test_first_reply_right_fr"] >= 0.8,
    ),
    # issue 22: Chinese right in the first reply at least as often as French, misleading no more
    (
        "faq_test_first_reply_right_zh",
        ">= faq_test_first_reply_right_fr",
        lambda r: r["faq_test_first_reply_right_zh"] >= r["faq_test_first_reply_right_fr"],
    ),
    (
        "faq_test_misleading_zh",
        "<= faq_test_misleading_fr",
        lambda r: r["faq_test_misleading_zh"] <= r["faq_test_misleading_fr"],
    ),
    ("faq_test_one_tap", ">= 0.95", lambda r: r["faq_test_one_tap"] >= 0.95),
    ("faq_test_misleading", "<= 0.03", lambda r: r["faq_test_misleading"] <= 0.03),
    ("faq_test_menu_share", "<= 0.10", lambda r: r["faq_test_menu_share"] <= 0.1),
    ("faq_test_idk_rate", ">= 0.5 (out of scope)", lambda r: r["faq_test_idk_rate"] >= 0.5),
    ("faq_test_top1", "", None),  # the right entry answered directly
    ("faq_test_wrong_direct", "", None),
    ("faq_test_rank1", "", None),
    ("faq_dev_first_reply_right", "", None),
    ("faq_heldout_rank1", "", None),
    ("faq_heldout_first_reply_right", "", None),
    ("bm25_test_top1", "< faq_test_rank1", lambda r: r["bm25_test_top1"] < r["faq_test_rank1"]),
    ("engine_sqlite_p50_us", "", None),
    ("engine_vs_sqlite_ratio", "<= 4 (aim)", lambda r: r["engine_vs_sqlite_ratio"] <= 4),
    ("faq_p50_us", "< 1,000 (issue 19)", lambda r: r["faq_p50_us"] < 1_000),
    ("faq_decide_p50_us", "< 1,000", lambda r: r["faq_decide_p50_us"] < 1_000),
    ("rapidfuzz_p50_us", "", None),
    ("faq_speedup_vs_rapidfuzz", "> 1", lambda r: r["faq_speedup_vs_rapidfuzz"] > 1),
    ("faq_top1", ">= rapidfuzz_top1", lambda r: r["faq_top1"] >= r["rapidfuzz_top1"]),
    ("rapidfuzz_top1", "", None),
    ("faq_p50_us_by_size", "", None),
    ("faq_cost_ratio_10000_vs_100", "<= 10", lambda r: r["faq_cost_ratio_10000_vs_100"] <= 10),
    ("ptb_fixed_p50_us", "", None),
    ("ptb_real_p50_us", "", None),
    ("ptb_overhead_ratio", "<= 2", lambda r: r["ptb_overhead_ratio"] <= 2),
    ("e2e_replies_per_s", ">= 300 (10x Telegram's 30/s)", lambda r: r["e2e_replies_per_s"] >= 300),
    ("e2e_turn_p50_ms", "", None),
    ("e2e_lost", "= 0", lambda r: r["e2e_lost"] == 0),
    ("e2e_duplicated", "= 0", lambda r: r["e2e_duplicated"] == 0),
    ("web_reply_p50_ms", "", None),
    ("web_reply_p95_ms", "", None),
    ("web_replies_per_s", "", None),
    ("web_errors", "= 0", lambda r: r["web_errors"] == 0),
    ("startup_ratio_by_command", "", None),
    ("startup_ratio", "<= 1.5", lambda r: r["startup_ratio"] <= 1.5),
    ("rss_mb_idle", "", None),
    ("rss_mb_100k", "", None),
]


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = []
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "os": platform.platform(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "load_average_at_start": load,
    }


def run_part(part: str, quick: bool) -> dict:
    # imported here: each part pulls in what it needs, and --only stays light
    if part == "engine":
        from bench import engine_bench

        return engine_bench.run(200, rounds=1) if quick else engine_bench.run(10_000)
    if part == "faq":
        from bench import faq_bench

        return faq_bench.run(2, (100, 300)) if quick else faq_bench.run()
    if part == "ptb":
        from bench import ptb_bench

        return ptb_bench.run(20 if quick else 1_000)
    if part == "e2e":
        from bench import e2e_bench

        return e2e_bench.run(10, timeout=30) if quick else e2e_bench.run(1_000, timeout=600)
    if part == "web":
        from bench import web_bench

        return web_bench.run(20, concurrency=4) if quick else web_bench.run(500, concurrency=10)
    if part == "startup":
        from bench import startup_bench

        return startup_bench.run(1, 1_000) if quick else startup_bench.run(5, 100_000)
    raise ValueError(part)


def _fmt(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_fmt(v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def table(results: dict) -> str:
    rows = [("metric", "value", "target", "")]
    for name, target, check in TARGETS:
        if name not in results:
            continue
        verdict = ""
        if check is not None:
            try:
                verdict = "pass" if check(results) else "FAIL"
            except KeyError:
                verdict = "?"
        rows.append((name, _fmt(results[name]), target, verdict))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def verdicts(results: dict) -> dict[str, bool]:
    out = {}
    for name, _, check in TARGETS:
        if check is not None and name in results:
            try:
                out[name] = bool(check(results))
            except KeyError:
                continue
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke test)")
    parser.add_argument(
        "--only",
        action="append",
        choices=PARTS,
        metavar="PART",
        help=f"run only this part ({', '.join(PARTS)}); repeatable",
    )
    parser.add_argument(
        "--output",
        type=Path,
        help="where to write the JSON (default: bench/results.json; bench/results.quick.json with --quick)",
    )
    parser.add_argument(
        "--compare",
        metavar="REV",
        help="also run the engine part of git revision REV and of the working tree, interleaved",
    )
    parser.add_argument(
        "--show",
        action="store_true",
        help="print the table of an existing results file, run nothing",
    )
    args = parser.parse_args(argv)
    if args.output is None:
        args.output = QUICK_RESULTS if args.quick else RESULTS
    if args.show:
        print(table(json.loads(args.output.read_text(encoding="utf-8"))))
        return 0

    results: dict = {}
    seconds: dict[str, float] = {}
    info = machine()
    for part in args.only or PARTS:
        print(f"bench: {part}…", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        results.update(run_part(part, args.quick))
        seconds[part] = round(time.perf_counter() - t0, 1)
    if args.compare:
        from bench import compare

        t0 = time.perf_counter()
        users = 200 if args.quick else 10_000
        results["engine_compare"] = compare.compare(args.compare, users, 1 if args.quick else 3)
        seconds["compare"] = round(time.perf_counter() - t0, 1)
    with contextlib.suppress(OSError):
        info["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    document = {
        "machine": info,
        "quick": args.quick,
        "parts": list(args.only or PARTS),
        "part_seconds": seconds,
        **results,
        "targets_met": verdicts(results),
    }
    args.output.write_text(
        json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(table(results))
    if "engine_compare" in results:
        from bench import compare

        print("\n" + compare.summary(results["engine_compare"]))
    print(
        f"\n{info['cpu']}, {info['cores']} cores, Python {info['python']}, load "
        f"{info['load_average_at_start']} → {info.get('load_average_at_end')}; wrote {args.output}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
