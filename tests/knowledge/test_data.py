"""Facts and sources: dated figures, computed figures, provenance and citations."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from bot.knowledge import KnowledgeError, load_knowledge
from bot.knowledge.facts import recent_change
from bot.knowledge.load import fact_checked
from tests.knowledge.helpers import KB

NOV_2026 = dt.date(2026, 11, 30)
APRIL_2026 = dt.date(2026, 4, 15)


def value(fact: str, day: dt.date = NOV_2026) -> Decimal | dt.date:
    return KB.facts[fact].at(day).value


def test_the_2026_finance_law_doubled_the_rece_fee_from_may_2026() -> None:
    assert value("fee_rece", APRIL_2026) == Decimal("75")
    assert value("fee_rece") == Decimal("150")
    assert (value("rece_tax"), value("stamp_duty")) == (Decimal("100"), Decimal("50"))
    assert value("aps_tax", APRIL_2026) == 0 and value("aps_tax") == Decimal("100")
    start = KB.facts["fee_rece"].at(NOV_2026).start
    assert start is not None and start.iso() == "2026-05" and start.month_only
    change = recent_change(KB.facts["fee_rece"], NOV_2026)
    assert change is not None and change[0].value == Decimal("75")
    # the 2026 amounts rest on secondary sources and an MP's question: the fact says so
    assert KB.facts["fee_rece"].uncertain


def test_thresholds_follow_the_smic_from_its_own_dates() -> None:
    assert value("salary_threshold", dt.date(2025, 6, 1)) == Decimal("2702.70")
    assert value("salary_threshold", APRIL_2026) == Decimal("2734.55")  # F17319, Jan 2026
    assert value("smic_monthly", APRIL_2026) == Decimal("1823.03")
    # the SMIC of 1 June 2026 (arrêté du 22 mai 2026): 12.31 an hour, 1 867,02 a month
    assert value("smic_hourly") == Decimal("12.31") and value("smic_monthly") == Decimal("1867.02")
    assert value("salary_threshold") == Decimal("2800.53")
    start = KB.facts["salary_threshold"].at(NOV_2026).start
    assert start is not None and start.iso() == "2026-06-01"
    change = recent_change(KB.facts["salary_threshold"], NOV_2026)
    assert change is not None and change[0].value == Decimal("2734.55")
    assert value("talent_salary_threshold", dt.date(2025, 7, 1)) == Decimal("43243.20")
    assert value("talent_salary_threshold") == Decimal("39582")
    assert value("blue_card_threshold", dt.date(2025, 7, 1)) == Decimal("53836.50")
    assert value("blue_card_threshold") == Decimal("59373")
    # the June 2026 SMIC was read as quoted by third parties; a December rise was not found
    assert KB.facts["salary_threshold"].uncertain and KB.facts["smic_hourly"].uncertain


def test_rule_change_dates() -> None:
    assert value("rece_replaced_aps") == dt.date(2019, 3, 1)
    assert value("india_mmpa_in_force") == dt.date(2021, 10, 1)
    assert value("engagement_contract_since") == dt.date(2024, 7, 17)


def test_a_figure_is_as_fresh_as_the_newest_read_of_its_sources() -> None:
    fee = KB.facts["fee_rece"]
    assert fact_checked(fee, KB.sources, NOV_2026) == dt.date(2026, 12, 7)
    # before May 2026 the €75 rests on F17319, read again on 7 December 2026
    assert fact_checked(fee, KB.sources, APRIL_2026) == dt.date(2026, 12, 7)
    for src in KB.sources.values():
        for read in src.reads:
            assert read.showed, src.id  # a read says what the source showed
        if src.published and src.checked:
            assert src.published.date <= src.checked, src.id


def test_every_source_is_cited_and_every_citation_exists() -> None:
    cited = {s for f in KB.facts.values() for s in f.sources}
    cited |= {s for n in KB.flow.nodes.values() for s in n.sources}
    cited |= {s for e in KB.faq.entries for s in e.sources}
    assert cited <= set(KB.sources)
    assert set(KB.sources) <= cited, f"unused sources: {set(KB.sources) - cited}"
    for src in KB.sources.values():
        assert src.url.startswith(("https://", "http://")), src.id  # http where only it was read


def test_every_source_opens_its_text_and_every_read_names_what_it_read() -> None:
    for src in KB.sources.values():
        path = src.url.split("://", 1)[1].partition("/")[2].split("?")[0]
        assert path, f"{src.id} opens a home page"
        assert "github.com" not in src.url, src.id
    # the 30 November reads were of copies: F17319 held its January 2026 version
    f17319 = KB.sources["S1"]
    assert all(r.copy for r in f17319.reads)
    assert f17319.best_read is not None and f17319.best_read.version.iso() == "2026-01-01"


def test_a_countrys_agreement_is_not_cited_for_another_answer(tmp_path: Path) -> None:
    """The M1 answer once cited the France–Gabon agreement: the loader now refuses that."""
    assert "S18" not in KB.faq.by_id["m1_only"].sources
    kb = tmp_path / "knowledge"
    shutil.copytree(KB.path, kb)
    faq = (kb / "faq.yaml").read_text(encoding="utf-8")
    faq = faq.replace("    sources: [S6, S1, S4, S70]\n", "    sources: [S6, S1, S4, S18]\n", 1)
    (kb / "faq.yaml").write_text(faq, encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"faq m1_only cites S18 .* concerns gabon only"):
        load_knowledge(kb, today=NOV_2026)


def test_every_uncertain_figure_carries_a_warning_wherever_it_is_shown() -> None:
    shaky = {fid for fid, f in KB.facts.items() if f.uncertain}
    assert {"fee_rece", "aps_tax", "india_aps_months", "family_reunification_months"} <= shaky
    texts = [(e.id, t) for e in KB.faq.entries for t in (e.answer, e.more)]
    for node in KB.flow.nodes.values():
        texts += [(node.id, t) for t in (node.status, node.cost, node.where, node.deadline)]
        texts += [(node.id, i.text) for i in (*node.steps, *node.documents, *node.pitfalls)]
    for where, text in texts:
        if any("{" + fid in text for fid in shaky):
            assert "⚠️" in text, where
