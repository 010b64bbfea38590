"""Deadline reminders: /remind, /reminders, the opt-in under outcomes, and what a reminder says.

Two kinds, each a schedule counted back from a date the user gives:

- ``titre``: the titre expires on that date; reminders 60, 30, 14 and 7 days before;
- ``rece``: the RECE card or APS ends on that date; one reminder 60 days before, time to prepare
  the change of status.

Only dates still to come are kept; each is sent at `SEND_HOUR` UTC (morning in France).

Sending is the adapters' job, through one engine API that survives restarts and shared stores:
`Engine.due_reminders` *claims* due reminders with a lease of `LEASE_SECONDS` (atomic in every
Store, so two instances never claim the same one) and returns `ReminderDelivery` objects; the
adapter sends each, then calls `Engine.reminder_sent`, which deletes it. The duplicate bound: if a
process dies after the platform accepted a message and before the mark, that reminder is claimed
again when the lease ends and sent once more; so at most one duplicate per crash, never sooner
than the lease. Adapters do not start a send with less than `LEASE_MARGIN` left of the lease, so
a slow sender cannot overlap another instance's re-claim.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from babel.lists import format_list

from bot.engine.dates import parse_date
from bot.engine.events import ConversationKey
from bot.engine.reply import Choice, ChoiceKind, Reply, ReplyKind
from bot.markup import Bold, BulletList, Paragraph, Text
from bot.storage.records import Reminder

if TYPE_CHECKING:
    from bot.engine.engine import _Ctx
    from bot.knowledge.model import Node
    from bot.storage.records import Conversation

TITRE, RECE = "titre", "rece"
OFFSETS = {TITRE: (60, 30, 14, 7), RECE: (60,)}
SEND_HOUR = 8  # UTC: 9 or 10 in the morning in France
LEASE_SECONDS = 600.0
LEASE_MARGIN = 60.0
RECE_WORDS = ("rece", "aps")  # "/remind aps 15/03/2027": the RECE or APS ends on that date


@dataclass(frozen=True)
class ReminderDelivery:
    """One reminder to send now.

    Attributes:
        id: pass it to `Engine.reminder_sent` once the platform accepted the message.
        key: platform, delivery scope (the private chat) and user.
        reply: the message, in the user's language, with its buttons.
        lease_until: after this, another sender may claim it again.
    """

    id: str
    key: ConversationKey
    reply: Reply
    lease_until: float

    def sendable(self, now: float) -> bool:
        """Whether enough of the lease is left to start sending."""
        return now < self.lease_until - LEASE_MARGIN


def day_of(timestamp: float) -> dt.date:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).date()


def compact(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def from_compact(text: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return None


def plan(
    key: ConversationKey, kind: str, deadline: dt.date, lang: str, now: float
) -> list[Reminder]:
    """The reminders of `kind` for `deadline` that are still to come."""
    out = []
    for days in OFFSETS[kind]:
        day = deadline - dt.timedelta(days=days)
        due = dt.datetime.combine(day, dt.time(SEND_HOUR), dt.UTC).timestamp()
        if due > now:
            rid = secrets.token_hex(6)
            out.append(
                Reminder(
                    rid,
                    key.platform,
                    key.user,
                    key.scope,
                    kind,
                    deadline.isoformat(),
                    due,
                    lang,
                    due,
                )
            )
    return out


def select(claimed: list[Reminder], today: dt.date) -> tuple[list[Reminder], list[Reminder]]:
    """Which claimed reminders to send, and which to drop unsent.

    After downtime several reminders of one deadline may be due at once: only the latest is
    worth sending. A reminder about a date already past is dropped too.
    """
    latest: dict[tuple[str, str, str, str], Reminder] = {}
    for r in sorted(claimed, key=lambda r: r.due):
        latest[(r.platform, r.user, r.kind, r.deadline)] = r
    send = []
    for r in latest.values():
        deadline = _iso(r.deadline)
        if deadline is not None and deadline >= today:
            send.append(r)
    keep = {r.id for r in send}
    return send, [r for r in claimed if r.id not in keep]


def _iso(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


# ------------------------------------------------------------------ buttons


def token(ctx: _Ctx, action: str, arg: str = "0") -> str:
    return ctx.codec.encode("r", (action, arg), ctx.owner)


# which reminders an outcome's countdown offers (bot/engine/countdown.py kinds)
_COUNTDOWN_REMINDERS = {"expiry": TITRE, "renewal_window": TITRE, "card_end": RECE}


def outcome_choice(ctx: _Ctx, node: Node, answers: dict[str, str]) -> Choice | None:
    """ "Remind me before my deadline" under an outcome that counts down to a date the user
    gave, when that date is still to come."""
    kind = _COUNTDOWN_REMINDERS.get(node.countdown)
    deadline = _iso(answers.get(node.countdown_date, ""))
    if kind is None or deadline is None or deadline <= ctx.today():
        return None
    action = "o" if kind == TITRE else "O"
    return Choice(
        token(ctx, action, compact(deadline)), ctx.t.gettext("⏰ Remind me before my deadline")
    )


# ------------------------------------------------------------------ dialogue


async def on_remind(ctx: _Ctx, conv: Conversation | None, args: str) -> Reply:
    """/remind [rece|aps] [date]."""
    if not ctx.private:
        return ctx.personal()
    t = ctx.t
    words = args.split()
    kind = TITRE
    if words and words[0].lower() in RECE_WORDS:
        kind, words = RECE, words[1:]
    if not words:
        r = ctx.reply(
            ReplyKind.INFO,
            ctx.msg(
                t.gettext(
                    "Send /remind followed by the date your titre expires, for example "
                    "/remind 15/03/2027: I will remind you 60, 30, 14 and 7 days before.\n\n"
                    "If that date is when your RECE card or APS ends instead, send /remind aps "
                    "15/03/2027: I will remind you 60 days before, to prepare the change of status "
                    "in time. /reminders lists your reminders."
                )
            ),
        )
        node = ctx.kb.flow.nodes.get(conv.node or "") if conv else None
        known = outcome_choice(ctx, node, conv.answers) if conv and node else None
        if known is not None and conv is not None and node is not None:
            deadline = _iso(conv.answers[node.countdown_date])
            assert deadline is not None
            label = (
                t.gettext("My titre expires on {date}")
                if _COUNTDOWN_REMINDERS[node.countdown] == TITRE
                else t.gettext("My RECE card or APS ends on {date}")
            )
            r.choices.append(Choice(known.token, label.format(date=t.date(deadline))))
        return r
    deadline = parse_date(" ".join(words))
    if deadline is None:
        return ctx.reply(
            ReplyKind.ERROR,
            ctx.msg(
                t.gettext(
                    "I couldn't read that as a date. Please write it like 15/03/2027, 2027-03-15 or "
                    "15 March 2027."
                )
            ),
        )
    if deadline <= ctx.today():
        return ctx.reply(
            ReplyKind.ERROR,
            ctx.msg(
                t.gettext(
                    "That date is today or has passed: reminders need a date to come. If your "
                    "titre has expired, send /aps to see what you can still do."
                )
            ),
        )
    return await set_reminders(ctx, kind, deadline, clear_other=False)


async def set_reminders(ctx: _Ctx, kind: str, deadline: dt.date, *, clear_other: bool) -> Reply:
    """Replace the user's reminders of `kind` by the schedule for `deadline`; confirm."""
    assert ctx.event is not None
    key = ctx.event.key
    store = ctx.engine.store
    planned = plan(key, kind, deadline, ctx.t.code, ctx.now)
    if clear_other:  # the user corrected what the date is: the other schedule was a mistake
        other = RECE if kind == TITRE else TITRE
        await store.replace_reminders(key.platform, key.user, other, [], ctx.now)
    await store.replace_reminders(key.platform, key.user, kind, planned, ctx.now)
    t = ctx.t
    values = {
        "date": t.date(deadline),
        "dates": format_list([t.date(day_of(r.due)) for r in planned], locale=t.locale),
        "count": str(len(planned)),
    }
    if kind == TITRE and planned:
        text = t.ngettext(
            "⏰ Done. Your titre expires on {date}: I will remind you {count} time, on {dates}.",
            "⏰ Done. Your titre expires on {date}: I will remind you {count} times, on {dates}.",
            len(planned),
        )
    elif kind == TITRE:
        text = t.gettext(
            "Your titre expires on {date}, in less than 7 days: too soon for a reminder. File "
            "your application now; /aps shows what to prepare."
        )
    elif planned:
        text = t.gettext(
            "⏰ Done. Your RECE card or APS ends on {date}: I will remind you on {dates}, to "
            "prepare the change of status in time."
        )
    else:
        text = t.gettext(
            "Your RECE card or APS ends on {date}, in less than 60 days: too soon for a reminder. "
            "Start preparing the change of status now."
        )
    r = ctx.reply(ReplyKind.INFO, ctx.msg(text, **values))
    if planned:
        r.messages.append(ctx.msg(t.gettext("You can cancel them at any time with /reminders.")))
    if kind == TITRE:
        switch = Choice(
            token(ctx, "k", compact(deadline)),
            t.gettext("No: that is when my RECE card or APS ends"),
        )
    else:
        switch = Choice(
            token(ctx, "T", compact(deadline)), t.gettext("No: that is when my titre expires")
        )
    r.choices = [switch, Choice(token(ctx, "l"), t.gettext("My reminders"), ChoiceKind.NAV)]
    return r


