"""The default Store: one SQLite file.

Settings, and why:

- ``journal_mode=WAL``: readers never block the writer, and a crash (even SIGKILL) mid-write leaves
  the last committed transaction intact; the WAL is replayed on the next open.
- ``synchronous=NORMAL``: in WAL mode this cannot corrupt the database; a power cut (not a process
  crash) may lose the last transactions, i.e. a user's last click, which they can simply repeat.
  FULL would fsync at every click for no gain that matters here.
- one transaction per transition: a conversation row is replaced whole, so a reader sees the
  step before or the step after, never half of one.
- a ``schema_version`` table and ordered migrations, applied in one transaction each at open
  (`bot.storage.sqlite_schema`).

Calls are synchronous and sub-millisecond on a local file, so they run on the event loop's thread;
a networked store (Redis) is where awaiting pays.

One serving process owns a SQLite file (several instances share Redis instead), so recently used
conversations and languages are also kept in a bounded in-memory cache, written through: a turn
costs one SQL statement (the compare-and-set write) instead of three.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
from collections import OrderedDict
from pathlib import Path

from bot.storage.records import Checklist, Conversation, ConversationKey, Reminder
from bot.storage.sqlite_schema import MIGRATIONS, StoreError, connect

__all__ = ["MIGRATIONS", "SqliteStore", "StoreError"]

_REMINDER_COLUMNS = "id, platform, user, scope, kind, deadline, due, lang, next_at"


CACHE_SIZE = 20_000  # recently active users kept in memory (a few MB)
MAX_PENDING_COUNTERS = 256  # distinct counters buffered before a write of their own


class _Lru(OrderedDict):
    """A bounded mapping that forgets the least recently used entries."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def get_fresh(self, key, default=KeyError):
        value = super().get(key, default)
        if value is not default:
            self.move_to_end(key)
        return value

    def put(self, key, value) -> None:
        self[key] = value
        self.move_to_end(key)
        if len(self) > self.size:
            self.popitem(last=False)


def _copy(conversation: Conversation) -> Conversation:
    """A copy the caller may change without changing the cache."""
    return Conversation(
        node=conversation.node,
        history=list(conversation.history),
        answers=dict(conversation.answers),
        flow_version=conversation.flow_version,
        step=conversation.step,
        nonce=conversation.nonce,
        updated_at=conversation.updated_at,
    )


