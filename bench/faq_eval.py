"""``make eval``: how the FAQ search answers questions students really write (eval/questions.yaml).

Each question lists the entries that answer it (any of them counts), or ``null`` when the bot
should say it does not know. The set is split once, by a fixed hash of the question, into a
``dev`` half (for tuning: look at its misses with ``--misses``) and a ``test`` half, which is only
ever reported as totals: nobody reads its questions while tuning, so its figures say how the
search generalises.

Every question is classified as the user would experience it:

- ``right``: a right entry answered directly;
- ``suggested``: "did you mean", with a right entry among the choices shown;
- ``unsure``: "did you mean" without a right entry (or for a question we cannot answer);
- ``wrong``: a wrong entry answered directly (the harmful case);
- ``missed``: "I don't know" although an entry answers it;
- ``idk``: "I don't know", rightly.

    python -m bench.faq_eval              the table, both splits, per language
    python -m bench.faq_eval --misses     also list the dev questions not answered right
    python -m bench.faq_eval --json       one JSON object (what make bench records)
    python -m bench.faq_eval --folds      also ask the entries' own example questions, each
                                          held out of the index it is asked of (5 folds)

The folds are a second, larger measurement that anyone may tune on: every example question is
removed from the index (with a fifth of the others), then asked. It measures how well an entry
is found by questions it was not given, in the entries' own style, which the real questions of
eval/ are not: read it beside the dev figures, never instead of them.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.engine.features.faq import MAX_DID_YOU_MEAN  # the choices "did you mean" shows

QUESTIONS = Path(__file__).resolve().parent.parent / "eval" / "questions.yaml"
CLASSES = ("right", "suggested", "unsure", "wrong", "missed", "idk")


@dataclass(frozen=True)
class Question:
    text: str
    lang: str
    expect: frozenset[str] | None  # None: the bot should say it does not know
    split: str


@dataclass(frozen=True)
class Outcome:
    """What the user got: an entry answered directly, or choices, or nothing."""

    direct: str | None
    choices: tuple[str, ...] = ()


def split_of(text: str) -> str:
    """dev or test, from a hash of the question: fixed before any tuning, never re-drawn."""
    return "dev" if hashlib.sha256(text.strip().encode("utf-8")).digest()[0] % 2 == 0 else "test"


def load(path: Path = QUESTIONS) -> list[Question]:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for item in items:
        expect = item.get("expect")
        out.append(
            Question(
                text=item["q"],
                lang=item["lang"],
                expect=frozenset(expect) if expect else None,
                split=split_of(item["q"]),
            )
        )
    return out


def classify(q: Question, got: Outcome) -> str:
    if q.expect is None:
        if got.direct is not None:
            return "wrong"
        return "unsure" if got.choices else "idk"
    if got.direct is not None:
        return "right" if got.direct in q.expect else "wrong"
    if got.choices:
        return "suggested" if q.expect & set(got.choices[:MAX_DID_YOU_MEAN]) else "unsure"
    return "missed"


def ours(index) -> Callable[[str], Outcome]:
    """The outcome the engine turns a search result into (see the FAQ feature's reply)."""

    def ask(text: str) -> Outcome:
        result = index.search(text)
        if result.confident:
            return Outcome(result.matches[0].entry_id)
        return Outcome(None, tuple(m.entry_id for m in result.matches[:MAX_DID_YOU_MEAN]))

    return ask


def evaluate(questions: Iterable[Question], ask: Callable[[str], Outcome]) -> list[tuple]:
    """``(question, outcome, class)`` for every question."""
    out = []
    for q in questions:
        got = ask(q.text)
        out.append((q, got, classify(q, got)))
    return out


def summary(rows: list[tuple]) -> dict:
    """Counts and rates per split and language, plus top-1 (the first entry shown is right)."""
    groups: dict[str, list[tuple]] = {}
    for row in rows:
        q = row[0]
        for key in (f"{q.split}/{q.lang}", f"{q.split}/all"):
            groups.setdefault(key, []).append(row)
    out = {}
    for key, group in sorted(groups.items()):
        counts = Counter(c for _, _, c in group)
        answerable = [r for r in group if r[0].expect is not None]
        top1 = sum(
            1
            for q, got, _ in answerable
            if (got.direct or (got.choices[0] if got.choices else None)) in q.expect
        )
        out[key] = {
            "n": len(group),
            "answerable": len(answerable),
            **{c: counts.get(c, 0) for c in CLASSES},
            "right_rate": round(counts.get("right", 0) / max(len(answerable), 1), 3),
            "wrong_rate": round(counts.get("wrong", 0) / max(len(group), 1), 3),
            "top1": round(top1 / max(len(answerable), 1), 3),
        }
    return out


def table(stats: dict, title: str) -> str:
    head = f"{'split/lang':<10} {'n':>4} " + " ".join(f"{c:>9}" for c in CLASSES)
    head += f" {'right %':>8} {'wrong %':>8} {'top-1 %':>8}"
    lines = [title, head]
    for key, s in stats.items():
        line = f"{key:<10} {s['n']:>4} " + " ".join(f"{s[c]:>9}" for c in CLASSES)
        line += f" {100 * s['right_rate']:>7.1f}% {100 * s['wrong_rate']:>7.1f}%"
        line += f" {100 * s['top1']:>7.1f}%"
        lines.append(line)
    lines.append(
        "right % = answered directly and right, of the questions an entry answers; "
        "wrong % = answered directly and wrong, of all questions"
    )
    return "\n".join(lines)


def bm25_baseline(kb) -> Callable[[str], Outcome]:
    """bm25s over every field of every entry (both languages), top-1 answered directly.

    The baseline has no thresholds: it always answers, so its top-1 is its right rate.
    """
    import bm25s

    from bot.search import fold

    corpus = []
    for entry in kb.faq.entries:
        parts = [entry.title, entry.answer, entry.more]
        parts += [w for ws in entry.keywords.values() for w in ws]
        parts += [q for qs in entry.examples.values() for q in qs]
        corpus.append(fold(" ".join(parts)))
    retriever = bm25s.BM25()
    retriever.index(
        bm25s.tokenize(corpus, stopwords=["en", "fr"], show_progress=False), show_progress=False
    )
    ids = [e.id for e in kb.faq.entries]

    def ask(text: str) -> Outcome:
        tokens = bm25s.tokenize([fold(text)], stopwords=["en", "fr"], show_progress=False)
        if not tokens.vocab:
            return Outcome(None)
        docs, scores = retriever.retrieve(tokens, k=1, show_progress=False)
        if scores[0][0] <= 0:
            return Outcome(None)
        return Outcome(ids[int(docs[0][0])])

    return ask


FOLDS = 5


def fold_of(text: str, folds: int = FOLDS) -> int:
    """Which fold an example question is held out in: fixed by a hash, like the split."""
    return hashlib.sha256(text.strip().encode("utf-8")).digest()[1] % folds


def held_out(kb, folds: int = FOLDS) -> dict[str, dict]:
    """Top-1 and direct answers for every example question, asked of an index built without the
    examples of its fold; per language and in all."""
    counts: dict[str, Counter] = {}
    for k in range(folds):
        held: list[tuple[str, str, str]] = []
        entries = []
        for entry in kb.faq.entries:
            kept = {}
            for lang, questions in entry.examples.items():
                kept[lang] = tuple(q for q in questions if fold_of(q, folds) != k)
                held += [(entry.id, lang, q) for q in questions if fold_of(q, folds) == k]
            entries.append(dataclasses.replace(entry, examples=kept))
        index = kb.faq.build_index(tuple(entries))
        for entry_id, lang, text in held:
            result = index.search(text)
            best = result.best.entry_id if result.best else None
            for key in (lang, "all"):
                c = counts.setdefault(key, Counter())
                c["n"] += 1
                c["top1"] += best == entry_id
                c["right"] += result.confident and best == entry_id
                c["wrong"] += result.confident and best != entry_id
    return {
        key: {
            "n": c["n"],
            "top1": round(c["top1"] / c["n"], 3),
            "right_rate": round(c["right"] / c["n"], 3),
            "wrong_rate": round(c["wrong"] / c["n"], 3),
        }
        for key, c in sorted(counts.items())
    }


def folds_table(stats: dict[str, dict]) -> str:
    lines = [
        f"Example questions held out of the index ({FOLDS} folds): tune on these freely",
        f"{'lang':<10} {'n':>4} {'right %':>8} {'wrong %':>8} {'top-1 %':>8}",
    ]
    for key, s in stats.items():
        lines.append(
            f"{key:<10} {s['n']:>4} {100 * s['right_rate']:>7.1f}% "
            f"{100 * s['wrong_rate']:>7.1f}% {100 * s['top1']:>7.1f}%"
        )
    return "\n".join(lines)


def run(with_baseline: bool = True) -> dict:
    """The figures make bench records (test split, totals only)."""
    from bot.knowledge import load_knowledge

    kb = load_knowledge()
    questions = load()
    stats = summary(evaluate(questions, ours(kb.faq.index)))
    result = {
        "faq_test_top1": stats["test/all"]["right_rate"],
        "faq_test_wrong_direct": stats["test/all"]["wrong_rate"],
        # the right entry ranked first (answered, or first under "did you mean"): the measure
        # comparable with the baseline, which always answers its top entry
        "faq_test_rank1": stats["test/all"]["top1"],
        "faq_test_top1_en": stats["test/en"]["right_rate"],
        "faq_test_top1_fr": stats["test/fr"]["right_rate"],
        "faq_dev_top1": stats["dev/all"]["right_rate"],
        # the entries' own example questions, each asked of an index built without it
        "faq_heldout_rank1": held_out(kb)["all"]["top1"],
    }
    if with_baseline:
        base = summary(evaluate(questions, bm25_baseline(kb)))
        result["bm25_test_top1"] = base["test/all"]["right_rate"]
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.faq_eval", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--misses", action="store_true", help="list the dev questions not answered right"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--no-baseline", action="store_true", help="skip the bm25s baseline")
    parser.add_argument(
        "--folds", action="store_true", help="also ask the examples, each held out of the index"
    )
    args = parser.parse_args(argv)

    from bot.knowledge import load_knowledge

    kb = load_knowledge()
    questions = load()
    unknown = sorted({e for q in questions for e in (q.expect or ()) if e not in kb.faq.by_id})
    rows = evaluate(questions, ours(kb.faq.index))
    stats = summary(rows)
    base = None if args.no_baseline else summary(evaluate(questions, bm25_baseline(kb)))
    folds = held_out(kb) if args.folds else None
    if args.json:
        out = {"ours": stats, "bm25": base, "unknown_ids": unknown}
        if folds is not None:
            out["held_out_examples"] = folds
        print(json.dumps(out, indent=2))
        return 0
    splits = Counter(q.split for q in questions)
    print(
        f"{len(questions)} questions ({splits['dev']} dev, {splits['test']} test), "
        f"{len(kb.faq.entries)} entries; split by a hash of the question (bench/faq_eval.py)\n"
    )
    print(table(stats, "aps-bot FAQ search"))
    if base is not None:
        print()
        print(table(base, "Baseline: bm25s over every field, always answers its top-1"))
    if folds is not None:
        print()
        print(folds_table(folds))
    if unknown:
        print(f"\nExpected ids missing from faq.yaml ({len(unknown)}): {', '.join(unknown)}")
    if args.misses:
        print("\nDev questions not answered right (the test split is never listed):")
        for q, got, cls in rows:
            if q.split == "dev" and cls not in ("right", "idk"):
                want = ",".join(sorted(q.expect)) if q.expect else "null"
                shown = got.direct or "?" + "/".join(got.choices)
                print(f"  [{cls}] want {want} got {shown}: {q.text[:150]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
