"""Reminders in conversation: /remind, /reminders, the opt-in under outcomes, what one says.

When they are due and how adapters send them is `bot.engine.reminders`; this is the dialogue.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from babel.lists import format_list

from bot.engine.commands import N_, Arg, pgettext
from bot.engine.reminders import RECE, TITRE, compact, day_of, from_compact, iso, plan
from bot.engine.reply import Choice, ChoiceKind, Reply, ReplyKind
from bot.engine.router import Router, not_here
from bot.engine.tokens import ReminderAction, ReminderButton
from bot.markup import Bold, BulletList, Paragraph, Text

if TYPE_CHECKING:
    from bot.engine.turn import Turn
    from bot.knowledge.model import Node
    from bot.storage.records import Conversation, Reminder

router = Router("reminders")
# a front end that cannot write to anyone later (the web page) has no reminders at all
PUSHING = ("telegram", "discord", "console")
NO_PUSH = N_(
    "Reminders need a chat app that can write to you later, and this web page cannot. Use "
    "aps-bot on Telegram or Discord for reminders, or note your deadline in your calendar."
)
RECE_WORDS = ("rece", "aps")  # "/remind aps 15/03/2027": the RECE or APS ends on that date


# ------------------------------------------------------------------ buttons


def token(turn: Turn, action: ReminderAction, arg: str = "0") -> str:
    return turn.token(ReminderButton(action, arg))


# which reminders an outcome's countdown offers (walkthrough/countdown.py kinds)
_COUNTDOWN_REMINDERS = {"expiry": TITRE, "renewal_window": TITRE, "card_end": RECE}


def outcome_choice(turn: Turn, node: Node, answers: dict[str, str]) -> Choice | None:
    """ "Remind me before my deadline" under an outcome that counts down to a date the user
    gave, when that date is still to come."""
    if not router.commands["remind"].works_on(turn.platform):
        return None
    kind = _COUNTDOWN_REMINDERS.get(node.countdown)
    deadline = iso(answers.get(node.countdown_date, ""))
    if kind is None or deadline is None or deadline <= turn.today():
        return None
    action = ReminderAction.OPT_IN_TITRE if kind == TITRE else ReminderAction.OPT_IN_RECE
    return Choice(
        token(turn, action, compact(deadline)), turn.t.gettext("⏰ Remind me before my deadline")
    )


# ------------------------------------------------------------------ dialogue


@router.command(
    pgettext("command name", "remind"),
    N_("Reminders before your deadline: /remind 15/03/2027"),
    platforms=PUSHING,
    elsewhere=NO_PUSH,
    arg=Arg(
        pgettext("option name", "date"),
        N_("When your titre expires, e.g. 15/03/2027 (or: aps 15/03/2027)"),
    ),
)
async def on_remind(turn: Turn, conv: Conversation | None, args: str) -> Reply:
    """/remind [rece|aps] [date]."""
    if not turn.private:
        return turn.personal()
    t = turn.t
    words = args.split()
    kind = TITRE
    if words and words[0].lower() in RECE_WORDS:
        kind, words = RECE, words[1:]
    if not words:
        r = turn.reply(
            ReplyKind.INFO,
            turn.msg(
                t.gettext(
                    "Send /remind followed by the date your titre expires, for example "
                    "/remind 15/03/2027: I will remind you 60, 30, 14 and 7 days before.\n\n"
                    "If that date is when your RECE card or APS ends instead, send /remind aps "
                    "15/03/2027: I will remind you 60 days before, to prepare the change of status "
                    "in time. /reminders lists your reminders."
                )
            ),
        )
        node = turn.kb.flow.nodes.get(conv.node or "") if conv else None
        known = outcome_choice(turn, node, conv.answers) if conv and node else None
        if known is not None and conv is not None and node is not None:
            deadline = iso(conv.answers[node.countdown_date])
            assert deadline is not None
            label = (
                t.gettext("My titre expires on {date}")
                if _COUNTDOWN_REMINDERS[node.countdown] == TITRE
                else t.gettext("My RECE card or APS ends on {date}")
            )
            r.choices.append(Choice(known.token, label.format(date=t.date(deadline))))
        return r
    deadline = turn.parse_date(" ".join(words))
    if deadline is None:
        return turn.reply(
            ReplyKind.ERROR,
            turn.msg(
                t.gettext(
                    "I couldn't read that as a date. Please write it like 15/03/2027, 2027-03-15 or "
                    "15 March 2027."
                )
            ),
        )
    if deadline <= turn.today():
        return turn.reply(
            ReplyKind.ERROR,
            turn.msg(
                t.gettext(
                    "That date is today or has passed: reminders need a date to come. If your "
                    "titre has expired, send /aps to see what you can still do."
                )
            ),
        )
    return await set_reminders(turn, kind, deadline, clear_other=False)


async def set_reminders(turn: Turn, kind: str, deadline: dt.date, *, clear_other: bool) -> Reply:
    """Replace the user's reminders of `kind` by the schedule for `deadline`; confirm."""
    key = turn.key
    store = turn.store
    planned = plan(key, kind, deadline, turn.t.code, turn.now)
    if clear_other:  # the user corrected what the date is: the other schedule was a mistake
        other = RECE if kind == TITRE else TITRE
        await store.replace_reminders(key.platform, key.user, other, [], turn.now)
    await store.replace_reminders(key.platform, key.user, kind, planned, turn.now)
    t = turn.t
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
    r = turn.reply(ReplyKind.INFO, turn.msg(text, **values))
    if planned:
        r.messages.append(turn.msg(t.gettext("You can cancel them at any time with /reminders.")))
    if kind == TITRE:
        switch = Choice(
            token(turn, ReminderAction.IS_RECE, compact(deadline)),
            t.gettext("No: that is when my RECE card or APS ends"),
        )
    else:
        switch = Choice(
            token(turn, ReminderAction.IS_TITRE, compact(deadline)),
            t.gettext("No: that is when my titre expires"),
        )
    r.choices = [
        switch,
        Choice(token(turn, ReminderAction.LIST), t.gettext("My reminders"), ChoiceKind.NAV),
    ]
    return r


