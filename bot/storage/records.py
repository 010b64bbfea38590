"""What the Store keeps: conversation keys and the state records saved under them.

Below both the engine and the stores: the stores (de)serialise these records, the engine reads and
writes them through the `Store` interface, and neither needs the other to describe them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

# one encoder for every record: json.dumps with options builds a new encoder at every call
_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
_COMPACT_ASCII = json.JSONEncoder(separators=(",", ":")).encode


@dataclass(frozen=True, slots=True)
class ConversationKey:
    """Who is talking where: (platform, scope, user).

    `scope` is the chat, channel or DM the conversation lives in, so the same student can run one
    walkthrough in a private chat and see FAQ answers in a group without either disturbing the other.
    """

    platform: str
    scope: str
    user: str

    def __str__(self) -> str:
        return f"{self.platform}:{self.scope}:{self.user}"


@dataclass
class Conversation:
    """One conversation's walkthrough state, written to the Store at every transition.

    Attributes:
        node: the current walkthrough node, or None when no walkthrough is running.
        history: nodes visited before `node`, for "back".
        answers: what the walkthrough needs to personalise the outcome (``agreement: india``,
            ``titre_expiry: 2027-03-15``); nothing else is kept.
        flow_version: the flow the walkthrough started on.
        step: increases at every transition, so a button from an earlier step is recognised as stale.
        nonce: random per walkthrough, so buttons of an earlier walkthrough are stale too.
        updated_at: when the user last did something here (seconds since the epoch).
    """

    node: str | None = None
    history: list[str] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)
    flow_version: str = ""
    step: int = 0
    nonce: str = ""
    updated_at: float = 0.0

    def to_json(self) -> str:
        # built by hand: dataclasses.asdict deep-copies and was a tenth of a turn's cost
        return _COMPACT(
            {
                "node": self.node,
                "history": self.history,
                "answers": self.answers,
                "flow_version": self.flow_version,
                "step": self.step,
                "nonce": self.nonce,
                "updated_at": self.updated_at,
            }
        )

    @classmethod
    def from_json(cls, raw: str | bytes) -> Conversation:
        data = json.loads(raw)
        return cls(
            node=data.get("node"),
            history=list(data.get("history", [])),
            answers=dict(data.get("answers", {})),
            flow_version=str(data.get("flow_version", "")),
            step=int(data.get("step", 0)),
            nonce=str(data.get("nonce", "")),
            updated_at=float(data.get("updated_at", 0.0)),
        )


@dataclass(frozen=True)
class Reminder:
    """One deadline reminder, as the Store keeps it: only what sending it needs.

    Attributes:
        id: random, unique; carried by the cancel button.
        platform, user: whom to remind (a Telegram chat id or Discord user id, nothing else).
        scope: where to deliver it (the private chat it was set in).
        kind: ``titre`` (the titre expires on `deadline`) or ``rece`` (the RECE/APS ends then).
        deadline: the ISO date the reminder is about.
        due: when to send it (seconds since the epoch).
        lang: the language to write it in when the user has not chosen one with /lang.
        next_at: when it may next be claimed: `due`, then the end of a sender's lease.
    """

    id: str
    platform: str
    user: str
    scope: str
    kind: str
    deadline: str
    due: float
    lang: str
    next_at: float

    def to_json(self) -> str:
        return _COMPACT_ASCII(
            {
                "id": self.id,
                "platform": self.platform,
                "user": self.user,
                "scope": self.scope,
                "kind": self.kind,
                "deadline": self.deadline,
                "due": self.due,
                "lang": self.lang,
                "next_at": self.next_at,
            }
        )

    @classmethod
    def from_json(cls, raw: str | bytes) -> Reminder:
        d = json.loads(raw)
        return cls(
            str(d["id"]),
            str(d["platform"]),
            str(d["user"]),
            str(d["scope"]),
            str(d["kind"]),
            str(d["deadline"]),
            float(d["due"]),
            str(d["lang"]),
            float(d.get("next_at", d["due"])),
        )


@dataclass(frozen=True)
class Checklist:
    """A user's document checklist for one outcome: item indexes only, never the documents' text.

    Attributes:
        outcome: the outcome node's id.
        flow_version: the walkthrough version the indexes refer to.
        items: indexes (in the outcome's ``documents``) of the items that apply to the user.
        ticked: the indexes the user has ticked (a subset of `items`).
        updated_at: last change (seconds since the epoch), for retention.
    """

    outcome: str
    flow_version: str
    items: tuple[int, ...]
    ticked: frozenset[int] = frozenset()
    updated_at: float = 0.0

    def to_json(self) -> str:
        return _COMPACT_ASCII(
            {
                "outcome": self.outcome,
                "flow_version": self.flow_version,
                "items": list(self.items),
                "ticked": sorted(self.ticked),
                "updated_at": self.updated_at,
            }
        )

    @classmethod
    def from_json(cls, raw: str | bytes) -> Checklist:
        d = json.loads(raw)
        return cls(
            str(d["outcome"]),
            str(d["flow_version"]),
            tuple(int(i) for i in d["items"]),
            frozenset(int(i) for i in d["ticked"]),
            float(d.get("updated_at", 0.0)),
        )