def describe(ctx: _Ctx, reminder: Reminder) -> str:
    """ "60 days before your titre expires on 15 March 2027"."""
    deadline = _iso(reminder.deadline) or day_of(reminder.due)
    days = (deadline - day_of(reminder.due)).days
    t = ctx.t
    if reminder.kind == RECE:
        template = t.ngettext(
            "{days} day before your RECE card or APS ends on {date}",
            "{days} days before your RECE card or APS ends on {date}",
            days,
        )
    else:
        template = t.ngettext(
            "{days} day before your titre expires on {date}",
            "{days} days before your titre expires on {date}",
            days,
        )
    return template.format(days=days, date=t.date(deadline))


async def on_reminders(ctx: _Ctx, notice: str | None = None) -> Reply:
    """/reminders: the list, a cancel button per reminder, and one to stop them all."""
    if not ctx.private:
        return ctx.personal()
    assert ctx.event is not None
    key = ctx.event.key
    t = ctx.t
    found = await ctx.engine.store.list_reminders(key.platform, key.user)
    r = ctx.reply(ReplyKind.INFO)
    if notice:
        r.messages.append(ctx.msg(notice))
    if not found:
        r.messages.append(
            ctx.msg(
                t.gettext(
                    "You have no reminders. Send /remind followed by a date, for example "
                    "/remind 15/03/2027."
                )
            )
        )
        return r
    items = tuple(
        (Text(f"{n}. "), Bold((Text(t.date(day_of(x.due))),)), Text(": " + describe(ctx, x)))
        for n, x in enumerate(found, 1)
    )
    r.messages.append((Paragraph((Bold((Text(t.gettext("Your reminders")),)),)), BulletList(items)))
    r.choices = [
        Choice(
            token(ctx, "c", x.id),
            t.gettext("Cancel reminder {number} ({date})").format(
                number=n, date=t.date(day_of(x.due))
            ),
        )
        for n, x in enumerate(found, 1)
    ]
    r.choices.append(Choice(token(ctx, "x"), t.gettext("Stop all reminders"), ChoiceKind.NAV))
    return r


