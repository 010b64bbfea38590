"""What each kind of walkthrough node does in a conversation: one row per `NodeKind`.

The knowledge loader has the matching table of parsers (`bot.knowledge.node_kinds`); a test checks
that both cover every kind. A row says how a node of that kind is shown (its message and buttons),
what a click on one of its options does, whether it reads typed text, and where a branch routes.
Handlers return a `Transition` (where to go, what was answered) and navigation applies it, so this
module never moves the conversation itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.engine.features.walkthrough.countdown import add_months
from bot.engine.features.walkthrough.outcome import outcome_view
from bot.engine.reply import ChoiceKind
from bot.engine.tokens import WalkButton
from bot.knowledge.model import NodeKind, flow_context

if TYPE_CHECKING:
    import datetime as dt

    from bot.engine.turn import Turn
    from bot.knowledge.model import Node
    from bot.markup import Message

    Buttons = tuple[tuple[str, str, ChoiceKind], ...]  # (option, label, kind)

SKIP = WalkButton.SKIP  # the option of "Skip this question"


@dataclass(frozen=True)
class Transition:
    """Go to `target`, recording `answers`."""

    target: str
    answers: dict[str, str]


@dataclass(frozen=True)
class KindBehaviour:
    """What a node kind does in a conversation.

    Attributes:
        view: its message and buttons, given the answers so far (None: never shown).
        ends: the walkthrough ends there (an outcome: counted, with its own follow-ups).
        on_option: the transition a click on `option` makes, or None if it has no such option.
        on_text: reads typed text: a transition, or None if it could not read it.
        route: for a node never shown, the node to go to instead, given the answers so far.
    """

    view: Callable[[Turn, Node, dict[str, str]], tuple[Message, Buttons]] | None = None
    ends: bool = False
    on_option: Callable[[Node, str], Transition | None] | None = None
    on_text: Callable[[Turn, Node, str], Transition | None] | None = None
    route: Callable[[Node, dict[str, str]], str] | None = None


def step_view(turn: Turn, node: Node, answers: dict[str, str]) -> tuple[Message, Buttons]:
    """A question's message and its buttons (option, label, kind), in the user's language: the
    same for everyone at this step, so built once per knowledge version, language and day."""
    key = (turn.kb.version, turn.t.code, turn.today(), "step", node.id)
    return turn.cached(key, lambda: _step_view(turn, node))


def _step_view(turn: Turn, node: Node) -> tuple[Message, Buttons]:
    t = turn.t
    blocks = list(turn.knowledge_text(flow_context(node.id, "ask"), node.ask))
    if node.help:
        blocks += list(turn.knowledge_text(flow_context(node.id, "help"), node.help))
    buttons = [
        (str(i), t.pgettext(flow_context(node.id, "options"), opt.label), ChoiceKind.OPTION)
        for i, opt in enumerate(node.options)
    ]
    if node.skip:
        buttons.append((SKIP, t.gettext("Skip this question"), ChoiceKind.OPTION))
    return tuple(blocks), tuple(buttons)


def _pick_option(node: Node, option: str) -> Transition | None:
    if option.isdigit() and int(option) < len(node.options):
        chosen = node.options[int(option)]
        return Transition(chosen.next, dict(chosen.set))
    return None


def _skip(node: Node, option: str) -> Transition | None:
    return Transition(node.skip, {}) if option == SKIP and node.skip else None


def _read_date(turn: Turn, node: Node, text: str) -> Transition | None:
    value = turn.parse_date(text)
    if value is None:
        return None
    target = node.next
    if node.if_past and value < turn.today():
        target = node.if_past
    elif node.if_older and value < older_limit(turn, node):
        target = node.if_older
    return Transition(target, {node.store: value.isoformat()})


def older_limit(turn: Turn, node: Node) -> dt.date:
    """The oldest date `node` accepts before routing to `if_older` (a diploma obtained more than 4
    years ago, say), from the fact in force today."""
    amount = int(turn.kb.facts[node.older_than].at(turn.today()).value)  # type: ignore[arg-type]
    months = amount * 12 if node.older_unit == "years" else amount
    return add_months(turn.today(), -months)


def _branch(node: Node, answers: dict[str, str]) -> str:
    return node.cases.get(answers.get(node.on, ""), node.default)


KINDS: dict[NodeKind, KindBehaviour] = {
    NodeKind.QUESTION: KindBehaviour(view=step_view, on_option=_pick_option),
    NodeKind.INPUT: KindBehaviour(view=step_view, on_option=_skip, on_text=_read_date),
    NodeKind.BRANCH: KindBehaviour(route=_branch),
    NodeKind.OUTCOME: KindBehaviour(view=outcome_view, ends=True),
}


def reads_text(node: Node) -> bool:
    """Whether the walkthrough waits for typed text at `node` (a date) rather than a button."""
    return KINDS[node.kind].on_text is not None


def route(turn: Turn, target: str, answers: dict[str, str]) -> str:
    """Follow nodes that are never shown (branches) to the next node to show."""
    nodes = turn.kb.flow.nodes
    for _ in range(len(nodes)):  # validated acyclic in practice; bounded regardless
        node = nodes[target]
        router = KINDS[node.kind].route
        if router is None:
            return target
        target = router(node, answers)
    return target
