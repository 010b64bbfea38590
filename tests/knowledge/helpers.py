"""Drive the walkthrough by node and option ids (flow.yaml), in any language.

A situation names its answers as ``(node id, option id)`` pairs and one date for the date
questions it meets; `walk` answers whatever step is shown (`bot.testing.Client.walk`), so a
reworded label changes no situation, and a new question changes only those whose outcome it
changes.
"""

from __future__ import annotations

from pathlib import Path

from bot.knowledge import load_knowledge
from bot.knowledge.model import Knowledge, NodeKind, flow_context
from bot.testing import SKIP, Client, FakeClock

KB = load_knowledge()

Answer = tuple[str, str]  # (node id, option id)


def scenario(kb: Knowledge, answers: list[Answer], date: str | None) -> dict[str, str]:
    """The answers by node id; `date` ("skip" to skip) answers every date question met."""
    by_node = dict(answers)
    if date is not None:
        inputs = [n.id for n in kb.flow.nodes.values() if n.kind is NodeKind.INPUT]
        by_node.update({n: SKIP if date == "skip" else date for n in inputs})
    return by_node


async def walk(
    lang: str, answers: list[Answer], date: str | None = None, *, kb: Knowledge = KB
) -> Client:
    """/aps, then the answers (and `date`) until an outcome."""
    client = await Client.create(clock=FakeClock(), lang=lang, knowledge=kb)
    client.pace = 5  # a person takes a few seconds per tap (and the flood gate agrees)
    await client.walk(scenario(kb, answers, date))
    return client


def outcome_title(client: Client, outcome: str, kb: Knowledge = KB) -> str:
    t = client.engine.catalogs.get(client.locale)
    return t.pgettext(flow_context(outcome, "title"), kb.flow.nodes[outcome].title)


NEW_QUESTION = "trial_question"  # its node id and the answer it sets: no real node's


def with_new_question(src: Path, dst: Path) -> Path:
    """A copy of the knowledge folder `src` with one more question ("Is your school public or
    private?"), asked of students between "finished?" and "which diploma?", whose answers change
    no outcome (as a new question that personalises one would not)."""
    import shutil

    shutil.copytree(src, dst)
    flow = dst / "flow.yaml"
    text = flow.read_text(encoding="utf-8")
    assert "        next: diploma\n" in text, "flow.yaml changed: put the new question elsewhere"
    text = text.replace("        next: diploma\n", f"        next: {NEW_QUESTION}\n")
    text = text.replace(
        "\n  diploma:\n",
        f"\n  {NEW_QUESTION}:\n"
        '    ask: "**Is your school public or private?**"\n'
        "    options:\n"
        "      - id: public\n"
        '        label: "A public university or school"\n'
        "        next: diploma\n"
        f"        set: {{{NEW_QUESTION}: public}}\n"
        "      - id: private\n"
        '        label: "A private school"\n'
        "        next: diploma\n"
        f"        set: {{{NEW_QUESTION}: private}}\n"
        "\n  diploma:\n",
        1,
    )
    flow.write_text(text, encoding="utf-8")
    return dst
