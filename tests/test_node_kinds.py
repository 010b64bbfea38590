"""Node kinds and countdown kinds: an Enum / a list in the knowledge, one row each in every table."""

from __future__ import annotations

from bot.engine.features import reminders
from bot.engine.features.walkthrough import countdown
from bot.engine.features.walkthrough.nodes import KINDS
from bot.knowledge.model import COUNTDOWN_KINDS, NodeKind
from bot.knowledge.node_kinds import NODE_KINDS
from tests.knowledge.helpers import KB


def test_every_node_kind_has_a_parser_and_a_behaviour() -> None:
    assert set(NODE_KINDS) == set(NodeKind) == set(KINDS)
    # the question is the default kind: tried last, it takes whatever no other kind claims
    assert list(NODE_KINDS)[-1] is NodeKind.QUESTION


def test_every_kind_is_shown_or_routed_through() -> None:
    for kind, behaviour in KINDS.items():
        assert (behaviour.view is None) == (behaviour.route is not None), kind
    assert [k for k, b in KINDS.items() if b.ends] == [NodeKind.OUTCOME]


def test_the_real_walkthrough_uses_every_kind() -> None:
    assert {node.kind for node in KB.flow.nodes.values()} == set(NodeKind)
    assert all(isinstance(node.kind, NodeKind) for node in KB.flow.nodes.values())


def test_every_countdown_kind_has_its_message() -> None:
    assert set(countdown._KINDS) == set(COUNTDOWN_KINDS)
    assert set(reminders._COUNTDOWN_REMINDERS) <= set(COUNTDOWN_KINDS)
