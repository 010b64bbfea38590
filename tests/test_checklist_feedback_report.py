"""The document checklist, 👍/👎 feedback, and the moderators' report (issue 8)."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

import pytest

from bot.cli import main
from bot.engine import ReplyKind
from bot.storage import MemoryStore, SqliteStore
from bot.testing import Client


async def to_outcome(c: Client, group: str = "Indian") -> None:
    await c.send("/aps")
    await c.click(group)
    await c.click("Master")
    await c.send("15/03/2027")


# ------------------------------------------------------------------ checklist


async def test_checklist_ticks_untick_and_survives_a_restart(
    make_engine, clock, tmp_path: Path
) -> None:
    db = tmp_path / "db.sqlite3"
    c = Client(make_engine(SqliteStore(db)), lang="en")
    await to_outcome(c)
    await c.click("My checklist")
    assert "Your checklist: 0/2" in c.text and "India outcome" in c.text
    assert c.labels == ["⬜ 1. Passport", "⬜ 2. Only for Indians"]
    await c.click("1. Passport")
    assert "1/2" in c.text and c.labels[0] == "✅ 1. Passport"
    await c.click("2. Only")
    assert "2/2" in c.text and "All done!" in c.text
    await c.click("2. Only")  # untick
    assert "1/2" in c.text
    await c.engine.store.close()

    restarted = Client(make_engine(SqliteStore(db)), lang="fr")
    await restarted.send("/checklist")
    assert "Votre liste de documents : 1/2" in restarted.text
    assert restarted.labels == ["✅ 1. Passport", "⬜ 2. Only for Indians"]
    # the stored state is indexes only
    (kept,) = (await restarted.engine.store.user_data("test", "alice"))["checklists"]
    assert kept.outcome == "out_india" and kept.items == (0, 1) and kept.ticked == {0}
    await restarted.send("/forget")
    await restarted.send("/checklist")
    assert "pas encore de liste" in restarted.text
    await restarted.engine.store.close()


async def test_checklist_has_only_the_documents_that_apply(make_engine, clock) -> None:
    c = Client(make_engine(MemoryStore()), lang="en")
    await to_outcome(c, "Other")
    await c.click("My checklist")
    assert "0/1" in c.text and c.labels == ["⬜ 1. Passport"]
    await c.send("/checklist")
    assert "0/1" in c.text


async def test_checklist_is_personal(make_engine, clock) -> None:
    c = Client(make_engine(MemoryStore()), lang="en")
    await c.send("/checklist")
    assert "no checklist yet" in c.text
    await to_outcome(c)
    await c.click("My checklist")
    other = c.other("mallory")
    await other.press(c.reply.choices[0].token)
    assert other.reply.kind is ReplyKind.NOT_YOURS
    group = c.other("bob", scope="g", private=False)
    await group.send("/checklist")
    assert "private chat" in group.text
    await c.send("/mydata")
    assert "Checklist “India outcome”: 0/2 ticked" in c.text


# ------------------------------------------------------------------ feedback


async def test_votes_are_counted_once_per_answer_shown(make_engine, clock) -> None:
    c = Client(make_engine(MemoryStore()), lang="en")
    await c.send("how much does it cost")
    assert c.labels[-3:] == ["👍 Helpful", "👎 Not helpful", "❓ Not what I asked"]
    answer = c.reply
    await c.click("👍 Helpful")
    assert c.reply.kind is ReplyKind.ACK and c.reply.alert == "Thank you for your feedback!"
    c.reply = answer
    await c.click("👎 Not helpful")  # the same answer: not counted again
    assert "already counted" in c.text
    await c.send("how much does it cost")
    await c.click("👎 Not helpful")  # a new answer shown: a new vote
    counters = await c.engine.store.counters()
    assert counters["vote.up.fee"] == 1 and counters["vote.down.fee"] == 1


async def test_anyone_in_a_group_can_vote_once(make_engine, clock) -> None:
    engine = make_engine(MemoryStore())
    asker = Client(engine, user="a", scope="group", private=False, lang="en")
    await asker.send("how much does it cost")
    assert asker.labels == ["👍 Helpful", "👎 Not helpful", "❓ Not what I asked"]
    reader = asker.other("b")
    reader.reply = asker.reply
    await reader.click("👍 Helpful")
    assert reader.reply.kind is ReplyKind.ACK
    await asker.click("👍 Helpful")
    assert "already counted" in asker.text
    assert (await engine.store.counters())["vote.up.fee"] == 1


async def test_feedback_and_questions_are_counted_without_user_ids(
    make_engine, clock, tmp_path: Path
) -> None:
    db = tmp_path / "db.sqlite3"
    store = SqliteStore(db)
    c = Client(make_engine(store), lang="en")
    await c.send("how much does it cost")
    await c.send("zzz qqq xyzzy")
    await to_outcome(c)
    counters = await store.counters()
    assert counters["questions.asked"] == 2 and counters["questions.missed"] == 1
    assert counters["outcome.out_india"] == 1 and counters["lang.en"] == 3
    rows = store._db.execute("SELECT * FROM counters").fetchall()
    assert not any("alice" in str(row) or "dm-alice" in str(row) for row in rows)
    await store.close()


# ------------------------------------------------------------------ report


async def seed(db: Path, make_engine, clock) -> None:
    store = SqliteStore(db)
    en = Client(make_engine(store), lang="en")
    fr = en.other("bob", lang="fr", scope="dm-bob")
    for question in ("how much does it cost", "zzz qqq xyzzy", "zzz qqq xyzzy", "visa talent"):
        await en.send(question)
    await fr.send("combien ça coûte")
    await fr.click("👍 Utile")
    await to_outcome(en)
    await to_outcome(fr, "Other")
    await store.close()


def test_report_text_and_csv_on_a_seeded_database(
    make_engine, clock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "seeded.sqlite3"
    asyncio.run(seed(db, make_engine, clock))  # the CLI runs its own event loop

    assert main(["report", "--database", str(db)]) == 0
    text = capsys.readouterr().out
    assert (
        "Questions: 5 asked, 2 answered, 0 composed (two or three short answers), "
        "0 unsure (did you mean), 3 missed"
    ) in text
    assert "    2  zzz qqq xyzzy" in text
    assert "out_india" in text and "out_card" in text
    assert "    2  fr" in text and "    5  en" in text
    assert "    1 / 0     fee" in text
    assert "alice" not in text and "bob" not in text

    assert main(["report", "--csv", "--database", str(db)]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["section", "name", "value"]
    assert ["questions", "asked", "5"] in rows and ["questions", "missed", "3"] in rows
    assert ["missed_question", "zzz qqq xyzzy", "2"] in rows
    assert ["outcome", "out_india", "1"] in rows and ["outcome", "out_card", "1"] in rows
    assert ["language", "en", "5"] in rows and ["language", "fr", "2"] in rows
    assert ["helpful_yes", "fee", "1"] in rows and ["helpful_no", "fee", "0"] in rows
    assert not any("alice" in cell or "bob" in cell for row in rows for cell in row)


def test_report_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--database", str(tmp_path / "missing.sqlite3")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("aps-bot: no database at") and err.count("\n") == 1
    with pytest.raises(SystemExit) as exit_:
        main(["report", "--help"])
    assert exit_.value.code == 0
    assert "--csv" in capsys.readouterr().out


async def test_stats_shows_the_report_to_admins(make_engine, clock) -> None:
    engine = make_engine(MemoryStore(), admins=frozenset({"root"}))
    user = Client(engine, user="eve", lang="en")
    await user.send("how much does it cost")
    await user.click("👍 Helpful")
    await user.send("zzz qqq xyzzy")
    admin = Client(engine, user="root", lang="en")
    await admin.send("/stats")
    assert "Questions: 2 asked, 1 answered, 0 composed, 0 unsure, 1 missed" in admin.text
    assert "fee: 👍 1 👎 0" in admin.text and "en: 2" in admin.text