async def on_choice(ctx: _Ctx, fields: tuple[str, ...]) -> Reply:
    """A reminder button: opt in, switch kind, list, cancel one, stop all."""
    if len(fields) != 2 or not ctx.private:
        return ctx.expired()
    action, arg = fields
    assert ctx.event is not None
    key = ctx.event.key
    store = ctx.engine.store
    t = ctx.t
    if action in ("o", "O", "T", "k"):
        # o / O: opt in under an outcome (titre / RECE-APS end); T / k: "no, that date is…"
        deadline = from_compact(arg)
        if deadline is None:
            return ctx.expired()
        if deadline <= ctx.today():
            return await on_remind(ctx, None, deadline.isoformat())  # says it has passed
        kind = RECE if action in ("O", "k") else TITRE
        return await set_reminders(ctx, kind, deadline, clear_other=action in ("T", "k"))
    if action == "l":
        return await on_reminders(ctx)
    if action == "c":
        gone = await store.cancel_reminders(key.platform, key.user, arg)
        notice = (
            t.gettext("Reminder cancelled.")
            if gone
            else t.gettext("That reminder was already gone.")
        )
        return await on_reminders(ctx, notice)
    if action == "x":
        gone = await store.cancel_reminders(key.platform, key.user)
        return ctx.reply(
            ReplyKind.INFO,
            ctx.msg(
                t.ngettext(
                    "Done: I cancelled {count} reminder. Send /remind to set new ones.",
                    "Done: I cancelled {count} reminders. Send /remind to set new ones.",
                    gone,
                ),
                count=str(gone),
            ),
        )
    return ctx.expired()


def reminder_reply(ctx: _Ctx, reminder: Reminder) -> Reply:
    """What a reminder says when it is sent, with its buttons."""
    t = ctx.t
    deadline = _iso(reminder.deadline) or ctx.today()
    days = max(0, (deadline - ctx.today()).days)
    if reminder.kind == RECE:
        template = t.ngettext(
            "⏰ **Reminder: your RECE card or APS ends on {date}, in {days} day.** Time to prepare "
            "the change of status (employee, talent or business titre) and file it before that "
            "date. Ask me about the change of status for the details.",
            "⏰ **Reminder: your RECE card or APS ends on {date}, in {days} days.** Time to prepare "
            "the change of status (employee, talent or business titre) and file it before that "
            "date. Ask me about the change of status for the details.",
            days,
        )
    else:
        template = t.ngettext(
            "⏰ **Reminder: your titre expires on {date}, in {days} day.** If you have not applied "
            "for the RECE card or the APS yet, do it now: /aps shows what to prepare and where.",
            "⏰ **Reminder: your titre expires on {date}, in {days} days.** If you have not applied "
            "for the RECE card or the APS yet, do it now: /aps shows what to prepare and where.",
            days,
        )
    r = ctx.reply(ReplyKind.INFO, ctx.msg(template, date=t.date(deadline), days=str(days)))
    r.choices = [
        Choice(token(ctx, "l"), t.gettext("My reminders")),
        Choice(token(ctx, "x"), t.gettext("Stop all reminders"), ChoiceKind.NAV),
    ]
    return r
