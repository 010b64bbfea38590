"""The SQLite file's settings, schema and migrations (see `bot.storage.sqlite` for why)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


class StoreError(RuntimeError):
    """The database cannot be opened or is of a newer schema than this code knows."""


# Each migration takes the schema from version i to i + 1. Append only; never edit a shipped one.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
    CREATE TABLE conversations (
        platform TEXT NOT NULL,
        scope TEXT NOT NULL,
        user TEXT NOT NULL,
        state TEXT NOT NULL,
        updated_at REAL NOT NULL,
        PRIMARY KEY (platform, scope, user)
    ) WITHOUT ROWID;
    CREATE INDEX conversations_user ON conversations (platform, user);
    CREATE INDEX conversations_updated ON conversations (updated_at);
    CREATE TABLE users (
        platform TEXT NOT NULL,
        user TEXT NOT NULL,
        lang TEXT,
        updated_at REAL NOT NULL,
        PRIMARY KEY (platform, user)
    ) WITHOUT ROWID;
    CREATE TABLE misses (
        text TEXT PRIMARY KEY,
        count INTEGER NOT NULL,
        last_seen REAL NOT NULL
    ) WITHOUT ROWID;
    """,
    # 2: the step as a column, for compare-and-set transitions
    """
    ALTER TABLE conversations ADD COLUMN step INTEGER NOT NULL DEFAULT 0;
    UPDATE conversations SET step = COALESCE(json_extract(state, '$.step'), 0);
    """,
    # 3: reminders, checklists, aggregate counters, used vote nonces (issue 8)
    """
    CREATE TABLE reminders (
        id TEXT PRIMARY KEY,
        platform TEXT NOT NULL,
        user TEXT NOT NULL,
        scope TEXT NOT NULL,
        kind TEXT NOT NULL,
        deadline TEXT NOT NULL,
        due REAL NOT NULL,
        lang TEXT NOT NULL,
        next_at REAL NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX reminders_user ON reminders (platform, user);
    CREATE INDEX reminders_next ON reminders (platform, next_at);
    CREATE TABLE checklists (
        platform TEXT NOT NULL,
        user TEXT NOT NULL,
        outcome TEXT NOT NULL,
        state TEXT NOT NULL,
        updated_at REAL NOT NULL,
        PRIMARY KEY (platform, user, outcome)
    ) WITHOUT ROWID;
    CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
    CREATE TABLE used_votes (nonce TEXT PRIMARY KEY, at REAL NOT NULL) WITHOUT ROWID;
    """,
    # 4: every turn rewrites updated_at, and an index on it doubled the cost of each write
    # (measured: ~70 → ~40 µs) for the sake of a daily purge, which can scan the table instead
    """
    DROP INDEX IF EXISTS conversations_updated;
    """,
]


def connect(path: Path) -> sqlite3.Connection:
    """The database at `path` (created, with its folder, if missing), in WAL mode, migrated.

    Raises:
        StoreError: it cannot be opened, or its schema is newer than this aps-bot's.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA busy_timeout=5000")
        db.execute("PRAGMA foreign_keys=ON")
        _migrate(db, path)
    except (sqlite3.Error, OSError) as exc:
        raise StoreError(f"cannot open the database {path}: {exc}") from None
    return db


def _migrate(db: sqlite3.Connection, path: Path) -> None:
    db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = db.execute("SELECT version FROM schema_version").fetchone()
    if row is None:
        db.execute("INSERT INTO schema_version VALUES (0)")
        current = 0
    else:
        current = row[0]
    if current > len(MIGRATIONS):
        raise StoreError(
            f"{path} has schema version {current}, newer than this aps-bot ({len(MIGRATIONS)})"
        )
    for version in range(current, len(MIGRATIONS)):
        # executescript commits first; BEGIN inside the script keeps each migration atomic
        db.executescript(
            f"BEGIN; {MIGRATIONS[version]}; UPDATE schema_version SET version = {version + 1}; COMMIT;"
        )
