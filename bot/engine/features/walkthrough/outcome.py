"""An outcome, personalised: status, steps, documents, cost, where, deadline with the user's own
countdown, pitfalls, what is not settled, recent changes and sources; then its buttons."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.engine.citations import changes_block, sources_block
from bot.engine.features import checklist, reminders
from bot.engine.features.walkthrough import countdown
from bot.engine.turn import inlines
from bot.knowledge.model import flow_context
from bot.markup import Bold, BulletList, Paragraph, Text

if TYPE_CHECKING:
    from bot.engine.reply import Choice
    from bot.engine.turn import Turn
    from bot.knowledge.model import Item, Node
    from bot.markup import Message


def outcome_message(turn: Turn, node: Node, answers: dict[str, str]) -> Message:
    """The outcome, personalised. Everything but the computed deadline depends only on the
    knowledge, the language and the answers its items test, so those parts are cached."""
    when_keys = turn.cached((turn.kb.version, "when", node.id), lambda: _when_keys(node))
    key = (
        turn.kb.version,
        turn.t.code,
        turn.today(),
        "outcome",
        node.id,
        tuple(answers.get(k, "") for k in when_keys),
    )
    head, tail = turn.cached(key, lambda: _outcome_parts(turn, node, answers))
    if not node.countdown:
        return head + tail
    raw = answers.get(node.countdown_date, "")  # the same date gives the same line all day
    line_key = (turn.kb.version, turn.t.code, turn.today(), "countdown", node.countdown, raw)
    return head + turn.cached(line_key, lambda: countdown.message(turn, node.countdown, raw)) + tail


def _when_keys(node: Node) -> list[str]:
    """The answers the outcome's items test (what its text depends on besides the language)."""
    items = (node.steps, node.documents, node.pitfalls, node.uncertain)
    return sorted({k for group in items for item in group for k in item.when})


def outcome_view(turn: Turn, node: Node, answers: dict[str, str]) -> tuple[Message, tuple]:
    """The outcome's message; its buttons are follow-ups (`outcome_choices`), not options."""
    return outcome_message(turn, node, answers), ()


def outcome_choices(turn: Turn, node: Node, answers: dict[str, str]) -> list[Choice]:
    """What the user can do next under the outcome: their checklist, reminders."""
    extras = (
        checklist.open_choice(turn, node, answers),
        reminders.outcome_choice(turn, node, answers),
    )
    return [c for c in extras if c is not None]


def _outcome_parts(turn: Turn, node: Node, answers: dict[str, str]) -> tuple[Message, Message]:
    """The outcome's blocks before and after the place of the computed deadline."""
    t = turn.t
    blocks: list = [
        Paragraph((Bold((Text(t.pgettext(flow_context(node.id, "title"), node.title)),)),))
    ]
    blocks += list(turn.knowledge_text(flow_context(node.id, "status"), node.status))

    def section(heading: str, items: tuple[Item, ...], field: str) -> None:
        shown = [i for i in items if i.applies(answers)]
        if not shown:
            return
        blocks.append(Paragraph((Bold((Text(heading),)),)))
        blocks.append(
            BulletList(
                tuple(
                    inlines(turn.knowledge_text(flow_context(node.id, field), i.text))
                    for i in shown
                )
            )
        )

    def paragraph_section(heading: str, field: str, text: str) -> None:
        if text:
            blocks.append(Paragraph((Bold((Text(heading),)),)))
            blocks.extend(turn.knowledge_text(flow_context(node.id, field), text))

    section(t.gettext("What to do next"), node.steps, "steps")
    section(t.gettext("Documents to prepare"), node.documents, "documents")
    paragraph_section(t.gettext("Cost"), "cost", node.cost)
    paragraph_section(t.gettext("Where and how to apply"), "where", node.where)
    paragraph_section(t.gettext("Deadline"), "deadline", node.deadline)
    head = tuple(blocks)
    blocks.clear()
    section(t.gettext("Watch out"), node.pitfalls, "pitfalls")
    section(t.gettext("⚠️ Not settled: check before relying on it"), node.uncertain, "uncertain")
    shown = [node.status, node.cost, node.where, node.deadline]
    for items in (node.steps, node.documents, node.pitfalls, node.uncertain):
        shown += [i.text for i in items if i.applies(answers)]
    blocks += changes_block(turn, tuple(shown))
    blocks.append(sources_block(turn, node.sources))
    return head, tuple(blocks)
