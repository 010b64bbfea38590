"""Facts and sources: computed figures, dates and citations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tests.knowledge.helpers import KB


def value(fact: str) -> Decimal | dt.date:
    return KB.facts[fact].value


def test_fee_and_thresholds_are_computed_from_their_parts() -> None:
    assert value("fee_rece") == Decimal("75")
    assert value("salary_threshold_official") == Decimal("2702.70")
    assert value("smic_monthly_2026") == Decimal("1823.03")
    assert value("salary_threshold_2026") == Decimal("2734.55")
    assert value("talent_threshold_before") == Decimal("43243.20")
    assert value("blue_card_threshold") == Decimal("59373")
    assert KB.facts["salary_threshold_2026"].compute  # computed, not read: answers say so


def test_rule_change_dates() -> None:
    assert value("rece_replaced_aps") == dt.date(2019, 3, 1)
    assert value("india_mmpa_in_force") == dt.date(2021, 10, 1)
    assert value("engagement_contract_since") == dt.date(2024, 7, 17)


def test_every_source_is_cited_and_every_citation_exists() -> None:
    cited = {s for f in KB.facts.values() for s in f.sources}
    cited |= {s for n in KB.flow.nodes.values() for s in n.sources}
    cited |= {s for e in KB.faq.entries for s in e.sources}
    assert cited <= set(KB.sources)
    assert set(KB.sources) <= cited, f"unused sources: {set(KB.sources) - cited}"
    for src in KB.sources.values():
        assert src.url.startswith("https://"), src.id


def test_computed_2026_amounts_are_labelled_as_computed() -> None:
    for entry in KB.faq.entries:
        for text in (entry.answer, entry.more):
            if "{salary_threshold_2026}" in text:
                assert "computation" in text, entry.id
    for node in KB.flow.nodes.values():
        for item in (*node.steps, *node.pitfalls, *node.uncertain):
            if "{salary_threshold_2026}" in item.text:
                assert "computation" in item.text, node.id
