"""Drive the walkthrough by the English labels of flow.yaml, in any language.

A situation names its answers by their English label (or a unique prefix of it); `walk` clicks the
button the user would see in their language, so one table serves English and French.
"""

from __future__ import annotations

from bot.knowledge import load_knowledge
from bot.knowledge.model import flow_context
from bot.testing import Client, FakeClock

KB = load_knowledge()


def option_context(label: str) -> tuple[str, str]:
    """(node id, full English label) of the one option whose label starts with `label`."""
    found = [
        (node.id, opt.label)
        for node in KB.flow.nodes.values()
        for opt in node.options
        if opt.label == label or opt.label.startswith(label)
    ]
    assert len(found) == 1, f"{label!r} matches {len(found)} options: {found}"
    return found[0]


async def walk(lang: str, answers: list[str], date: str | None = None) -> Client:
    """Start /aps, click each answer, then type `date` (or "skip") if given."""
    clock = FakeClock()
    client = await Client.create(clock=clock, lang=lang, knowledge=KB)
    t = client.engine.catalogs.get(lang)
    await client.send("/aps")
    for answer in answers:
        clock.advance(5)  # a person takes a few seconds per tap (and the flood gate agrees)
        node, label = option_context(answer)
        await client.click(t.pgettext(flow_context(node, "options"), label))
    if date == "skip":
        clock.advance(5)
        await client.click(t.gettext("Skip this question"))
    elif date is not None:
        clock.advance(5)
        await client.send(date)
    return client


def outcome_title(client: Client, outcome: str) -> str:
    t = client.engine.catalogs.get(client.locale)
    return t.pgettext(flow_context(outcome, "title"), KB.flow.nodes[outcome].title)
