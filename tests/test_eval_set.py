"""The evaluation set and how `make eval` reads a reply (bench/faq_eval.py, eval/README.md)."""

from __future__ import annotations

from pathlib import Path

import yaml

from bench.faq_eval import Outcome, Question, classify, split_of, stats_of

QUESTIONS = Path(__file__).resolve().parent.parent / "eval" / "questions.yaml"


def test_only_dev_items_are_relabelled_and_each_says_why() -> None:
    items = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    relabelled = [item for item in items if "relabelled" in item]
    assert relabelled
    for item in relabelled:
        note = item["relabelled"]
        assert split_of(item["q"]) == "dev", item["q"]
        assert set(note) == {"was", "why"} and len(note["why"]) > 20, item["q"]
        assert set(note["was"]) < set(item["expect"]), item["q"]  # widened, never narrowed


FEE = Question("how much?", "en", frozenset({"fee"}), "dev")
NOTHING = Question("where is the bank?", "en", None, "dev")


def test_each_reply_is_read_as_the_student_reads_it() -> None:
    right = classify(FEE, Outcome("answer", ("fee",), ("timbre",), "fee"))
    assert right.first and right.tap and not right.misleading
    composed = classify(FEE, Outcome("composed", ("timbre", "fee"), ("timbre", "fee")))
    assert composed.first and not composed.wrong_direct
    near = classify(FEE, Outcome("answer", ("timbre",), ("fee",), "timbre"))
    assert not near.first and near.tap and near.wrong_direct and not near.misleading
    wrong = classify(FEE, Outcome("answer", ("timbre",), ("documents",), "timbre"))
    assert wrong.misleading and wrong.wrong_direct and not wrong.tap
    menu = classify(FEE, Outcome("suggest", (), ("documents", "fee")))
    assert menu.menu and menu.tap and not menu.first
    assert classify(FEE, Outcome("unknown")).missed
    assert classify(NOTHING, Outcome("unknown")).idk
    assert classify(NOTHING, Outcome("answer", ("fee",), (), "fee")).misleading
    assert not classify(NOTHING, Outcome("composed", ("fee", "timbre"))).misleading


def test_rates_are_of_the_answerable_questions_or_of_all() -> None:
    rows = [
        (FEE, got, classify(FEE, got))
        for got in (
            Outcome("answer", ("fee",), (), "fee"),
            Outcome("answer", ("timbre",), (), "timbre"),
        )
    ]
    rows.append((NOTHING, Outcome("unknown"), classify(NOTHING, Outcome("unknown"))))
    stats = stats_of(rows)
    assert stats["first_reply_right"] == 0.5  # of the 2 answerable
    assert stats["misleading"] == round(1 / 3, 3)  # of all 3
    assert stats["idk"] == 1 and stats["idk_rate"] == 1.0
    assert (stats["answer"], stats["unknown"]) == (2, 1)


def test_confusions_pair_what_was_wanted_with_what_was_ranked_first() -> None:
    from bench.faq_eval import confusions

    stamp = Question("the stamp?", "en", frozenset({"timbre"}), "dev")
    timbre = Outcome("answer", ("timbre",), ("documents",), "timbre")
    asked = [
        (FEE, timbre),
        (FEE, timbre),
        (stamp, Outcome("answer", ("fee",), (), "fee")),
        (FEE, Outcome("composed", ("timbre", "fee"), (), "timbre")),  # right in the reply
        (NOTHING, timbre),  # no entry answers it: no pair
    ]
    (pair, ways), *rest = confusions([(q, got, classify(q, got)) for q, got in asked])
    assert pair == {"fee", "timbre"} and not rest
    assert ways == {("fee", "timbre"): 2, ("timbre", "fee"): 1}