def describe(turn: Turn, reminder: Reminder) -> str:
    """ "60 days before your titre expires on 15 March 2027"."""
    deadline = iso(reminder.deadline) or day_of(reminder.due)
    days = (deadline - day_of(reminder.due)).days
    t = turn.t
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


@router.command(
    pgettext("command name", "reminders"),
    N_("List or cancel your reminders"),
    platforms=PUSHING,
    elsewhere=NO_PUSH,
)
async def reminders(turn: Turn, conv: Conversation | None, args: str) -> Reply:
    return await on_reminders(turn)


async def on_reminders(turn: Turn, notice: str | None = None) -> Reply:
    """/reminders: the list, a cancel button per reminder, and one to stop them all."""
    if not turn.private:
        return turn.personal()
    key = turn.key
    t = turn.t
    found = await turn.store.list_reminders(key.platform, key.user)
    r = turn.reply(ReplyKind.INFO)
    if notice:
        r.messages.append(turn.msg(notice))
    if not found:
        r.messages.append(
            turn.msg(
                t.gettext(
                    "You have no reminders. Send /remind followed by a date, for example "
                    "/remind 15/03/2027."
                )
            )
        )
        return r
    items = tuple(
        (Text(f"{n}. "), Bold((Text(t.date(day_of(x.due))),)), Text(": " + describe(turn, x)))
        for n, x in enumerate(found, 1)
    )
    r.messages.append((Paragraph((Bold((Text(t.gettext("Your reminders")),)),)), BulletList(items)))
    r.choices = [
        Choice(
            token(turn, ReminderAction.CANCEL, x.id),
            t.gettext("Cancel reminder {number} ({date})").format(
                number=n, date=t.date(day_of(x.due))
            ),
        )
        for n, x in enumerate(found, 1)
    ]
    r.choices.append(
        Choice(
            token(turn, ReminderAction.STOP_ALL), t.gettext("Stop all reminders"), ChoiceKind.NAV
        )
    )
    return r


_SETS = {  # the buttons that set reminders: (kind, whether they replace the other kind's)
    ReminderAction.OPT_IN_TITRE: (TITRE, False),
    ReminderAction.OPT_IN_RECE: (RECE, False),
    ReminderAction.IS_TITRE: (TITRE, True),
    ReminderAction.IS_RECE: (RECE, True),
}


@router.button(ReminderButton)
async def on_button(turn: Turn, conv: Conversation | None, button: ReminderButton) -> Reply:
    """A reminder button: opt in, switch kind, list, cancel one, stop all."""
    if not turn.private:
        return turn.expired()
    remind = router.commands["remind"]
    if not remind.works_on(turn.platform):
        return not_here(turn, remind)
    action, arg = button.action, button.arg
    key = turn.key
    store = turn.store
    t = turn.t
    if action in _SETS:
        # opt in under an outcome (titre / RECE-APS end), or "no, that date is…"
        deadline = from_compact(arg)
        if deadline is None:
            return turn.expired()
        if deadline <= turn.today():
            return await on_remind(turn, None, deadline.isoformat())  # says it has passed
        kind, clear_other = _SETS[action]
        return await set_reminders(turn, kind, deadline, clear_other=clear_other)
    if action is ReminderAction.LIST:
        return await on_reminders(turn)
    if action is ReminderAction.CANCEL:
        gone = await store.cancel_reminders(key.platform, key.user, arg)
        notice = (
            t.gettext("Reminder cancelled.")
            if gone
            else t.gettext("That reminder was already gone.")
        )
        return await on_reminders(turn, notice)
    if action is ReminderAction.STOP_ALL:
        gone = await store.cancel_reminders(key.platform, key.user)
        return turn.reply(
            ReplyKind.INFO,
            turn.msg(
                t.ngettext(
                    "Done: I cancelled {count} reminder. Send /remind to set new ones.",
                    "Done: I cancelled {count} reminders. Send /remind to set new ones.",
                    gone,
                ),
                count=str(gone),
            ),
        )
    return turn.expired()


def reminder_reply(turn: Turn, reminder: Reminder) -> Reply:
    """What a reminder says when it is sent, with its buttons."""
    t = turn.t
    deadline = iso(reminder.deadline) or turn.today()
    days = max(0, (deadline - turn.today()).days)
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
    r = turn.reply(ReplyKind.INFO, turn.msg(template, date=t.date(deadline), days=str(days)))
    r.choices = [
        Choice(token(turn, ReminderAction.LIST), t.gettext("My reminders")),
        Choice(
            token(turn, ReminderAction.STOP_ALL), t.gettext("Stop all reminders"), ChoiceKind.NAV
        ),
    ]
    return r
