"""The loader rejects broken knowledge with file:line messages, all problems at once."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bot.knowledge import KnowledgeError, load_knowledge, load_sources
from bot.knowledge.facts import FactError, evaluate
from bot.knowledge.graph import mermaid

KB = Path(__file__).parent / "fixtures" / "kb"
TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(KB, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(kb: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(kb, today=TODAY)
    return [str(p) for p in info.value.problems]


def line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(needle)


def test_fixture_is_valid(kb: Path) -> None:
    k = load_knowledge(kb, today=TODAY)
    assert len(k.flow.nodes) == 9 and len(k.faq.entries) == 3 and not k.warnings


def test_malformed_yaml_gives_file_and_line(kb: Path) -> None:
    edit(kb / "flow.yaml", '    ask: "Which diploma?"', '    ask: "Which diploma?\n  bad: [')
    (found,) = problems(kb)
    assert found.startswith(f"{kb / 'flow.yaml'}:") and "invalid YAML" in found
    assert int(found.split(":")[1]) >= line_of(kb / "flow.yaml", "Which diploma?")


def test_unknown_target(kb: Path) -> None:
    edit(kb / "flow.yaml", "next: out_no", "next: out_nowhere")
    found = problems(kb)
    assert any("goes to 'out_nowhere', which does not exist" in p for p in found)
    assert any("outcome out_no cannot be reached" in p for p in found)
    line = line_of(kb / "flow.yaml", "  diploma:")
    assert any(p.startswith(f"{kb / 'flow.yaml'}:{line}: node diploma") for p in found)


def test_dead_end_cycle(kb: Path) -> None:
    edit(kb / "flow.yaml", "next: out_no", "next: loop")
    with (kb / "flow.yaml").open("a", encoding="utf-8") as f:
        f.write(
            '  loop:\n    ask: "Again?"\n    options:\n      - label: "Again"\n        next: loop\n'
        )
    found = problems(kb)
    assert any("node loop is a dead end" in p for p in found)


def test_unknown_placeholder_source_and_key(kb: Path) -> None:
    edit(kb / "faq.yaml", 'answer: "It costs **{fee}**."', 'answer: "It costs **{fees}**."')
    edit(
        kb / "faq.yaml",
        "sources: [S1]\n    related: [documents]",
        "sources: [S9]\n    related: [documents]",
    )
    edit(kb / "flow.yaml", "    input: date", "    input: date\n    nxt: route")
    found = problems(kb)
    assert any("faq.yaml" in p and "unknown placeholder {fees}" in p for p in found)
    assert any("faq.yaml" in p and "unknown source 'S9'" in p for p in found)
    assert any("flow.yaml" in p and "unknown key 'nxt'" in p for p in found)


def test_duplicate_keys_and_ids(kb: Path) -> None:
    edit(kb / "faq.yaml", "  - id: work", "  - id: fee")
    found = problems(kb)
    assert any("duplicate id" in p for p in found)
    edit(
        kb / "faq.yaml",
        '  - id: fee\n    topic: paper\n    title: "Can I work?"',
        '  - id: work\n    topic: paper\n    title: "Can I work?"',
    )
    edit(kb / "facts.yaml", "tax:", "fee:")
    assert any("duplicate key 'fee'" in p for p in problems(kb))


def test_too_few_examples_and_bad_related(kb: Path) -> None:
    edit(
        kb / "faq.yaml",
        '      fr: ["je peux travailler", "ai je le droit de bosser", "travail pendant la carte", "emploi autorise ?", "travailler a temps plein"]',
        '      fr: ["je peux travailler"]',
    )
    edit(kb / "faq.yaml", "related: []", "related: [nope]")
    found = problems(kb)
    assert any("at least 5 example questions in 'fr'" in p for p in found)
    assert any("related entry 'nope' does not exist" in p for p in found)


def test_when_must_use_a_known_answer(kb: Path) -> None:
    edit(kb / "flow.yaml", "when: {group: india}", "when: {nationality: india}")
    assert any("'when' uses 'nationality'" in p for p in problems(kb))


def test_facts_compute_and_freshness(kb: Path) -> None:
    edit(kb / "facts.yaml", 'compute: "tax + stamp"', 'compute: "tax + stamp + __import__"')
    assert any("unknown fact '__import__'" in p or "not allowed" in p for p in problems(kb))
    shutil.copy(KB / "facts.yaml", kb / "facts.yaml")
    # freshness is the newest read of a fact's sources, judged against `today`
    assert load_knowledge(kb, today=TODAY).warnings == ()
    k = load_knowledge(kb, today=dt.date(2027, 1, 15))
    assert {w.message for w in k.warnings} == {
        f"fact {fid}: its newest check was on 2026-06-01, more than 6 months ago: read its "
        "sources again"
        for fid in ("fee", "tax", "stamp", "duration")
    }
    edit(
        kb / "sources.yaml",
        "  reads:\n    - date: 2026-06-01\n",
        "  nothing:\n    - date: 2026-06-01\n",
    )
    assert any("unknown key 'nothing'" in p for p in problems(kb))
    edit(
        kb / "sources.yaml",
        '  nothing:\n    - date: 2026-06-01\n      showed: "the fee and the duration"\n',
        "",
    )
    k = load_knowledge(kb, today=TODAY)
    assert any("none of its sources was ever read by us" in w.message for w in k.warnings)


def test_histories_must_be_ordered_and_not_overlap(kb: Path) -> None:
    edit(
        kb / "facts.yaml",
        "    - from: 2026-05\n      value: 100",
        "    - from: 2026-05\n      value: 100\n      sources: [S1]\n    - from: 2026-02-01\n      value: 90",
    )
    assert any("history out of order (2026-02-01 comes after 2026-05)" in p for p in problems(kb))
    shutil.copy(KB / "facts.yaml", kb / "facts.yaml")
    edit(
        kb / "facts.yaml",
        "    - from: 2026-05\n      value: 100",
        "    - from: 2026-05\n      value: 100\n      sources: [S1]\n    - from: 2026-05-01\n      value: 90",
    )
    assert any("overlaps the previous value (both from 2026-05-01)" in p for p in problems(kb))
    shutil.copy(KB / "facts.yaml", kb / "facts.yaml")
    edit(kb / "facts.yaml", "    - value: 50\n", "    - from: 2026-13\n      value: 50\n")
    assert any("'from' must be a date (YYYY-MM-DD) or a month (YYYY-MM)" in p for p in problems(kb))
    shutil.copy(KB / "facts.yaml", kb / "facts.yaml")
    edit(kb / "facts.yaml", '  label: "Card tax"\n', "")
    assert any(
        "fact tax: its value changes over time, so give it a 'label'" in p for p in problems(kb)
    )


def test_claims_of_checking_must_be_real(kb: Path) -> None:
    edit(
        kb / "facts.yaml",
        "duration:\n  type: months\n",
        "duration:\n  type: months\n  verified: 2026-11-01\n",
    )
    assert any("'verified' is gone" in p for p in problems(kb))
    shutil.copy(KB / "facts.yaml", kb / "facts.yaml")
    edit(kb / "sources.yaml", "  published: 2026-01-10", "  seen: 2026-01-10")
    assert any("'seen' mixed up publication and checking" in p for p in problems(kb))
    edit(kb / "sources.yaml", "  seen: 2026-01-10", "  published: 2026-01-10")
    edit(kb / "sources.yaml", "    - date: 2026-06-01", "    - date: 2999-06-01")
    assert any("'date' is in the future" in p for p in problems(kb))
    edit(kb / "sources.yaml", "    - date: 2999-06-01", "    - date: 2026-06-01")
    edit(kb / "sources.yaml", '      showed: "the fee and the duration"\n', "")
    assert any("say what the source showed" in p for p in problems(kb))


def test_a_read_may_record_the_fingerprint_the_source_watch_compares_with(kb: Path) -> None:
    read = '      showed: "the fee and the duration"\n'
    sha = "sha256:" + "0123456789abcdef" * 4
    edit(kb / "sources.yaml", read, f'{read}      fingerprint: "{sha}"\n')
    assert load_knowledge(kb, today=TODAY).sources["S1"].reads[-1].fingerprint == sha
    etag = """fingerprint: 'etag:W/"5f2a"'"""  # single quotes in YAML: ETags hold double ones
    edit(kb / "sources.yaml", f'fingerprint: "{sha}"', etag)
    assert load_sources(kb)["S1"].reads[-1].fingerprint == 'etag:W/"5f2a"'
    edit(kb / "sources.yaml", etag, "fingerprint: sha256:ABC")
    line = line_of(kb / "sources.yaml", "sha256:ABC")
    expected = f"sources.yaml:{line}: source S1.reads[0]: 'fingerprint' must be sha256:"
    assert expected in problems(kb)[0]
    with pytest.raises(KnowledgeError, match="fingerprint"):  # sources.yaml alone, same rules
        load_sources(kb)


def test_sources_load_on_their_own_and_unreadable_files_are_one_line(kb: Path) -> None:
    (kb / "faq.yaml").write_text("entries: [", encoding="utf-8")  # someone is mid-edit
    assert set(load_sources(kb)) == {"S1"}
    (kb / "sources.yaml").unlink()
    (kb / "sources.yaml").mkdir()
    with pytest.raises(KnowledgeError) as info:
        load_sources(kb)
    assert [p.message for p in info.value.problems] == ["cannot read: Is a directory"]


def test_an_uncertain_figure_needs_a_warning_where_it_is_shown(kb: Path) -> None:
    edit(
        kb / "facts.yaml",
        "duration:\n  type: months\n",
        "duration:\n  type: months\n  uncertain: not read\n",
    )
    found = problems(kb)
    assert any("node out_card.status: uses {duration}, which is not settled" in p for p in found), (
        found
    )
    edit(
        kb / "flow.yaml",
        'status: "You get the card for {duration}',
        'status: "⚠️ You get the card for {duration}',
    )
    assert load_knowledge(kb, today=TODAY).facts["duration"].uncertain == "not read"


def test_fact_expressions_are_safe() -> None:
    from decimal import Decimal

    assert evaluate("round(1.5 * smic, 2)", {"smic": Decimal("1823.03")}) == Decimal("2734.55")
    for bad in ("open('x')", "smic.__class__", "1 if smic else 2", "[1]", "1/0"):
        with pytest.raises(FactError):
            evaluate(bad, {"smic": Decimal(1)})


def test_every_problem_is_reported_at_once(kb: Path) -> None:
    edit(kb / "flow.yaml", "next: out_no", "next: nowhere")
    edit(kb / "faq.yaml", "topic: money", "topic: cash")
    found = problems(kb)
    assert any("flow.yaml" in p for p in found) and any("faq.yaml" in p for p in found)


def test_mermaid_lists_every_node_and_edge(kb: Path) -> None:
    k = load_knowledge(kb, today=TODAY)
    chart = mermaid(k.flow)
    assert chart.startswith("flowchart TD\n")
    for nid in k.flow.nodes:
        assert f"    {nid}" in chart
    assert 'who -->|"Indian"| diploma' in chart
    assert "route -->|other| out_card" in chart


def test_out_of_scope_questions_must_be_lists_of_strings(kb: Path) -> None:
    edit(kb / "faq.yaml", "\nentries:", "\nout_of_scope:\n  en: how do I rent a flat\nentries:")
    found = problems(kb)
    line = line_of(kb / "faq.yaml", "  en: how do I rent a flat")
    assert any(
        p.endswith(
            f"faq.yaml:{line}: faq.yaml out_of_scope.en: must be a list of non-empty strings"
        )
        for p in found
    ), found


def test_a_short_answer_is_short_and_its_absence_is_reported(kb: Path) -> None:
    edit(kb / "faq.yaml", 'short: "A passport and photos."', "short: " + '"' + "Word " * 60 + '"')
    found = problems(kb)
    line = line_of(kb / "faq.yaml", 'short: "Word')
    assert f"{kb / 'faq.yaml'}:{line}: faq documents.short: longer than 220 characters" in found

    shutil.copytree(KB, kb, dirs_exist_ok=True)
    edit(kb / "faq.yaml", '    short: "Yes, you can work."\n', "")
    (warning,) = load_knowledge(kb, today=TODAY).warnings
    assert "faq work: no 'short' answer" in str(warning)


SITUATIONS = """\
newcomer:
  cues:
    - "just|only arrived ... @work"
  walkthrough:
    - {group: india}
  prefer: [work]
  avoid: [fee]
