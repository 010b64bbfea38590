"""The questions every group sees every day, asked plainly, get their answer in the first reply.

The eval set (eval/questions.yaml) holds the long, situated questions students write; these are
the short ones they start with. Several of them failed before 2026-12-07 ("what is the RECE
card?" got "I don't know", "how long is the RECE?" nothing at all), and examples in other words
were added to the entries, and the questions no entry answers were cut into smaller hidden
documents (30 questions each, not 35: "can I stay in France to look for a job after
graduating?" came too close to one big one). This is a regression guard for the knowledge, not
a measure of how the search generalises (make eval is).
"""

from __future__ import annotations

import pytest

from bot.knowledge import load_knowledge
from bot.search.decide import decide

KB = load_knowledge()

PLAIN = [
    ("what is the RECE card?", {"aps_vs_rece"}),
    ("what is the APS?", {"aps_vs_rece"}),
    ("can I stay after graduating?", {"eligible"}),
    ("can I stay in France to look for a job after graduating?", {"eligible"}),
    ("can I work after graduation in France?", {"eligible", "work_during", "why_rece"}),
    ("am I eligible?", {"eligible"}),
    ("how long does the RECE card last?", {"duration"}),
    ("how long is the RECE?", {"duration"}),
    ("how long can I stay after my master?", {"duration", "eligible"}),
    ("how much does the RECE card cost?", {"fee"}),
    ("when should I apply for the RECE?", {"when_apply"}),
    ("which documents do I need for the RECE?", {"documents"}),
    ("can I work full time with the RECE?", {"work_during"}),
    ("where do I apply for the RECE?", {"where_apply", "anef"}),
    ("c'est quoi l'APS ?", {"aps_vs_rece"}),
    ("c'est quoi la carte recherche d'emploi ?", {"aps_vs_rece", "eligible"}),
    ("je peux rester en France après mon master pour chercher un travail ?", {"eligible"}),
    ("est-ce que je peux rester en france apres mes etudes ?", {"eligible"}),
    ("combien coûte la carte recherche d'emploi ?", {"fee"}),
    ("quels documents pour la RECE ?", {"documents"}),
    ("est-ce que je peux travailler à temps plein avec la RECE ?", {"work_during"}),
    ("la RECE dure combien de temps ?", {"duration"}),
    ("quand faire la demande de RECE ?", {"when_apply"}),
    ("毕业后可以留在法国找工作吗？", {"eligible"}),
    ("RECE是什么？", {"aps_vs_rece"}),
    ("RECE多少钱？", {"fee"}),
    ("拿着RECE可以全职工作吗？", {"work_during"}),
    ("RECE有效期多长？", {"duration"}),
]


@pytest.mark.parametrize(("text", "right"), PLAIN, ids=[t for t, _ in PLAIN])
def test_a_plain_question_is_answered_in_the_first_reply(text: str, right: set[str]) -> None:
    decision = decide(KB.faq.index, text)
    assert set(decision.shown) & right, (decision.kind, decision.shown, decision.offered)
