"""``python -m bench.zh_segmenters``: how Chinese questions are understood with each segmenter.

knowledge/lexicon/zh.yaml names the segmenter that cuts Chinese into words (`bot.search.segment`):
jieba (rjieba, the jieba dictionary and algorithm) or character bigrams. This builds the
knowledge once per segmenter (a copy of the folder whose zh.yaml names it) and prints, for the
Chinese questions only, the figures of ``make eval`` on the dev split and on the Chinese example
questions held out of the index (5 folds). The test split is never read here: choose on these.

    python -m bench.zh_segmenters           both segmenters, dev and held-out examples
    python -m bench.zh_segmenters --misses  also the dev questions not right in the first reply
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.faq_eval import evaluate, held_out, load, ours, summary, table
from bot.search.segment import SEGMENTERS

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"
LANG = "zh"


def knowledge_with(segmenter: str, folder: Path) -> Path:
    """A copy of the knowledge folder whose Chinese lexicon names `segmenter`."""
    copy = folder / segmenter
    shutil.copytree(KNOWLEDGE, copy)
    lexicon = copy / "lexicon" / f"{LANG}.yaml"
    text = lexicon.read_text(encoding="utf-8")
    lexicon.write_text(
        re.sub(r"(?m)^segmenter: .*$", f"segmenter: {segmenter}", text), encoding="utf-8"
    )
    return copy


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.zh_segmenters", description=__doc__)
    parser.add_argument("--misses", action="store_true", help="list the dev questions missed")
    args = parser.parse_args(argv)

    from bot.knowledge import load_knowledge

    questions = [q for q in load() if q.lang == LANG and q.split == "dev"]
    with tempfile.TemporaryDirectory() as tmp:
        for segmenter in SEGMENTERS:
            start = time.perf_counter()
            kb = load_knowledge(knowledge_with(segmenter, Path(tmp)))
            kb.faq.index  # noqa: B018 (built now, so that the time below is the build's)
            built = time.perf_counter() - start
            rows = evaluate(questions, ours(kb))
            folds = [r for r in held_out(kb) if r[0].lang == LANG]
            stats = {**summary(rows), **summary(folds)}
            print(
                table(
                    {k: v for k, v in stats.items() if k.endswith(f"/{LANG}")},
                    f"segmenter: {segmenter} (knowledge loaded and indexed in {built:.1f} s)",
                ).split("\nfirst =")[0]
            )
            if args.misses:
                for q, got, v in rows:
                    if not v.first and not v.idk:
                        want = ",".join(sorted(q.expect)) if q.expect else "null"
                        print(
                            f"  [{got.kind}] want {want} shown {'/'.join(got.shown) or '-'}: "
                            f"{q.text[:80]}"
                        )
            print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
