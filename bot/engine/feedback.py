"""'Was this helpful? 👍 👎' under FAQ answers, counted per entry without knowing who voted.

Each answer shown carries its own random nonce in its vote buttons; the Store remembers used
nonces (with no user id), so a displayed answer counts one vote. The limit: a user who asks the
same question again gets fresh buttons and can vote again. Tying a vote to the user would mean
storing who voted next to what they voted, which the counters deliberately never do.

In a group, the buttons belong to no one (owner ``0``): the first reader to vote is counted.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from bot.engine import insight
from bot.engine.reply import Choice, ChoiceKind, Reply, ReplyKind

if TYPE_CHECKING:
    from bot.engine.engine import _Ctx
    from bot.knowledge.model import FaqEntry

ANYONE = "0"  # the owner field of a vote token anyone in a group may click


def vote_choices(ctx: _Ctx, entry: FaqEntry, private: bool) -> list[Choice]:
    """The 👍 and 👎 buttons for one display of `entry`."""
    nonce = secrets.token_hex(4)
    owner = ctx.owner if private else ANYONE
    fields = (ctx.kb.version, str(entry.index))
    return [
        Choice(
            ctx.codec.encode("v", (*fields, vote, nonce), owner),
            label,
            ChoiceKind.NAV,
        )
        for vote, label in (
            ("u", ctx.t.gettext("👍 Helpful")),
            ("d", ctx.t.gettext("👎 Not helpful")),
        )
    ]


async def on_vote(ctx: _Ctx, fields: tuple[str, ...]) -> Reply:
    """Count a vote once per displayed answer; thank the voter either way."""
    version, index, vote, nonce = fields
    entries = ctx.kb.faq.entries
    bad_index = not index.isdigit() or int(index) >= len(entries)
    if version != ctx.kb.version or bad_index or vote not in ("u", "d"):
        return ctx.expired()
    entry = entries[int(index)]
    store = ctx.engine.store
    reply = Reply(kind=ReplyKind.ACK, lang=ctx.t.code)
    if await store.use_vote(nonce, ctx.now):
        await store.bump((insight.VOTE_UP if vote == "u" else insight.VOTE_DOWN) + entry.id)
        reply.alert = ctx.t.gettext("Thank you for your feedback!")
    else:
        reply.alert = ctx.t.gettext("Your vote on this answer was already counted. Thank you!")
    return reply
