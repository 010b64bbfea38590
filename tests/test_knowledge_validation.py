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


def test_options_need_their_own_ids(kb: Path) -> None:
    edit(kb / "flow.yaml", "      - id: licence\n", "      - id: master\n")  # used twice
    edit(kb / "flow.yaml", "      - id: india\n", "      - id: no\n")  # YAML reads a boolean
    edit(kb / "flow.yaml", "      - id: other\n        label:", "      - label:")  # none at all
    found = problems(kb)
    at = line_of(kb / "flow.yaml", '        label: "Licence"') - 1
    assert f"{kb / 'flow.yaml'}:{at}: node diploma.options[1]: id 'master' is used twice" in (
        "\n".join(found)
    )
    assert any("node who.options[1]: 'id' must be lower_snake_case (got False)" in p for p in found)
    assert any("node who.options[2]: 'id' must be lower_snake_case (got None)" in p for p in found)


def test_dead_end_cycle(kb: Path) -> None:
    edit(kb / "flow.yaml", "next: out_no", "next: loop")
    with (kb / "flow.yaml").open("a", encoding="utf-8") as f:
        f.write(
            '  loop:\n    ask: "Again?"\n    options:\n      - id: again\n        label: "Again"\n        next: loop\n'
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
        '  nothing:\n    - date: 2026-06-01\n      copy: false\n      showed: "the fee and the duration"\n',
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


def test_a_short_answer_is_required_and_short(kb: Path) -> None:
    edit(kb / "faq.yaml", 'short: "A passport and photos."', "short: " + '"' + "Word " * 60 + '"')
    found = problems(kb)
    line = line_of(kb / "faq.yaml", 'short: "Word')
    assert f"{kb / 'faq.yaml'}:{line}: faq documents.short: longer than 220 characters" in found

    shutil.copytree(KB, kb, dirs_exist_ok=True)
    edit(kb / "faq.yaml", '    short: "Yes, you can work."\n', "")
    (found,) = problems(kb)
    line = line_of(kb / "faq.yaml", "- id: work")
    assert found == (
        f"{kb / 'faq.yaml'}:{line}: faq work: no 'short' answer "
        "(the key fact in one or two sentences)"
    )

    shutil.copytree(KB, kb, dirs_exist_ok=True)
    edit(kb / "faq.yaml", 'short: "The card costs {fee}."', 'short: ""')
    (found,) = problems(kb)
    assert "faq fee: no 'short' answer" in found


S2 = (
    "S2:\n  title: Second source\n  publisher: Tests\n  url: https://example.org/s2\n"
    "  kind: secondary\n"
)


def test_a_source_must_open_the_text_it_stands_for(kb: Path) -> None:
    for url, why in [
        ("https://example.org/", "opens the home page of example.org"),
        ("https://example.org", "opens the home page of example.org"),
        ("https://example.org/?xml=F17319", "opens the home page of example.org"),
        ("https://github.com/etalab/lois", "points at a code-hosting site (github.com)"),
        ("https://raw.githubusercontent.com/a/b/x.md", "code-hosting site (githubusercontent.com)"),
        ("https://gitlab.com/x/y/-/blob/main/a.md", "code-hosting site (gitlab.com)"),
    ]:
        shutil.copy(KB / "sources.yaml", kb / "sources.yaml")
        edit(kb / "sources.yaml", "url: https://example.org/s1", f"url: {url}")
        line = line_of(kb / "sources.yaml", "  url: ")
        assert any(
            p.startswith(f"{kb / 'sources.yaml'}:{line}: source S1: url ") and why in p
            for p in problems(kb)
        ), url
    shutil.copy(KB / "sources.yaml", kb / "sources.yaml")
    edit(kb / "sources.yaml", "url: https://example.org/s1", "url: https://example.org/?p=1")
    with pytest.raises(KnowledgeError, match="home page"):  # sources.yaml alone, same rule
        load_sources(kb)


def test_every_source_must_be_cited(kb: Path) -> None:
    (kb / "sources.yaml").write_text(
        (KB / "sources.yaml").read_text(encoding="utf-8") + S2, encoding="utf-8"
    )
    line = line_of(kb / "sources.yaml", "S2:")
    assert problems(kb) == [
        f"{kb / 'sources.yaml'}:{line}: source S2: no fact, FAQ entry or walkthrough node cites "
        "it: cite it where it supports an answer, or remove it"
    ]
    edit(
        kb / "faq.yaml",
        "    sources: [S1]\n    related: [documents]",
        "    sources: [S1, S2]\n    related: [documents]",
    )
    assert load_knowledge(kb, today=TODAY).sources["S2"].title == "Second source"


def test_a_country_source_is_cited_only_where_the_country_is_spoken_of(kb: Path) -> None:
    (kb / "sources.yaml").write_text(
        (KB / "sources.yaml").read_text(encoding="utf-8") + S2 + "  about: india\n",
        encoding="utf-8",
    )
    # the fee entry says nothing of India: citing India's agreement there proves nothing
    edit(
        kb / "faq.yaml",
        "    sources: [S1]\n    related: [documents]",
        "    sources: [S1, S2]\n    related: [documents]",
    )
    line = line_of(kb / "faq.yaml", "sources: [S1, S2]")
    assert problems(kb) == [
        f"{kb / 'faq.yaml'}:{line}: faq fee cites S2 (Tests), which concerns india only, but does "
        "not speak of india: cite the sources that support this answer"
    ]
    # an outcome that names the country (in any language's words for it) may cite it
    edit(kb / "faq.yaml", "sources: [S1, S2]", "sources: [S1]")
    edit(kb / "flow.yaml", '    status: "APS."\n', '    status: "APS."\n    help: ""\n')
    text = (kb / "flow.yaml").read_text(encoding="utf-8")
    nodes = text.split("  out_india:\n")
    nodes[1] = nodes[1].replace("    sources: [S1]", "    sources: [S1, S2]", 1)
    (kb / "flow.yaml").write_text("  out_india:\n".join(nodes), encoding="utf-8")
    assert load_knowledge(kb, today=TODAY).flow.nodes["out_india"].sources == ("S1", "S2")
    edit(kb / "sources.yaml", "  about: india\n", "  about: atlantis\n")
    assert any("about 'atlantis' is not a concept of the lexicons" in p for p in problems(kb))


def test_a_read_says_whether_it_was_the_live_page_or_a_copy_and_which_version(kb: Path) -> None:
    sources = kb / "sources.yaml"
    edit(sources, "      copy: false\n", "")
    assert any(
        "S1.reads[0]: say what was read: 'copy: false' for the live page" in p for p in problems(kb)
    )
    edit(sources, "    - date: 2026-06-01\n", "    - date: 2026-06-01\n      copy: true\n")
    assert any(
        "S1.reads[0]: a copy holds one version of the page: give 'version'" in p
        for p in problems(kb)
    )
    edit(sources, "      copy: true\n", "      copy: true\n      version: 2026-07-01\n")
    assert any(
        "'version' (2026-07-01) is after the day it was read (2026-06-01)" in p
        for p in problems(kb)
    )
    edit(sources, "version: 2026-07-01", "version: 2026-02-01")
    line = line_of(sources, "published:")
    assert problems(kb) == [
        f"{sources}:{line}: source S1: 'published' (2026-01-10) is older than the version read "
        "on 2026-06-01 (2026-02-01): set it to the newest date the page shows"
    ]
    edit(sources, "version: 2026-02-01", "version: 2026-01")  # a month when only that is shown
    read = load_knowledge(kb, today=TODAY).sources["S1"].reads[0]
    assert read.copy and read.version is not None and read.version.iso() == "2026-01"
    assert read.content_date == dt.date(2026, 1, 1)
    edit(sources, "version: 2026-01", "version: undated")
    src = load_knowledge(kb, today=TODAY).sources["S1"]
    assert src.reads[0].version is None and src.newest_version is None and src.checked
    edit(sources, "      copy: true\n", "      copy: false\n")
    assert any("'undated' is for a copy" in p for p in problems(kb))


def test_a_change_the_cited_sources_predate_is_pointed_out(kb: Path) -> None:
    """The fee is computed from a tax and a stamp that changed in May 2026 (recorded from S2);
    the fee cites S1, read only in its January version: it may still show the old fee."""
    (kb / "sources.yaml").write_text(
        (KB / "sources.yaml").read_text(encoding="utf-8")
        + S2
        + "  reads:\n    - date: 2026-06-01\n      copy: false\n      showed: the new rates\n",
        encoding="utf-8",
    )
    facts = (kb / "facts.yaml").read_text(encoding="utf-8")
    facts = facts.replace(
        "    - from: 2026-05\n      value: 100\n      sources: [S1]",
        "    - from: 2026-05\n      value: 100\n      sources: [S2]",
    )
    facts = facts.replace(
        "    - from: 2026-05\n      value: 50\n      sources: [S1]",
        "    - from: 2026-05\n      value: 50\n      sources: [S2]",
    )
    (kb / "facts.yaml").write_text(facts, encoding="utf-8")
    assert load_knowledge(kb, today=TODAY).warnings == ()  # S1 read live on 1 June
    edit(
        kb / "sources.yaml",
        '      copy: false\n      showed: "the fee',
        '      copy: true\n      version: 2026-01-10\n      showed: "the fee',
    )
    (warning,) = load_knowledge(kb, today=TODAY).warnings
    assert warning.line == line_of(kb / "facts.yaml", "fee:") + 1  # its first key, as others
    assert warning.message == (
        "fact fee: its value changed on 2026-05 (recorded from S2), but the newest version read "
        "of its other sources (S1) is of 2026-01-10: it may still show the old figure; read a "
        "newer version, or cite the sources of the change"
    )
    # before the change, nothing to say
    assert load_knowledge(kb, today=dt.date(2026, 4, 1)).warnings == ()


def test_check_lists_the_facts_nobody_here_has_read(kb: Path) -> None:
    edit(
        kb / "sources.yaml",
        '  reads:\n    - date: 2026-06-01\n      copy: false\n      showed: "the fee and the duration"\n',
        "",
    )
    warnings = [str(w) for w in load_knowledge(kb, today=TODAY).warnings]
    assert (
        f"{kb / 'facts.yaml'}:1: warning: facts still unread (4): fee, tax, stamp, duration: "
        in warnings[0]
    )
    assert sum("none of its sources was ever read by us" in w for w in warnings) == 4


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
