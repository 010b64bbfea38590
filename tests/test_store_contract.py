"""The Store contract, run against every Store."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage import MemoryStore, SqliteStore, StoreError, open_store
from bot.storage.base import Store
from bot.storage.records import Conversation, ConversationKey
from bot.storage.redis import RedisStore
from bot.storage.sqlite import MIGRATIONS

A = ConversationKey("telegram", "chat-1", "u1")
A2 = ConversationKey("telegram", "group-9", "u1")
B = ConversationKey("telegram", "chat-2", "u2")
A_DISCORD = ConversationKey("discord", "chat-1", "u1")


@pytest.fixture(params=["memory", "sqlite", "redis"])
async def store(request, tmp_path: Path) -> AsyncIterator[Store]:
    if request.param == "memory":
        s: Store = MemoryStore()
    elif request.param == "sqlite":
        s = SqliteStore(tmp_path / "db.sqlite3")
    else:
        url = request.getfixturevalue("redis_url")
        s = RedisStore(url, ttl_seconds=3600, prefix=f"test-{tmp_path.name}:")
    yield s
    await s.close()


def conv(node: str = "n1", at: float = 100.0, **answers: str) -> Conversation:
    return Conversation(
        node=node,
        history=["start"],
        answers=answers,
        flow_version="v1",
        step=3,
        nonce="abc123",
        updated_at=at,
    )


async def test_round_trip(store: Store) -> None:
    assert isinstance(store, Store)
    assert await store.load(A) is None
    c = conv(titre_expiry="2027-03-15", agreement="india")
    await store.save(A, c)
    assert await store.load(A) == c
    c.node, c.step = "n2", 4
    await store.save(A, c)
    assert (await store.load(A)).node == "n2"
    await store.delete(A)
    assert await store.load(A) is None
    await store.delete(A)  # deleting nothing is fine


async def test_keys_are_isolated(store: Store) -> None:
    await store.save(A, conv("a"))
    await store.save(B, conv("b"))
    await store.save(A_DISCORD, conv("d"))
    assert (await store.load(A)).node == "a"
    assert (await store.load(B)).node == "b"
    assert (await store.load(A_DISCORD)).node == "d"


async def test_language(store: Store) -> None:
    assert await store.get_lang("telegram", "u1") is None
    await store.set_lang("telegram", "u1", "fr", 1.0)
    assert await store.get_lang("telegram", "u1") == "fr"
    assert await store.get_lang("discord", "u1") is None
    await store.set_lang("telegram", "u1", None, 2.0)
    assert await store.get_lang("telegram", "u1") is None


async def test_user_data_and_forget_delete_every_row_of_that_user_only(store: Store) -> None:
    await store.save(A, conv("a"))
    await store.save(A2, conv("g"))
    await store.save(B, conv("b"))
    await store.save(A_DISCORD, conv("d"))
    await store.set_lang("telegram", "u1", "fr", 1.0)
    data = await store.user_data("telegram", "u1")
    assert data["language"] == "fr"
    assert sorted(c["scope"] for c in data["conversations"]) == ["chat-1", "group-9"]
    assert await store.forget("telegram", "u1") == 3
    assert await store.user_data("telegram", "u1") == {
        "language": None,
        "conversations": [],
        "reminders": [],
        "checklists": [],
    }
    assert await store.load(B) is not None and await store.load(A_DISCORD) is not None
    assert await store.forget("telegram", "u1") == 0


async def test_misses_are_counted_without_users(store: Store) -> None:
    for text in ["visa talent", "chomage", "visa talent", "visa talent", "chomage", "zzz"]:
        await store.record_miss(text, 5.0)
    assert await store.misses(2) == [("visa talent", 3), ("chomage", 2)]
    counts = await store.counts()
    assert counts["misses_total"] == 6 and counts["misses_distinct"] == 3


async def test_compare_and_set_transitions(store: Store) -> None:
    c = conv("n1")
    assert await store.save(A, c, expected_step=3) is False  # nothing stored yet
    assert await store.save(A, c) is True
    c2 = conv("n2")
    c2.step = 4
    assert await store.save(A, c2, expected_step=3) is True
    stale = conv("n2-other")
    stale.step = 4
    assert await store.save(A, stale, expected_step=3) is False  # someone advanced first
    assert (await store.load(A)).node == "n2"


async def test_purge_removes_inactive_rows_only(store: Store) -> None:
    if isinstance(store, RedisStore):
        pytest.skip("Redis expires idle keys by TTL; see test_redis_expiry_is_a_ttl")
    await store.save(A, conv("old", at=10.0))
    await store.save(B, conv("new", at=1000.0))
    await store.set_lang("telegram", "u1", "fr", 10.0)  # u1 inactive: goes
    await store.set_lang("telegram", "u2", "en", 10.0)  # u2 still has a recent conversation: stays
    assert await store.purge(before=500.0) == 2
    assert await store.load(A) is None
    assert await store.load(B) is not None
    assert await store.get_lang("telegram", "u1") is None
    assert await store.get_lang("telegram", "u2") == "en"


async def test_secret_is_stable(store: Store) -> None:
    first = await store.secret()
    assert len(first) >= 32
    assert await store.secret() == first


async def test_sqlite_persists_across_reopen_and_uses_wal(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "db.sqlite3"
    s = SqliteStore(path)
    await s.save(A, conv("kept"))
    secret = await s.secret()
    await s.close()
    s = SqliteStore(path)
    assert (await s.load(A)).node == "kept"
    assert await s.secret() == secret
    assert s.schema_version == len(MIGRATIONS)
    assert s._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    await s.close()


async def test_sqlite_refuses_a_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    SqliteStore(path)._db.close()
    db = sqlite3.connect(path)
    db.execute("UPDATE schema_version SET version = 999")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer"):
        SqliteStore(path)


def test_open_store_urls(tmp_path: Path) -> None:
    assert isinstance(open_store("memory"), MemoryStore)
    assert isinstance(open_store(str(tmp_path / "a.db")), SqliteStore)
    assert isinstance(open_store(f"sqlite:///{tmp_path}/b.db"), SqliteStore)
    assert (tmp_path / "b.db").exists()
    (tmp_path / "file.txt").write_text("not a folder")
    with pytest.raises(StoreError, match="cannot open"):
        open_store(str(tmp_path / "file.txt" / "x.db"))


async def test_redis_expiry_is_a_ttl(redis_url: str) -> None:
    import redis.asyncio as aioredis

    store = RedisStore(redis_url, ttl_seconds=120, prefix="ttl-test:")
    await store.save(A, conv("a"))
    await store.set_lang("telegram", "u1", "fr", 0.0)
    raw = aioredis.from_url(redis_url)
    try:
        for key in (
            "ttl-test:conv:telegram:u1:chat-1",
            "ttl-test:scopes:telegram:u1",
            "ttl-test:lang:telegram:u1",
        ):
            assert 0 < await raw.ttl(key) <= 120, key
    finally:
        await raw.aclose()
        await store.close()


async def test_sqlite_migrates_a_version_1_database(tmp_path: Path) -> None:
    path = tmp_path / "v1.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE schema_version (version INTEGER NOT NULL);"
        "INSERT INTO schema_version VALUES (1);" + MIGRATIONS[0]
    )
    db.execute(
        "INSERT INTO conversations VALUES ('telegram', 'chat-1', 'u1', ?, 5.0)",
        (conv("old").to_json(),),
    )
    db.commit()
    db.close()
    s = SqliteStore(path)
    assert s.schema_version == len(MIGRATIONS)
    c = await s.load(A)
    assert c.node == "old"
    c.step += 1
    assert await s.save(A, c, expected_step=3) is True  # the step column was filled from the JSON
    await s.close()


# ---------------------------------------------------------------- issue 8: reminders, checklists,
# counters


def reminder(
    rid: str, due: float, kind: str = "titre", user: str = "u1", platform: str = "telegram"
):
    from bot.storage.records import Reminder

    return Reminder(rid, platform, user, "chat-1", kind, "2027-03-15", due, "fr", due)


async def test_reminders_replace_list_cancel(store: Store) -> None:
    await store.replace_reminders(
        "telegram", "u1", "titre", [reminder("a", 30.0), reminder("b", 10.0)], 0.0
    )
    await store.replace_reminders("telegram", "u1", "rece", [reminder("r", 20.0, "rece")], 0.0)
    await store.replace_reminders("telegram", "u2", "titre", [reminder("z", 5.0, user="u2")], 0.0)
    assert [r.id for r in await store.list_reminders("telegram", "u1")] == ["b", "r", "a"]
    assert (await store.list_reminders("telegram", "u1"))[0] == reminder("b", 10.0)
    # replacing one kind leaves the other
    await store.replace_reminders("telegram", "u1", "titre", [reminder("c", 40.0)], 0.0)
    assert [r.id for r in await store.list_reminders("telegram", "u1")] == ["r", "c"]
    assert await store.cancel_reminders("telegram", "u1", "z") == 0  # not this user's
    assert await store.cancel_reminders("telegram", "u1", "r") == 1
    assert await store.cancel_reminders("telegram", "u1") == 1
    assert await store.list_reminders("telegram", "u1") == []
    assert [r.id for r in await store.list_reminders("telegram", "u2")] == ["z"]


async def test_claim_leases_due_reminders_per_platform(store: Store) -> None:
    await store.replace_reminders(
        "telegram", "u1", "titre", [reminder("a", 10.0), reminder("b", 50.0)], 0.0
    )
    await store.replace_reminders(
        "discord", "u1", "titre", [reminder("d", 10.0, platform="discord")], 0.0
    )
    (got,) = await store.claim_reminders("telegram", 20.0, 100.0, 10)
    assert got.id == "a" and got.next_at == 120.0 and got.due == 10.0
    assert await store.claim_reminders("telegram", 20.0, 100.0, 10) == []  # leased
    assert [r.id for r in await store.claim_reminders("telegram", 119.0, 100.0, 10)] == ["b"]
    assert [r.id for r in await store.claim_reminders("telegram", 120.0, 100.0, 10)] == ["a"]
    await store.complete_reminder("a")
    await store.complete_reminder("a")  # twice is fine
    assert await store.claim_reminders("telegram", 1000.0, 100.0, 10) != []  # "b" again
    assert [r.id for r in await store.claim_reminders("discord", 1000.0, 1.0, 1)] == ["d"]
    assert [r.id for r in await store.list_reminders("telegram", "u1")] == ["b"]


async def test_checklists_counters_votes_forget_and_purge(store: Store) -> None:
    from bot.storage.records import Checklist

    old = Checklist("out_a", "v1", (0, 2, 3), frozenset({2}), 10.0)
    new = Checklist("out_b", "v1", (1,), frozenset(), 20.0)
    await store.save_checklist("telegram", "u1", old)
    await store.save_checklist("telegram", "u1", new)
    assert await store.get_checklist("telegram", "u1", "out_a") == old
    assert await store.get_checklist("telegram", "u1") == new  # the most recent
    assert await store.get_checklist("telegram", "u2") is None
    await store.bump("questions.asked", "lang.fr")
    await store.bump("questions.asked")
    assert await store.counters() == {"questions.asked": 2, "lang.fr": 1}
    assert await store.use_vote("n1", 5.0) is True
    assert await store.use_vote("n1", 6.0) is False
    await store.replace_reminders("telegram", "u1", "titre", [reminder("a", 10.0)], 0.0)
    data = await store.user_data("telegram", "u1")
    assert [r.id for r in data["reminders"]] == ["a"]
    assert [c.outcome for c in data["checklists"]] == ["out_b", "out_a"]
    assert await store.forget("telegram", "u1") == 3
    assert await store.get_checklist("telegram", "u1") is None
    assert await store.counters() == {"questions.asked": 2, "lang.fr": 1}  # aggregates stay
    if isinstance(store, RedisStore):
        return  # Redis expires records itself (TTL), nothing to sweep
    await store.save_checklist("telegram", "u1", old)
    await store.replace_reminders("telegram", "u1", "titre", [reminder("a", 10.0)], 0.0)
    assert await store.purge(15.0) == 3  # the checklist, the reminder, the vote nonce
    assert await store.list_reminders("telegram", "u1") == []
    assert await store.use_vote("n1", 20.0) is True


async def test_sqlite_migration_3_adds_the_new_tables(tmp_path: Path) -> None:
    s = SqliteStore(tmp_path / "db.sqlite3")
    tables = {r[0] for r in s._db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"reminders", "checklists", "counters", "used_votes"} <= tables
    assert s.schema_version == len(MIGRATIONS) >= 3
    await s.close()