class SqliteStore:
    """A Store in one SQLite file (created, with its folder, if missing)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._db = connect(self.path)
        self._secret: bytes | None = None
        self._convs: _Lru[ConversationKey, Conversation | None] = _Lru(CACHE_SIZE)
        self._pending: dict[str, int] = {}  # counter bumps not written yet
        self._langs: _Lru[tuple[str, str], str | None] = _Lru(CACHE_SIZE)

    @property
    def schema_version(self) -> int:
        return self._db.execute("SELECT version FROM schema_version").fetchone()[0]

    async def load(self, key: ConversationKey) -> Conversation | None:
        cached = self._convs.get_fresh(key)
        if cached is KeyError:
            row = self._db.execute(
                "SELECT state FROM conversations WHERE platform=? AND scope=? AND user=?",
                (key.platform, key.scope, key.user),
            ).fetchone()
            cached = Conversation.from_json(row[0]) if row else None
            self._convs.put(key, cached)
        return _copy(cached) if cached is not None else None

    async def save(
        self, key: ConversationKey, conversation: Conversation, expected_step: int | None = None
    ) -> bool:
        if self._pending:  # pending counts ride along: one commit, not two
            with self._transaction():
                written = self._write(key, conversation, expected_step)
                self._flush_counters()
        else:  # a single statement commits by itself
            written = self._write(key, conversation, expected_step)
        if written:
            self._convs.put(key, _copy(conversation))
        else:
            self._convs.pop(key, None)  # re-read next time
        return written

    def _write(
        self, key: ConversationKey, conversation: Conversation, expected_step: int | None
    ) -> bool:
        state, at, step = conversation.to_json(), conversation.updated_at, conversation.step
        if expected_step is None:
            self._db.execute(
                "INSERT OR REPLACE INTO conversations"
                " (platform, scope, user, state, updated_at, step) VALUES (?, ?, ?, ?, ?, ?)",
                (key.platform, key.scope, key.user, state, at, step),
            )
            return True
        cursor = self._db.execute(
            "UPDATE conversations SET state = ?, updated_at = ?, step = ? "
            "WHERE platform = ? AND scope = ? AND user = ? AND step = ?",
            (state, at, step, key.platform, key.scope, key.user, expected_step),
        )
        return cursor.rowcount == 1

    async def delete(self, key: ConversationKey) -> None:
        self._db.execute(
            "DELETE FROM conversations WHERE platform=? AND scope=? AND user=?",
            (key.platform, key.scope, key.user),
        )
        self._convs.put(key, None)

    async def get_lang(self, platform: str, user: str) -> str | None:
        lang = self._langs.get_fresh((platform, user))
        if lang is KeyError:
            row = self._db.execute(
                "SELECT lang FROM users WHERE platform=? AND user=?", (platform, user)
            ).fetchone()
            lang = row[0] if row else None
            self._langs.put((platform, user), lang)
        return lang

    async def set_lang(self, platform: str, user: str, lang: str | None, now: float) -> None:
        if lang is None:
            self._db.execute("DELETE FROM users WHERE platform=? AND user=?", (platform, user))
        else:
            self._db.execute(
                "INSERT OR REPLACE INTO users VALUES (?, ?, ?, ?)", (platform, user, lang, now)
            )
        self._langs.put((platform, user), lang)

    async def user_data(self, platform: str, user: str) -> dict:
        rows = self._db.execute(
            "SELECT scope, state FROM conversations WHERE platform=? AND user=? ORDER BY scope",
            (platform, user),
        ).fetchall()
        lists = self._db.execute(
            "SELECT state FROM checklists WHERE platform=? AND user=? ORDER BY updated_at DESC",
            (platform, user),
        ).fetchall()
        return {
            "language": await self.get_lang(platform, user),
            "conversations": [
                {"scope": scope, "state": Conversation.from_json(state)} for scope, state in rows
            ],
            "reminders": await self.list_reminders(platform, user),
            "checklists": [Checklist.from_json(state) for (state,) in lists],
        }

    async def forget(self, platform: str, user: str) -> int:
        with self._transaction():
            a = self._db.execute(
                "DELETE FROM conversations WHERE platform=? AND user=?", (platform, user)
            ).rowcount
            b = self._db.execute(
                "DELETE FROM users WHERE platform=? AND user=?", (platform, user)
            ).rowcount
            for table in ("checklists", "reminders"):
                b += self._db.execute(
                    f"DELETE FROM {table} WHERE platform=? AND user=?", (platform, user)
                ).rowcount
        self._convs.clear()  # rare: simpler than finding the user's scopes in the cache
        self._langs.put((platform, user), None)
        return a + b

    async def record_miss(self, normalised: str, now: float) -> None:
        self._db.execute(
            "INSERT INTO misses VALUES (?, 1, ?) "
            "ON CONFLICT(text) DO UPDATE SET count = count + 1, last_seen = excluded.last_seen",
            (normalised, now),
        )

    async def misses(self, limit: int = 10) -> list[tuple[str, int]]:
        rows = self._db.execute(
            "SELECT text, count FROM misses ORDER BY count DESC, text LIMIT ?", (limit,)
        ).fetchall()
        return [(t, c) for t, c in rows]

    async def counts(self) -> dict[str, int]:
        one = lambda sql: self._db.execute(sql).fetchone()[0] or 0  # noqa: E731
        return {
            "conversations": one("SELECT COUNT(*) FROM conversations"),
            "users": one("SELECT COUNT(*) FROM users"),
            "misses_total": one("SELECT SUM(count) FROM misses"),
            "misses_distinct": one("SELECT COUNT(*) FROM misses"),
        }

    async def purge(self, before: float) -> int:
        with self._transaction():
            a = self._db.execute(
                "DELETE FROM conversations WHERE updated_at < ?", (before,)
            ).rowcount
            # a language choice goes with the last activity of its user
            b = self._db.execute(
                "DELETE FROM users WHERE updated_at < ? AND NOT EXISTS (SELECT 1 FROM conversations c "
                "WHERE c.platform = users.platform AND c.user = users.user)",
                (before,),
            ).rowcount
            c = self._db.execute("DELETE FROM checklists WHERE updated_at < ?", (before,)).rowcount
            c += self._db.execute("DELETE FROM reminders WHERE due < ?", (before,)).rowcount
            c += self._db.execute("DELETE FROM used_votes WHERE at < ?", (before,)).rowcount
        if a or b:
            self._convs.clear()
            self._langs.clear()
        return a + b + c

    # ---------------------------------------------------------------- reminders

    async def replace_reminders(
        self, platform: str, user: str, kind: str, reminders: list[Reminder], now: float
    ) -> None:
        with self._transaction():
            self._db.execute(
                "DELETE FROM reminders WHERE platform=? AND user=? AND kind=?",
                (platform, user, kind),
            )
            self._db.executemany(
                f"INSERT INTO reminders ({_REMINDER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_reminder_row(r) for r in reminders],
            )

    async def list_reminders(self, platform: str, user: str) -> list[Reminder]:
        rows = self._db.execute(
            f"SELECT {_REMINDER_COLUMNS} FROM reminders WHERE platform=? AND user=? "
            "ORDER BY due, id",
            (platform, user),
        ).fetchall()
        return [Reminder(*row) for row in rows]

    async def cancel_reminders(
        self, platform: str, user: str, reminder_id: str | None = None
    ) -> int:
        if reminder_id is None:
            sql, args = "DELETE FROM reminders WHERE platform=? AND user=?", (platform, user)
        else:
            sql = "DELETE FROM reminders WHERE platform=? AND user=? AND id=?"
            args = (platform, user, reminder_id)
        return self._db.execute(sql, args).rowcount

    async def claim_reminders(
        self, platform: str, now: float, lease: float, limit: int
    ) -> list[Reminder]:
        # one UPDATE … RETURNING in an immediate transaction: select and lease are one step
        with self._transaction():
            rows = self._db.execute(
                f"UPDATE reminders SET next_at = ? WHERE id IN (SELECT id FROM reminders "
                f"WHERE platform = ? AND next_at <= ? ORDER BY next_at, id LIMIT ?) "
                f"RETURNING {_REMINDER_COLUMNS}",
                (now + lease, platform, now, limit),
            ).fetchall()
        return sorted((Reminder(*row) for row in rows), key=lambda r: (r.due, r.id))

    async def complete_reminder(self, reminder_id: str) -> None:
        self._db.execute("DELETE FROM reminders WHERE id=?", (reminder_id,))

    # ---------------------------------------------------------------- checklists

    async def get_checklist(
        self, platform: str, user: str, outcome: str | None = None
    ) -> Checklist | None:
        if outcome is None:
            row = self._db.execute(
                "SELECT state FROM checklists WHERE platform=? AND user=? "
                "ORDER BY updated_at DESC LIMIT 1",
                (platform, user),
            ).fetchone()
        else:
            row = self._db.execute(
                "SELECT state FROM checklists WHERE platform=? AND user=? AND outcome=?",
                (platform, user, outcome),
            ).fetchone()
        return Checklist.from_json(row[0]) if row else None

    async def save_checklist(self, platform: str, user: str, checklist: Checklist) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO checklists VALUES (?, ?, ?, ?, ?)",
            (platform, user, checklist.outcome, checklist.to_json(), checklist.updated_at),
        )

    # ---------------------------------------------------------------- counters

    async def bump(self, *names: str) -> None:
        # Counters are statistics: they are written with the next conversation write (one
        # commit instead of two), or when read or closed. A crash loses at most the counts
        # bumped since the last write, and no user's state.
        for name in names:
            self._pending[name] = self._pending.get(name, 0) + 1
        if len(self._pending) > MAX_PENDING_COUNTERS:
            with self._transaction():
                self._flush_counters()

    async def counters(self) -> dict[str, int]:
        if self._pending:
            with self._transaction():
                self._flush_counters()
        return dict(self._db.execute("SELECT name, value FROM counters").fetchall())

    def _flush_counters(self) -> None:
        """Write the pending counts (inside the caller's transaction)."""
        if self._pending:
            self._db.executemany(
                "INSERT INTO counters VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET value = value + excluded.value",
                list(self._pending.items()),
            )
            self._pending.clear()

    async def use_vote(self, nonce: str, now: float) -> bool:
        cursor = self._db.execute("INSERT OR IGNORE INTO used_votes VALUES (?, ?)", (nonce, now))
        return cursor.rowcount == 1

    async def secret(self) -> bytes:
        if self._secret is None:
            with self._transaction():
                row = self._db.execute("SELECT value FROM meta WHERE key='token_secret'").fetchone()
                if row is None:
                    value = secrets.token_bytes(32)
                    self._db.execute("INSERT INTO meta VALUES ('token_secret', ?)", (value,))
                else:
                    value = bytes(row[0])
            self._secret = value
        return self._secret

    async def close(self) -> None:
        if self._pending:
            with self._transaction():
                self._flush_counters()
        self._db.close()

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


def _reminder_row(r: Reminder) -> tuple:
    return (r.id, r.platform, r.user, r.scope, r.kind, r.deadline, r.due, r.lang, r.next_at)


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, exc, tb) -> None:
        self._db.execute("ROLLBACK" if exc_type else "COMMIT")
