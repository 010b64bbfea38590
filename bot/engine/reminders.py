"""Deadline reminders: when they are due, and the delivery contract adapters rely on.

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

from bot.storage.records import ConversationKey, Reminder

if TYPE_CHECKING:
    from bot.engine.reply import Reply

TITRE, RECE = "titre", "rece"
OFFSETS = {TITRE: (60, 30, 14, 7), RECE: (60,)}
SEND_HOUR = 8  # UTC: 9 or 10 in the morning in France
LEASE_SECONDS = 600.0
LEASE_MARGIN = 60.0


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
        deadline = iso(r.deadline)
        if deadline is not None and deadline >= today:
            send.append(r)
    keep = {r.id for r in send}
    return send, [r for r in claimed if r.id not in keep]


def iso(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None
