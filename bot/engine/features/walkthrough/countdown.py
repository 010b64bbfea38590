"""The line under an outcome that counts down to the user's own date, with urgency.

Which date and which rule come from the outcome in flow.yaml (``countdown: {date: titre_expiry,
kind: expiry}``); each kind is one function here.

- ``expiry``: file before the titre expires (urgent in the last 30 days);
- ``renewal_window``: a student renewal is filed from 4 to 2 months before expiry; urgency follows
  the window, not the expiry date;
- ``card_end``: the RECE card or APS ends; file the change of status before;
- ``abroad_window``: the job-search visa from abroad is open for some years after the diploma.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.markup import Message

if TYPE_CHECKING:
    from bot.engine.turn import Turn

URGENT_DAYS = 30
SOON_DAYS = 60
# Facts naming the student renewal window, in months before the titre expires (R431-5)
WINDOW_OPENS, WINDOW_CLOSES = "renewal_window_opens_months", "renewal_window_closes_months"
ABROAD_YEARS = "abroad_window_years"  # the fact: years after the diploma to apply from abroad


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole calendar months (clamped to the month's last day)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: every month has a 28th


def message(turn: Turn, kind: str, raw: str) -> Message:
    """The countdown line for `kind` to the ISO date `raw` (nothing if it is not a date)."""
    try:
        day = dt.date.fromisoformat(raw)
    except (TypeError, ValueError):
        return ()
    return _KINDS[kind](turn, day)


def _expiry(turn: Turn, expiry: dt.date) -> Message:
    t = turn.t
    days = (expiry - turn.today()).days
    values = {"date": t.date(expiry), "days": str(abs(days))}
    if days < 0:
        template = t.ngettext(
            "**Your titre expired on {date}, {days} day ago.** See a lawyer, your welcome desk or an association quickly.",
            "**Your titre expired on {date}, {days} days ago.** See a lawyer, your welcome desk or an association quickly.",
            abs(days),
        )
    elif days <= URGENT_DAYS:
        template = t.ngettext(
            "⚠️ **Urgent: your titre expires on {date}, in {days} day.** File your application now, before that date.",
            "⚠️ **Urgent: your titre expires on {date}, in {days} days.** File your application now, before that date.",
            days,
        )
    elif days <= SOON_DAYS:
        template = t.ngettext(
            "Your titre expires on {date}: {days} day left. Book your appointment or send your file now.",
            "Your titre expires on {date}: {days} days left. Book your appointment or send your file now.",
            days,
        )
    else:
        template = t.ngettext(
            "Your titre expires on {date}: {days} day left. File before that date; earlier is safer.",
            "Your titre expires on {date}: {days} days left. File before that date; earlier is safer.",
            days,
        )
    return turn.msg(template, **values)


def _renewal_window(turn: Turn, expiry: dt.date) -> Message:
    t = turn.t
    today = turn.today()
    facts = turn.kb.facts
    opens = add_months(expiry, -int(facts[WINDOW_OPENS].at(today).value))  # type: ignore[arg-type]
    closes = add_months(expiry, -int(facts[WINDOW_CLOSES].at(today).value))  # type: ignore[arg-type]
    values = {
        "opens": t.date(opens),
        "closes": t.date(closes),
        "expiry": t.date(expiry),
        "late_tax": turn.engine.texts.facts(turn.kb, t, today)["late_renewal_tax"],
    }
    if expiry < today:
        return _expiry(turn, expiry)
    if today < opens:
        days = (opens - today).days
        template = t.ngettext(
            "Your student renewal window runs **from {opens} to {closes}** (your titre expires on "
            "{expiry}). It opens in {days} day: prepare the file now.",
            "Your student renewal window runs **from {opens} to {closes}** (your titre expires on "
            "{expiry}). It opens in {days} days: prepare the file now.",
            days,
        )
    elif today <= closes:
        days = (closes - today).days
        template = t.ngettext(
            "⚠️ **Your renewal window is open: file by {closes}, {days} day left.** It opened on "
            "{opens}; your titre expires on {expiry}.",
            "⚠️ **Your renewal window is open: file by {closes}, {days} days left.** It opened on "
            "{opens}; your titre expires on {expiry}.",
            days,
        )
    else:
        days = (expiry - today).days
        template = t.ngettext(
            "⚠️ **Urgent: your renewal window closed on {closes}.** File now anyway, before your "
            "titre expires on {expiry} ({days} day left): a late renewal may cost an extra "
            "{late_tax} and you must explain the delay.",
            "⚠️ **Urgent: your renewal window closed on {closes}.** File now anyway, before your "
            "titre expires on {expiry} ({days} days left): a late renewal may cost an extra "
            "{late_tax} and you must explain the delay.",
            days,
        )
    return turn.msg(template, days=str(days), **values)


def _card_end(turn: Turn, end: dt.date) -> Message:
    t = turn.t
    days = (end - turn.today()).days
    if days < 0:
        template = t.ngettext(
            "**Your card or APS ended on {date}, {days} day ago.** Without a pending application "
            "you have no right to stay: see a lawyer, your welcome desk or an association quickly.",
            "**Your card or APS ended on {date}, {days} days ago.** Without a pending application "
            "you have no right to stay: see a lawyer, your welcome desk or an association quickly.",
            abs(days),
        )
    elif days <= SOON_DAYS:
        template = t.ngettext(
            "⚠️ **Your card or APS ends on {date}, in {days} day.** File your change of status now, "
            "before that date.",
            "⚠️ **Your card or APS ends on {date}, in {days} days.** File your change of status now, "
            "before that date.",
            days,
        )
    else:
        template = t.ngettext(
            "Your card or APS ends on {date}: {days} day left. File the change of status as soon as "
            "you have a job offer or your business, and before that date.",
            "Your card or APS ends on {date}: {days} days left. File the change of status as soon as "
            "you have a job offer or your business, and before that date.",
            days,
        )
    return turn.msg(template, date=t.date(end), days=str(abs(days)))


def _abroad_window(turn: Turn, diploma: dt.date) -> Message:
    t = turn.t
    today = turn.today()
    years = int(turn.kb.facts[ABROAD_YEARS].at(today).value)  # type: ignore[arg-type]
    last = add_months(diploma, 12 * years)
    days = (last - today).days
    if days < 0:
        return ()  # the walkthrough routes such a date to its own outcome
    template = t.ngettext(
        "You obtained your diploma on {diploma}: you can apply until **{date}**, {days} day left.",
        "You obtained your diploma on {diploma}: you can apply until **{date}**, {days} days left.",
        days,
    )
    return turn.msg(template, diploma=t.date(diploma), date=t.date(last), days=str(days))


_KINDS: dict[str, Callable[[Turn, dt.date], Message]] = {
    "expiry": _expiry,
    "renewal_window": _renewal_window,
    "card_end": _card_end,
    "abroad_window": _abroad_window,
}
