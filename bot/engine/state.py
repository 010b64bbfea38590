"""The state kept per conversation: where the user is in the walkthrough, and what they answered."""

from __future__ import annotations

import json
from dataclasses import dataclass, field


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
        return json.dumps(
            {
                "node": self.node,
                "history": self.history,
                "answers": self.answers,
                "flow_version": self.flow_version,
                "step": self.step,
                "nonce": self.nonce,
                "updated_at": self.updated_at,
            },
            separators=(",", ":"),
            ensure_ascii=False,
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
