"""'Was this helpful? 👍 👎' and "Not what I asked" under FAQ answers, counted per entry without
knowing who voted.

"Not what I asked" says the search picked the wrong entry (👎 says the entry's answer did not
help): moderators see, per entry, how often it was given to a question it does not answer.

Each answer shown carries its own random nonce in its vote buttons; the Store remembers used
nonces (with no user id), so a displayed answer counts one vote. The limit: a user who asks the
same question again gets fresh buttons and can vote again. Tying a vote to the user would mean
storing who voted next to what they voted, which the counters deliberately never do.

In a group, the buttons belong to no one (owner `ANYONE`): the first reader to vote is counted.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from bot.engine import insight
from bot.engine.reply import Choice, ChoiceKind, Reply, ReplyKind
from bot.engine.router import Router
from bot.engine.tokens import ANYONE, Vote, VoteButton

if TYPE_CHECKING:
    from bot.engine.turn import Turn
    from bot.knowledge.model import FaqEntry
    from bot.storage.records import Conversation

router = Router("feedback")
COUNTERS = {
    Vote.UP: insight.VOTE_UP,
    Vote.DOWN: insight.VOTE_DOWN,
    Vote.MISSED: insight.NOT_ASKED,
}


def vote_choices(turn: Turn, entry: FaqEntry, private: bool, missed: bool = False) -> list[Choice]:
    """The 👍 and 👎 buttons for one display of `entry`, and "Not what I asked" when `missed`
    (one nonce for all: a displayed answer counts one vote)."""
    nonce = secrets.token_hex(4)
    owner = turn.owner if private else ANYONE
    votes = [(Vote.UP, turn.t.gettext("👍 Helpful")), (Vote.DOWN, turn.t.gettext("👎 Not helpful"))]
    if missed:
        votes.append((Vote.MISSED, turn.t.gettext("❓ Not what I asked")))
    version = turn.kb.version
    return [
        Choice(
            turn.codec.pack(VoteButton(version, entry.index, vote, nonce), owner),
            label,
            ChoiceKind.NAV,
        )
        for vote, label in votes
    ]


@router.button(VoteButton, anyone=True)
async def on_vote(turn: Turn, conv: Conversation | None, button: VoteButton) -> Reply:
    """Count a vote once per displayed answer; thank the voter either way."""
    entries = turn.kb.faq.entries
    if button.version != turn.kb.version or button.index >= len(entries):
        return turn.expired()
    entry, vote, nonce = entries[button.index], button.vote, button.nonce
    store = turn.store
    reply = Reply(kind=ReplyKind.ACK, lang=turn.t.code)
    if await store.use_vote(nonce, turn.now):
        await store.bump(COUNTERS[vote] + entry.id)
        reply.alert = (
            turn.t.gettext(
                "Thank you: I noted that this answer missed your question. Try other words, or "
                "send /faq for the topics."
            )
            if vote is Vote.MISSED
            else turn.t.gettext("Thank you for your feedback!")
        )
    else:
        reply.alert = turn.t.gettext("Your vote on this answer was already counted. Thank you!")
    return reply
