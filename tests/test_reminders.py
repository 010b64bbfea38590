"""Deadline reminders (issue 8): scheduling, the claim/lease scheduler API, restarts, shared Redis."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from pathlib import Path

from bot.console import Console
from bot.engine import ReplyKind
from bot.engine.reminders import LEASE_MARGIN, LEASE_SECONDS
from bot.markup import plain_text
from bot.storage import MemoryStore, SqliteStore
from bot.storage.redis import RedisStore
from bot.testing import Client

DAY = 86400.0
# FakeClock starts on 27 November 2026, 12:00 UTC; the deadline is 108 days later
DEADLINE = "15/03/2027"


def due_days(reminders) -> list[str]:
    return [dt.datetime.fromtimestamp(r.due, dt.UTC).strftime("%Y-%m-%d %H:%M") for r in reminders]


def text_of(reply) -> str:
    return "\n\n".join(plain_text(m) for m in reply.messages)


async def test_remind_sets_the_four_titre_reminders_still_to_come(make_engine, clock) -> None:
    c = Client(make_engine(MemoryStore()), lang="en")
    await c.send(f"/remind {DEADLINE}")
    assert "I will remind you 4 times" in c.text and "14 January 2027" in c.text
    stored = await c.engine.store.list_reminders("test", "alice")
    assert due_days(stored) == [
        "2027-01-14 08:00",
        "2027-02-13 08:00",
        "2027-03-01 08:00",
        "2027-03-08 08:00",
    ]
    assert {(r.kind, r.deadline, r.scope, r.lang) for r in stored} == {
        ("titre", "2027-03-15", "dm-alice", "en")
    }
    # only the dates still to come: 20 days before the deadline leaves the 14- and 7-day ones
    await c.send("/remind 17/12/2026")
    assert "2 times" in c.text
    assert len(await c.engine.store.list_reminders("test", "alice")) == 2  # replaced, not added


async def test_the_date_can_be_the_end_of_the_rece_instead(make_engine, clock) -> None:
    c = Client(make_engine(MemoryStore()), lang="en")
    await c.send(f"/remind {DEADLINE}")
    await c.click("No: that is when my RECE card or APS ends")
    assert "ends on 15 March 2027" in c.text and "14 January 2027" in c.text
    (only,) = await c.engine.store.list_reminders("test", "alice")
    assert only.kind == "rece" and due_days([only]) == ["2027-01-14 08:00"]
    await c.click("No: that is when my titre expires")
    assert len(await c.engine.store.list_reminders("test", "alice")) == 4
    await c.send("/remind aps 15/03/2027")  # the same in one command
    kinds = sorted(r.kind for r in await c.engine.store.list_reminders("test", "alice"))
    assert kinds == ["rece", "titre", "titre", "titre", "titre"]


async def test_bad_past_and_too_close_dates(make_engine, clock) -> None:
    c = Client(make_engine(MemoryStore()), lang="en")
    await c.send("/remind someday")
    assert c.reply.kind is ReplyKind.ERROR and "couldn't read that as a date" in c.text
    await c.send("/remind 01/01/2026")
    assert c.reply.kind is ReplyKind.ERROR and "has passed" in c.text
    await c.send("/remind 01/12/2026")
    assert "too soon for a reminder" in c.text
    await c.send("/remind")
    assert "/remind 15/03/2027" in c.text
    assert await c.engine.store.list_reminders("test", "alice") == []


async def test_opt_in_under_the_outcome_and_not_in_groups(make_engine, clock) -> None:
    c = Client(make_engine(MemoryStore()), lang="en")
    await c.send("/aps")
    await c.click("Other")
    await c.click("Master")
    await c.send(DEADLINE)
    assert "Card outcome" in c.text
    await c.click("Remind me before my deadline")
    assert "I will remind you 4 times" in c.text
    await c.send("/remind")  # offers the date the walkthrough knows
    assert "My titre expires on 15 March 2027" in c.labels
    group = c.other("bob", scope="group-1", private=False)
    await group.send(f"/remind {DEADLINE}")
    assert "private chat" in group.text
    assert await c.engine.store.list_reminders("test", "bob") == []


async def test_french_reminder_text(make_engine, clock) -> None:
    c = Client(make_engine(MemoryStore()), lang="fr")
    await c.send(f"/remind {DEADLINE}")
    assert "je vous le rappellerai 4 fois" in c.text and "14 janvier 2027" in c.text
    clock.now = dt.datetime(2027, 1, 14, 8, 1, tzinfo=dt.UTC).timestamp()
    (delivery,) = await c.engine.due_reminders(platform="test")
    assert "votre titre expire le 15 mars 2027, dans 60 jours" in text_of(delivery.reply)


async def test_due_reminder_is_delivered_once_then_gone(make_engine, clock) -> None:
    c = Client(make_engine(MemoryStore()), lang="en")
    engine = c.engine
    await c.send(f"/remind {DEADLINE}")
    assert await engine.due_reminders(platform="test") == []  # nothing due yet
    clock.now = dt.datetime(2027, 1, 14, 8, 0, tzinfo=dt.UTC).timestamp()
    (delivery,) = await engine.due_reminders(platform="test")
    assert delivery.key.scope == "dm-alice" and delivery.key.user == "alice"
    assert "your titre expires on 15 March 2027, in 60 days" in text_of(delivery.reply)
    assert [ch.label for ch in delivery.reply.choices] == ["My reminders", "Stop all reminders"]
    assert delivery.sendable(clock()) and not delivery.sendable(clock() + LEASE_SECONDS)
    await engine.reminder_sent(delivery.id)
    clock.advance(LEASE_SECONDS * 3)
    assert await engine.due_reminders(platform="test") == []
    assert len(await engine.store.list_reminders("test", "alice")) == 3
    assert await engine.due_reminders(platform="other-platform") == []


async def test_a_crash_before_the_mark_gives_at_most_one_duplicate_after_the_lease(
    make_engine, clock, tmp_path: Path
) -> None:
    db = tmp_path / "db.sqlite3"
    first = make_engine(SqliteStore(db))
    c = Client(first, lang="en")
    await c.send(f"/remind {DEADLINE}")
    clock.now = dt.datetime(2027, 1, 14, 9, 0, tzinfo=dt.UTC).timestamp()
    (sent,) = await first.due_reminders(platform="test")
    # the platform accepted the message, then the process died before reminder_sent
    await first.store.close()
    second = make_engine(SqliteStore(db))  # the restart
    assert await second.due_reminders(platform="test") == []  # still leased: no duplicate yet
    clock.advance(LEASE_SECONDS - 1)
    assert await second.due_reminders(platform="test") == []
    clock.advance(1)
    (again,) = await second.due_reminders(platform="test")  # the one duplicate, after the lease
    assert again.id == sent.id
    await second.reminder_sent(again.id)
    clock.advance(LEASE_SECONDS * 10)
    assert await second.due_reminders(platform="test") == []
    await second.store.close()


async def test_reminders_survive_a_restart(make_engine, clock, tmp_path: Path) -> None:
    db = tmp_path / "db.sqlite3"
    first = make_engine(SqliteStore(db))
    await Client(first, lang="fr").send(f"/remind {DEADLINE}")
    await first.store.close()
    clock.now = dt.datetime(2027, 2, 13, 8, 0, tzinfo=dt.UTC).timestamp()
    second = make_engine(SqliteStore(db))
    deliveries = await second.due_reminders(platform="test")
    # the 60-day one was missed while down: only the latest of that deadline is sent
    (delivery,) = deliveries
    assert "dans 30 jours" in text_of(delivery.reply) and delivery.reply.lang == "fr"
    await second.reminder_sent(delivery.id)
    left = await second.store.list_reminders("test", "alice")
    assert due_days(left) == ["2027-03-01 08:00", "2027-03-08 08:00"]  # the missed one dropped
    await second.store.close()


async def test_reminders_about_a_past_date_are_dropped(make_engine, clock) -> None:
    engine = make_engine(MemoryStore())
    await Client(engine, lang="en").send(f"/remind {DEADLINE}")
    clock.now = dt.datetime(2027, 4, 1, tzinfo=dt.UTC).timestamp()  # down for months
    assert await engine.due_reminders(platform="test") == []
    assert await engine.store.list_reminders("test", "alice") == []


async def test_two_engines_on_one_redis_never_both_claim_a_reminder(
    make_engine, clock, redis_url: str, tmp_path: Path
) -> None:
    prefix = f"rem-{tmp_path.name}:"
    a = make_engine(RedisStore(redis_url, prefix=prefix))
    b = make_engine(RedisStore(redis_url, prefix=prefix))
    try:
        await Client(a, lang="en").send(f"/remind {DEADLINE}")
        await Client(b, user="bob", lang="en").send("/remind aps 15/03/2027")
        clock.now = dt.datetime(2027, 1, 14, 8, 0, tzinfo=dt.UTC).timestamp()
        for _ in range(5):  # racing claims, again and again: each reminder goes to one caller
            got_a, got_b = await asyncio.gather(
                a.due_reminders(platform="test"), b.due_reminders(platform="test")
            )
            ids = [d.id for d in got_a + got_b]
            assert len(ids) == len(set(ids))
            if ids:
                assert sorted(d.key.user for d in got_a + got_b) == ["alice", "bob"]
                claimed = ids
        for rid in claimed:
            await a.reminder_sent(rid)
        clock.advance(LEASE_SECONDS + LEASE_MARGIN)
        assert await b.due_reminders(platform="test") == []
        assert len(await b.store.list_reminders("test", "alice")) == 3
    finally:
        await a.store.close()
        await b.store.close()


async def test_list_cancel_one_stop_all_and_forget(make_engine, clock) -> None:
    c = Client(make_engine(MemoryStore()), lang="en")
    await c.send("/reminders")
    assert "You have no reminders" in c.text
    await c.send(f"/remind {DEADLINE}")
    await c.send("/reminders")
    assert "1. 14 January 2027: 60 days before your titre expires on 15 March 2027" in c.text
    assert c.labels[-1] == "Stop all reminders"
    await c.click("Cancel reminder 1 (14 January 2027)")
    assert "Reminder cancelled." in c.text and "14 January 2027" not in c.text
    stale = c.history[-2].choices[0].token
    await c.press(stale)
    assert "already gone" in c.text
    other = c.other("mallory")
    await other.press(c.reply.choices[0].token)  # someone else's cancel button
    assert other.reply.kind is ReplyKind.NOT_YOURS
    await c.send("/mydata")
    assert "Reminder on 13 February 2027: 30 days before your titre expires" in c.text
    await c.send("/reminders")
    await c.click("Stop all reminders")
    assert "I cancelled 3 reminders" in c.text
    await c.send(f"/remind {DEADLINE}")
    await c.send("/forget")
    assert "4 records" in c.text
    assert await c.engine.store.list_reminders("test", "alice") == []


async def test_privacy_says_what_is_kept_for_reminders(make_engine, clock) -> None:
    c = Client(make_engine(MemoryStore()), lang="fr")
    await c.send("/privacy")
    assert "Les rappels que vous demandez (/remind)" in c.text
    assert "Votre liste de documents" in c.text


async def test_console_remind_reminders_and_delivery(make_engine, clock) -> None:
    engine = make_engine(MemoryStore())
    script = io.StringIO(f"/remind {DEADLINE}\n/reminders\n1\n")
    out = io.StringIO()
    console = Console(engine, script, out, interactive=False, locale="en")
    await console.run()
    text = out.getvalue()
    assert "I will remind you 4 times" in text
    assert "1. 14 January 2027: 60 days before your titre expires" in text
    assert "Reminder cancelled." in text  # "1" pressed the first cancel button
    clock.now = dt.datetime(2027, 2, 13, 8, 5, tzinfo=dt.UTC).timestamp()
    out2 = io.StringIO()
    await Console(engine, io.StringIO("/help\n"), out2, interactive=False, locale="en").run()
    shown = out2.getvalue()
    assert "Reminder: your titre expires on 15 March 2027, in 30 days." in shown
    assert shown.index("Reminder: your titre") < shown.rindex("What I can do")  # before /help
    assert len(await engine.store.list_reminders("console", "local")) == 2  # sent one is gone


async def test_the_shared_pump_sends_drops_or_keeps_each_reminder(make_engine, clock) -> None:
    from bot.engine.reminder_pump import NotNow, send_due_reminders

    class Gone(Exception):
        pass

    class Flaky(Exception):
        pass

    engine = make_engine(MemoryStore())
    for user in ("sent", "gone", "flaky", "later"):
        await Client(engine, user=user, lang="en").send(f"/remind {DEADLINE}")
    clock.advance(60 * DAY)  # the first reminder of each is due
    outcome = {"gone": Gone, "flaky": Flaky, "later": NotNow}
    sent = []

    async def send(delivery) -> None:
        error = outcome.get(delivery.key.user)
        if error:
            raise error("never shown: may quote the user")
        sent.append(delivery.key.user)

    count = await send_due_reminders(engine, "test", send, final=(Gone,), transient=(Flaky,))
    assert count == 1 and sent == ["sent"]
    remaining = {
        u: len(await engine.store.list_reminders("test", u)) for u in outcome | {"sent": 0}
    }
    # sent and dropped ones are gone; the failed and the postponed wait for their lease to end
    assert remaining == {"sent": 3, "gone": 3, "flaky": 4, "later": 4}
    clock.advance(LEASE_SECONDS + 1)
    again = []

    async def record(delivery) -> None:
        again.append(delivery.key.user)

    assert await send_due_reminders(engine, "test", record) == 2
    assert sorted(again) == ["flaky", "later"]
