"""What the engine hands back: a `Reply` of messages, choices and follow-up actions."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import NamedTuple

from bot.markup import Message


class ChoiceKind(enum.Enum):
    """How an adapter may lay a choice out (options first, navigation last)."""

    OPTION = "option"
    NAV = "nav"


class Choice(NamedTuple):
    """A button: the token the engine gets back when clicked, and the translated label.

    Immutable; a named tuple rather than a frozen dataclass because a step builds a dozen of them
    and a frozen dataclass costs twice as much to build.
    """

    token: str
    label: str
    kind: ChoiceKind = ChoiceKind.OPTION


class ActionKind(enum.Enum):
    """Follow-ups an adapter carries out after sending the messages."""

    CONTINUE_PRIVATE = "continue_private"  # payload: the deep-link start parameter, e.g. "aps"
    END = "end"  # the conversation ended; adapters may remove the keyboard


class Action(NamedTuple):
    """A follow-up: its kind, a payload (a deep-link parameter) and a translated label."""

    kind: ActionKind
    payload: str = ""
    label: str = ""


class ReplyMode(enum.Enum):
    """Where a reply goes: every front end reads this, none guesses it from the button."""

    NEW = "new"  # posted as a new message; the message whose button was clicked stays
    # replaces the message whose button (or form) the user used: a walkthrough step, a ticked
    # checklist; where there is no such message (a typed line), it is posted anew
    REPLACE = "replace"


class ReplyKind(enum.Enum):
    """What the reply is, so adapters can pick a layout (edit in place, ephemeral, alert…)."""

    INFO = "info"  # help, privacy, language changed…
    WALKTHROUGH = "walkthrough"  # a walkthrough step or outcome
    FAQ = "faq"  # an FAQ answer (or did-you-mean, or no match)
    EXPIRED = "expired"  # a stale or forged token: nothing changed
    NOT_YOURS = "not_yours"  # someone clicked another user's button: nothing changed
    ERROR = "error"  # bad input the user can fix (a malformed date…)
    THROTTLED = "throttled"  # flood control: post the messages if any; `alert` acknowledges
    ACK = "ack"  # a click acknowledged with a short `alert` only (a vote): nothing to post


@dataclass(slots=True)
class Reply:
    """The engine's answer to one event.

    Attributes:
        messages: ordered messages in neutral markup.
        choices: buttons under the last message.
        actions: follow-ups (continue in private, end).
        kind: what this reply is.
        mode: whether it replaces the message whose button was clicked or is posted anew.
        lang: the language it is written in.
        alert: a short text for a transient notice (a toast on Telegram, an ephemeral on Discord)
            instead of new messages, used for NOT_YOURS and EXPIRED.
        faq_id: for FAQ answers, the entry shown (for feedback and statistics).
        faq_kind: for the first reply to a question, what it is (``bot.search.decide``:
            ``answer``, ``composed``, ``suggest``, ``unknown``), so a platform can lay it out
            natively (an embed with a field per composed answer…).
        faq_shown: the FAQ entries whose text is in the reply.
    """

    messages: list[Message] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    kind: ReplyKind = ReplyKind.INFO
    mode: ReplyMode = ReplyMode.NEW
    lang: str = "en"
    alert: str | None = None
    faq_id: str | None = None
    faq_kind: str | None = None
    faq_shown: tuple[str, ...] = ()