"""


def test_situations_are_optional_and_loaded_into_the_search(kb: Path) -> None:
    assert not load_knowledge(kb, today=TODAY).faq.index.situations.situations
    (kb / "situations.yaml").write_text(SITUATIONS, encoding="utf-8")
    index = load_knowledge(kb, today=TODAY).faq.index
    assert index.search("I just arrived, can I work?").situations == ("newcomer",)
    assert index.search("can I work?", answers={"group": "india"}).situations == ("newcomer",)
    assert index.search("can I work?", answers={"group": "other"}).situations == ()
    # avoided: the fee entry is left out, whatever the question says of it
    assert "fee" not in [m.entry_id for m in index.search("just arrived: work and fee?").matches]


def test_situations_problems_have_file_and_line(kb: Path) -> None:
    broken = (
        SITUATIONS.replace('    - "just', '    - "... work"\n    - "work||job"\n    - "just')
        .replace("@work", "@nowhere")
        .replace("{group: india}", "{group: mars, colour: blue}")
        .replace("prefer: [work]", "prefer: [work, nosuchentry]")
        .replace("avoid: [fee]", "avoid: [fee, work]")
        + "Bad-Name:\n  cues: [x]\n  prefer: [fee]\nlonely:\n  note: nothing\n"
    )
    path = kb / "situations.yaml"
    path.write_text(broken, encoding="utf-8")
    found = problems(kb)
    name = str(path)

    def at(needle: str) -> str:
        return f"{name}:{line_of(path, needle)}: "

    expected = [
        at("@nowhere") + "situation newcomer.cues: '@nowhere' is not a concept of any lexicon",
        at('"... work"') + "situation newcomer.cues: '... work' has no word to match",
        at("work||job") + "situation newcomer.cues: 'work||job' has an empty alternative",
        at("group: mars") + "situation newcomer.walkthrough: group is never 'mars' (india, other)",
        at("colour: blue") + "situation newcomer.walkthrough: no option of flow.yaml sets 'colour'",
        at("nosuchentry") + "situation newcomer.prefer: no FAQ entry 'nosuchentry' in faq.yaml",
        at("avoid:") + "situation newcomer: 'work' is both preferred and avoided",
        at("Bad-Name") + "situation 'Bad-Name': its name must be lower_snake_case",
        at("lonely:") + "situation lonely: needs 'cues' or 'walkthrough' (what reveals it)",
        at("lonely:") + "situation lonely: needs 'prefer' or 'avoid' (what it changes)",
    ]
    for message in expected:
        assert any(p.startswith(message) for p in found), (message, found)
