"""The search's parts: numbers, lexicons, rules and what a third language needs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.knowledge import KnowledgeError, load_knowledge
from bot.search import IndexDoc, SearchRules
from bot.search.analyze import Analyzer, number_tokens
from bot.search.index import FaqIndex
from bot.search.lexicon import build
from bot.search.result import OUT_OF_SCOPE

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


def test_a_question_closest_to_the_out_of_scope_ones_gets_no_entry() -> None:
    """faq.yaml's out_of_scope questions are indexed as one more document: a question nearest to
    them gets no match ("I don't know"), and that document is never shown as an entry."""
    en = build("en", "english", ["can", "i", "a", "the", "my", "how", "do", "in"], {}, {})
    docs = [
        IndexDoc("work", (("title", "en", "work on the rece card"),)),
        IndexDoc("fee", (("title", "en", "fee of the rece card"),)),
        IndexDoc(
            OUT_OF_SCOPE,
            (
                ("examples", "en", "how do I rent a flat in lyon"),
                ("examples", "en", "crous housing application"),
            ),
        ),
    ]
    index = FaqIndex(docs, {"en": en}, SearchRules())
    assert index.rank("can I work on my rece card")[0][0] == "work"
    assert not index.search("can I work on my rece card").out_of_scope
    out = index.search("how do I rent a crous flat")
    assert out.out_of_scope and out.matches == () and not out.confident
    for text in (
        "how do I rent a crous flat",
        "rece card fee",
        "flat",
        "crous housing application",
    ):
        assert OUT_OF_SCOPE not in [e for e, _ in index.rank(text, 5)]
        assert OUT_OF_SCOPE not in [m.entry_id for m in index.search(text).matches]


def test_the_real_out_of_scope_questions_are_not_answered_and_entries_still_are() -> None:
    kb = load_knowledge()
    assert kb.faq.out_of_scope["en"] and kb.faq.out_of_scope["fr"]
    for lang in kb.faq.out_of_scope:  # every language that has some
        question = kb.faq.out_of_scope[lang][0]
        result = kb.faq.index.search(question)
        assert result.out_of_scope and result.matches == (), question
    # no example question of an entry, nor any paraphrase, is taken for an out-of-scope one
    questions = [q for e in kb.faq.entries for qs in e.examples.values() for q in qs]
    paraphrases = Path(__file__).parent / "knowledge" / "paraphrases.yaml"
    questions += [p["q"] for p in yaml.safe_load(paraphrases.read_text(encoding="utf-8"))]
    swallowed = [q for q in questions if kb.faq.index.search(q).out_of_scope]
    assert not swallowed, swallowed[:5]


def test_an_entrys_own_example_word_for_word_gets_that_entry() -> None:
    """Words every entry uses rank nothing: a question that is one of an entry's examples (stop
    words aside) still gets that entry, directly, even when five entries that say "apply" and
    "rece" more often come first; an example two entries share decides nothing."""
    en = build("en", "english", ["who", "can", "for", "the", "a"], {}, {})
    docs = [
        IndexDoc(f"when{i}", (("title", "en", f"apply for the rece {word}"),))
        for i, word in enumerate(["now", "later", "online", "abroad", "late"])
    ]
    docs += [
        IndexDoc(
            "who",
            (
                ("title", "en", "eligibility conditions of masters students"),
                ("examples", "en", "who can apply for the rece"),
            ),
        ),
        IndexDoc("x", (("examples", "en", "shared question"),)),
        IndexDoc("y", (("examples", "en", "shared question"),)),
    ]
    index = FaqIndex(docs, {"en": en}, SearchRules())
    assert index.rank("who can apply for the rece")[0][0] != "who"  # the words alone
    result = index.search("Who can apply for the RECE?")
    assert result.exact and result.confident and result.best.entry_id == "who"
    assert not index.search("who can apply for the rece card").exact  # not word for word
    assert not index.search("shared question").exact
