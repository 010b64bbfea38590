"""The search's parts: numbers, lexicons, rules and what a third language needs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.knowledge import KnowledgeError, load_knowledge
from bot.search import IndexDoc, SearchRules
from bot.search.analyze import Analyzer, number_tokens
from bot.search.index import FaqIndex
from bot.search.lexicon import build

KB = Path(__file__).parent / "fixtures" / "kb"


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("is it really 75€?", ["#75"]),
        ("2 734,55 € brut", ["#2734.55", "#2734"]),
        ("2\u202f734,55\u00a0€", ["#2734.55", "#2734"]),
        ("2,734.55 gross", ["#2734.55", "#2734"]),
        ("39,582 a year", ["#39582"]),
        ("39 582 € par an", ["#39582"]),
        ("1.5 x smic", ["#1.5", "#1"]),
        ("expires 15/03/2027", []),
        ("a2 level, b1", []),
        ("capped at 964h?", ["#964"]),
    ],
)
def test_numbers_are_read_as_people_write_amounts(text: str, tokens: list[str]) -> None:
    found, _ = number_tokens(text)
    assert found == tokens


def analyzer() -> Analyzer:
    en = build(
        "en", "english", ["the", "how", "is"], {"pls": "please"}, {"cost": ["fee", "how much"]}
    )
    fr = build(
        "fr",
        "french",
        ["le", "la", "est"],
        {"pref": "prefecture"},
        {"cost": ["prix", "combien coute"]},
    )
    return Analyzer({"en": en, "fr": fr})


def test_concepts_link_words_across_languages_and_phrases_win() -> None:
    a = analyzer()
    _, en = a.query_terms("How much is the fee?")
    _, fr = a.query_terms("Combien coûte la carte à la PREF ?")
    # each concept, and each word as written (exact words count a little more)
    assert [t.candidates for t in en] == [("@cost",), ("@cost",), ("=fee",)]
    assert fr[0].candidates == ("@cost",)
    assert any("prefectur" in t.candidates for t in fr)  # the spelling, then the stem
    assert a.doc_terms("Fee paid", "en")[0] == "@cost"
    en = build("en", "english", [], {}, {"cost": ["price"]})
    assert Analyzer({"en": en}).doc_terms("Prices went up", "en")[0] == "@cost"  # through stems


def test_a_question_word_keeps_one_candidate_per_language() -> None:
    a = analyzer()
    _, words = a.query_terms("documents")
    assert set(words[0].candidates) == {lx.stem("documents") for lx in a.lexicons.values()}
    assert len(words[0].candidates) == 2  # "document" in English, "docu" in French


def test_rece_named_leaves_out_bilateral_only_entries_and_nationality_prefers_its_country() -> None:
    en = build(
        "en",
        "english",
        ["can", "i", "on", "my", "with", "a", "the"],
        {},
        {"rece": ["rece"], "india": ["indian"], "work": ["work"], "aps": ["aps"]},
    )
    docs = [
        IndexDoc("work_rece", (("title", "en", "work on the rece"),), scope="rece"),
        IndexDoc("work_aps", (("title", "en", "work with a bilateral aps"),), scope="bilateral"),
        IndexDoc("india", (("title", "en", "indian aps"),), nationality="india"),
    ]
    index = FaqIndex(
        docs, {"en": en}, SearchRules(rece=frozenset({"rece"}), bilateral=frozenset({"india"}))
    )
    assert [e for e, _ in index.rank("can I work on my rece")] == ["work_rece"]
    indian = [e for e, _ in index.rank("indian: can I work on my aps")]
    assert "work_rece" not in indian and indian[0] == "india"


def test_a_figure_finds_the_entries_that_state_it(tmp_path: Path) -> None:
    kb = load_knowledge(KB)
    # the fixture's fee is €150 now and was €75: both figures lead to it
    for text in ("75 euros?", "is it 150 €", "100 + 50"):
        ranked = kb.faq.index.rank(text)
        assert ranked and ranked[0][0] == "fee", text


def test_lexicon_problems_are_reported_with_file_and_line(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    shutil.copytree(KB, kb)
    lexicon = kb / "lexicon" / "en.yaml"
    text = lexicon.read_text(encoding="utf-8")
    text = text.replace("stemmer: english", "stemmer: klingon")
    text = text.replace("  india: [india, indian]", "  india: [india, indian, fee]")
    lexicon.write_text(text + "colour: blue\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(kb)
    found = [str(p) for p in info.value.problems]
    assert any("en.yaml:3: stemmer must be a Snowball algorithm" in p for p in found), found
    assert any("'fee' is in concept india here and in concept cost" in p for p in found), found
    assert any("unknown key 'colour'" in p for p in found), found
