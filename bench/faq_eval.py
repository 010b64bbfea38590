"""``make eval``: what students see when they ask the questions they really write (eval/questions.yaml).

Each question lists the entries that answer it (any of them counts), or ``null`` when the bot
should say it does not know. The set is split once, by a fixed hash of the question, into a
``dev`` half (for tuning: look at its misses with ``--misses``) and a ``test`` half, which is only
ever reported as totals: nobody reads its questions while tuning, so its figures say how the
bot generalises.

Every first reply is classified as the student reads it (`bot.search.decide` says what it is):

- **right in the first reply**: a direct answer from a right entry, or a composed reply that
  includes one (of the questions an entry answers);
- **one tap away**: a right entry is in the reply or behind one of its buttons ("Related",
  "More", the titles of "did you mean"); this includes the first;
- **misleading**: a direct answer from a wrong entry with no right entry among its buttons
  (and any direct answer to a question no entry answers), of all questions;
- **wrong direct**: a direct answer from a wrong entry, buttons or not, of all questions;
- **menus**: "did you mean" replies, of all questions;
- **I don't know**: correct "I don't know" to the questions no entry answers.

    python -m bench.faq_eval              the table, both splits, per language
    python -m bench.faq_eval --misses     also list the dev questions not answered right
    python -m bench.faq_eval --json       one JSON object (what make bench records)
    python -m bench.faq_eval --folds      also ask the entries' own example questions (and the
                                          out-of-scope ones), each held out of the index (5 folds)
    python -m bench.faq_eval --confusions the pairs of entries most often taken for each other
                                          (dev and held-out examples; never test), to sharpen

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

from bot.engine.features.faq import one_tap
from bot.search.decide import ANSWER, COMPOSED, KINDS, SUGGEST, UNKNOWN, decide

QUESTIONS = Path(__file__).resolve().parent.parent / "eval" / "questions.yaml"


@dataclass(frozen=True)
class Question:
    text: str
    lang: str
    expect: frozenset[str] | None  # None: the bot should say it does not know
    split: str


@dataclass(frozen=True)
class Outcome:
    """What the student got: the reply's kind, the entries whose text it shows, the entries one
    tap away (its buttons), and the entry the search ranked first."""

    kind: str
    shown: tuple[str, ...] = ()
    tap: tuple[str, ...] = ()
    first: str | None = None


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


@dataclass(frozen=True)
class Verdict:
    """How one reply reads to the student who asked."""

    first: bool = False  # a right entry's text is in the first reply
    tap: bool = False  # a right entry is in the reply or one tap away
    misleading: bool = False
    wrong_direct: bool = False
    menu: bool = False
    idk: bool = False  # a correct "I don't know"
    missed: bool = False  # "I don't know" although an entry answers it


def classify(q: Question, got: Outcome) -> Verdict:
    menu = got.kind == SUGGEST
    if q.expect is None:
        direct = got.kind == ANSWER
        return Verdict(misleading=direct, wrong_direct=direct, menu=menu, idk=got.kind == UNKNOWN)
    first = bool(q.expect & set(got.shown))
    tap = first or bool(q.expect & set(got.tap))
    wrong = got.kind == ANSWER and not first
    return Verdict(
        first=first,
        tap=tap,
        misleading=wrong and not tap,
        wrong_direct=wrong,
        menu=menu,
        missed=got.kind == UNKNOWN,
    )


def ours(kb, index=None) -> Callable[[str], Outcome]:
    """The first reply the engine gives (`bot.search.decide`, then the FAQ feature's buttons)."""
    index = index or kb.faq.index

    def ask(text: str) -> Outcome:
        decision = decide(index, text)
        best = decision.result.best
        return Outcome(
            decision.kind,
            decision.shown,
            one_tap(kb, decision),
            best.entry_id if best else None,
        )

    return ask


def evaluate(questions: Iterable[Question], ask: Callable[[str], Outcome]) -> list[tuple]:
    """``(question, outcome, verdict)`` for every question."""
    out = []
    for q in questions:
        got = ask(q.text)
        out.append((q, got, classify(q, got)))
    return out


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 0.0


def stats_of(group: list[tuple]) -> dict:
    """The figures of one group of ``(question, outcome, verdict)`` rows."""
    answerable = [r for r in group if r[0].expect is not None]
    nulls = [r for r in group if r[0].expect is None]
    n = len(group)
    count = Counter()
    for q, got, v in group:
        count["kind." + got.kind] += 1
        for name in ("first", "tap", "misleading", "wrong_direct", "menu", "idk", "missed"):
            count[name] += getattr(v, name)
        if q.expect is not None:
            count["rank1"] += got.first in q.expect
            count["right_direct"] += got.kind == ANSWER and v.first
    return {
        "n": n,
        "answerable": len(answerable),
        "nulls": len(nulls),
        "first_reply_right": _rate(count["first"], len(answerable)),
        "one_tap": _rate(count["tap"], len(answerable)),
        "misleading": _rate(count["misleading"], n),
        "wrong_direct": _rate(count["wrong_direct"], n),
        "menu_share": _rate(count["menu"], n),
        "idk": count["idk"],
        "idk_rate": _rate(count["idk"], len(nulls)),
        "missed": count["missed"],
        # the right entry answered directly: what the figures before issue 19 called right
        "right_direct": _rate(count["right_direct"], len(answerable)),
        # the right entry ranked first by the search, whatever is shown
        "top1": _rate(count["rank1"], len(answerable)),
        **{kind: count["kind." + kind] for kind in KINDS},
    }


def summary(rows: list[tuple], key: Callable[[Question], str] | None = None) -> dict:
    """Figures per split and language (or per `key`), and for all languages."""
    groups: dict[str, list[tuple]] = {}
    for row in rows:
        q = row[0]
        prefix = key(q) if key else q.split
        for name in (f"{prefix}/{q.lang}", f"{prefix}/all"):
            groups.setdefault(name, []).append(row)
    return {name: stats_of(group) for name, group in sorted(groups.items())}


def table(stats: dict, title: str) -> str:
    head = (
        f"{'split/lang':<11}{'n':>4} {'first':>6} {'1 tap':>6} {'mislead':>7} {'wrong':>6} "
        f"{'menus':>6} {'idk':>7} | {'answer':>6} {'compose':>7} {'suggest':>7} {'unknown':>7} "
        f"| {'top-1':>6}"
    )
    lines = [title, head]
    for key, s in stats.items():
        idk = f"{s['idk']}/{s['nulls']}"
        lines.append(
            f"{key:<11}{s['n']:>4} {_pc(s['first_reply_right'])} {_pc(s['one_tap'])} "
            f"{_pc(s['misleading'], 7)} {_pc(s['wrong_direct'])} {_pc(s['menu_share'])} "
            f"{idk:>7} | {s[ANSWER]:>6} {s[COMPOSED]:>7} {s[SUGGEST]:>7} {s[UNKNOWN]:>7} "
            f"| {_pc(s['top1'])}"
        )
    lines.append(
        "first = a right entry answered or composed in the first reply; 1 tap = a right entry in "
        "the reply or behind one of its buttons\n"
        "(both of the questions an entry answers); mislead = a wrong direct answer with no right "
        "entry among its buttons; wrong = any wrong\n"
        'direct answer; menus = "did you mean" (these three of all questions); idk = correct '
        '"I don\'t know" of the questions no entry answers;\n'
        "answer…unknown = the replies of each kind; top-1 = the search ranks a right entry first"
    )
    return "\n".join(lines)


def _pc(rate: float, width: int = 6) -> str:
    return f"{100 * rate:.1f}%".rjust(width)


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
            return Outcome(UNKNOWN)
        docs, scores = retriever.retrieve(tokens, k=1, show_progress=False)
        if scores[0][0] <= 0:
            return Outcome(UNKNOWN)
        best = ids[int(docs[0][0])]
        return Outcome(ANSWER, (best,), (), best)

    return ask


FOLDS = 5


def fold_of(text: str, folds: int = FOLDS) -> int:
    """Which fold an example question is held out in: fixed by a hash, like the split."""
    return hashlib.sha256(text.strip().encode("utf-8")).digest()[1] % folds


def held_out(kb, folds: int = FOLDS) -> list[tuple]:
    """``(question, outcome, verdict)`` for every example question (and every out-of-scope
    one), asked of an index built without the examples of its fold."""
    rows = []
    for k in range(folds):
        held: list[Question] = []
        entries = []
        for entry in kb.faq.entries:
            kept = {}
            for lang, questions in entry.examples.items():
                kept[lang] = tuple(q for q in questions if fold_of(q, folds) != k)
                held += [
                    Question(q, lang, frozenset((entry.id,)), "folds")
                    for q in questions
                    if fold_of(q, folds) == k
                ]
            entries.append(dataclasses.replace(entry, examples=kept))
        unanswerable = {}
        for lang, questions in kb.faq.out_of_scope.items():
            unanswerable[lang] = tuple(q for q in questions if fold_of(q, folds) != k)
            held += [Question(q, lang, None, "folds") for q in questions if fold_of(q, folds) == k]
        index = kb.faq.build_index(tuple(entries), unanswerable)
        rows += evaluate(held, ours(kb, index))
    return rows


def confusions(rows: Iterable[tuple]) -> list[tuple[frozenset[str], Counter]]:
    """The pairs of entries taken for each other, most frequent first: for every answerable
    question not right in the first reply, (what it wanted, what the search ranked first). Each
    pair's Counter holds both directions, ``(wanted, got)`` → how often."""
    pairs: dict[frozenset[str], Counter] = {}
    for q, got, v in rows:
        if q.expect is None or v.first or got.first is None or got.first in q.expect:
            continue
        want = ",".join(sorted(q.expect))
        pairs.setdefault(frozenset((want, got.first)), Counter())[(want, got.first)] += 1
    return sorted(pairs.items(), key=lambda item: (-item[1].total(), sorted(item[0])))


def confusion_table(rows: Iterable[tuple], title: str, limit: int = 30) -> str:
    lines = [title]
    for pair, directions in confusions(rows)[:limit]:
        ways = ", ".join(f"{a} → {b}: {n}" for (a, b), n in directions.most_common())
        lines.append(f"{directions.total():>4}  {' / '.join(sorted(pair))}  ({ways})")
    return "\n".join(lines)


def run(with_baseline: bool = True) -> dict:
    """The figures make bench records (test split, totals only; the held-out examples)."""
    from bot.knowledge import load_knowledge

    kb = load_knowledge()
    questions = load()
    stats = summary(evaluate(questions, ours(kb)))
    test, folds = stats["test/all"], summary(held_out(kb))["folds/all"]
    result = {
        "faq_test_first_reply_right": test["first_reply_right"],
        # per language: every language of the set (en, fr, zh…), read from it
        **{
            f"faq_test_first_reply_right_{key.split('/')[1]}": s["first_reply_right"]
            for key, s in stats.items()
            if key.startswith("test/") and key != "test/all"
        },
        **{
            f"faq_test_misleading_{key.split('/')[1]}": s["misleading"]
            for key, s in stats.items()
            if key.startswith("test/") and key != "test/all"
        },
        "faq_test_one_tap": test["one_tap"],
        "faq_test_misleading": test["misleading"],
        "faq_test_menu_share": test["menu_share"],
        "faq_test_idk_rate": test["idk_rate"],
        # the right entry answered directly, and wrong direct answers (buttons or not)
        "faq_test_top1": test["right_direct"],
        "faq_test_wrong_direct": test["wrong_direct"],
        # the right entry ranked first (answered, composed first or first under "did you mean"):
        # the measure comparable with the baseline, which always answers its top entry
        "faq_test_rank1": test["top1"],
        "faq_dev_first_reply_right": stats["dev/all"]["first_reply_right"],
        # the entries' own example questions, each asked of an index built without it
        "faq_heldout_rank1": folds["top1"],
        "faq_heldout_first_reply_right": folds["first_reply_right"],
    }
    if with_baseline:
        base = summary(evaluate(questions, bm25_baseline(kb)))
        result["bm25_test_top1"] = base["test/all"]["right_direct"]
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
    parser.add_argument(
        "--confusions",
        action="store_true",
        help="list the entry pairs most often taken for each other (dev and held-out examples)",
    )
    args = parser.parse_args(argv)

    from bot.knowledge import load_knowledge

    kb = load_knowledge()
    questions = load()
    unknown = sorted({e for q in questions for e in (q.expect or ()) if e not in kb.faq.by_id})
    rows = evaluate(questions, ours(kb))
    stats = summary(rows)
    base = None if args.no_baseline else summary(evaluate(questions, bm25_baseline(kb)))
    fold_rows = held_out(kb) if args.folds or args.confusions else None
    folds = summary(fold_rows) if args.folds else None
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
    print(table(stats, "What students see: the first reply of aps-bot"))
    if base is not None:
        print()
        print(
            table(base, "Baseline: bm25s over every field, always answers its top-1").split(
                "\nfirst ="
            )[0]
        )
    if folds is not None:
        print()
        print(
            table(
                folds,
                f"Example questions held out of the index ({FOLDS} folds; the out-of-scope ones "
                "count as nulls): tune on these freely",
            ).split("\nfirst =")[0]
        )
    if unknown:
        print(f"\nExpected ids missing from faq.yaml ({len(unknown)}): {', '.join(unknown)}")
    if args.confusions:
        dev_rows = [row for row in rows if row[0].split == "dev"]
        print()
        print(confusion_table(dev_rows, "Dev: wanted / ranked first, of the questions not right"))
        print()
        print(confusion_table(fold_rows, "Held-out examples: wanted / ranked first, not right"))
    if args.misses:
        print("\nDev questions not right in the first reply (the test split is never listed):")
        for q, got, v in rows:
            if q.split == "dev" and not v.first and not v.idk:
                want = ",".join(sorted(q.expect)) if q.expect else "null"
                tap = "" if not got.tap else " tap " + "/".join(got.tap)
                print(
                    f"  [{got.kind}{' 1-tap' if v.tap else ''}] want {want} shown "
                    f"{'/'.join(got.shown) or '-'}{tap}: {q.text[:150]}"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
