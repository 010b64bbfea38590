"""2. FAQ lookup: our index against a brute-force rapidfuzz baseline, on the real knowledge base
(the paraphrase set) and on generated knowledge bases of 100, 1,000 and 10,000 entries."""

from __future__ import annotations

import time
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from bench.kbgen import generate
from bench.stats import percentile
from bot.knowledge import load_knowledge
from bot.search.decide import decide

PARAPHRASES = Path(__file__).resolve().parent.parent / "tests" / "knowledge" / "paraphrases.yaml"
REPEAT = 20


def _time_per_query(fn, queries: list[str], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        for q in queries:
            t0 = time.perf_counter_ns()
            fn(q)
            samples.append(time.perf_counter_ns() - t0)
    return samples


def _best_round_p50(fn, queries: list[str], repeat: int) -> float:
    """The p50 of the fastest round (every query once per round), in µs.

    This VM's speed drifts by tens of percent over seconds; the best round is the usual
    noise-robust estimator for CPU-bound code (as timeit recommends the minimum), applied to
    ours and to the baseline alike.
    """
    rounds = [percentile(_time_per_query(fn, queries, 1), 50) for _ in range(repeat)]
    return min(rounds) / 1000


def run(repeat: int = REPEAT, sizes: tuple[int, ...] = (100, 1_000, 10_000)) -> dict:
    kb = load_knowledge()
    index = kb.faq.index
    cases = [(c["q"], c["id"]) for c in yaml.safe_load(PARAPHRASES.read_text(encoding="utf-8"))]
    queries = [q for q, _ in cases]

    # the baseline: every example question of every entry, best fuzzy match wins
    choices, owners = [], []
    for entry in kb.faq.entries:
        for questions in entry.examples.values():
            for q in questions:
                choices.append(q)
                owners.append(entry.id)

    def ours(q: str) -> str | None:
        best = index.search(q).best
        return best.entry_id if best else None

    def baseline(q: str) -> str | None:
        found = process.extractOne(q, choices, scorer=fuzz.WRatio)
        return owners[found[2]] if found else None

    ours_top1 = sum(ours(q) == want for q, want in cases) / len(cases)
    base_top1 = sum(baseline(q) == want for q, want in cases) / len(cases)
    ours(queries[0])  # warm-up (first-call costs are not per-query costs)
    ours_p50 = _best_round_p50(ours, queries, repeat)
    # the whole first reply's decision (parts of a two-part question searched too)
    decide_p50 = _best_round_p50(lambda q: decide(index, q), queries, repeat)
    base_p50 = _best_round_p50(baseline, queries, max(1, repeat // 5))

    by_size = {}
    for size in sizes:
        gen_index, gen_cases = generate(size)
        sample = [q for q, _ in gen_cases[:: max(1, size // 200)]]
        by_size[str(size)] = round(_best_round_p50(gen_index.search, sample, 5), 1)
    from bench import faq_eval

    return {
        **faq_eval.run(),
        "faq_entries": len(kb.faq.entries),
        "faq_paraphrases": len(cases),
        "faq_p50_us": round(ours_p50, 1),
        "faq_decide_p50_us": round(decide_p50, 1),
        "rapidfuzz_p50_us": round(base_p50, 1),
        "faq_speedup_vs_rapidfuzz": round(base_p50 / ours_p50, 1),
        "faq_top1": round(ours_top1, 3),
        "rapidfuzz_top1": round(base_top1, 3),
        "faq_p50_us_by_size": by_size,
        # how the cost grows from the smallest to the largest generated base (target: 10,000 vs 100)
        "faq_cost_ratio_10000_vs_100": round(by_size[str(sizes[-1])] / by_size[str(sizes[0])], 2),
    }
