"""Where state lives: `Store` and its implementations, and `open_store` to pick one from config."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_dir

from bot.storage.base import Store
from bot.storage.memory import MemoryStore
from bot.storage.sqlite import SqliteStore, StoreError

__all__ = [
    "MemoryStore",
    "SqliteStore",
    "Store",
    "StoreError",
    "default_database_path",
    "open_store",
]


def default_database_path() -> Path:
    """``<user data dir>/aps-bot/aps-bot.sqlite3`` (``~/.local/share/aps-bot`` on Linux)."""
    return Path(user_data_dir("aps-bot", appauthor=False)) / "aps-bot.sqlite3"


def open_store(url: str | None, *, retention_days: int = 30) -> Store:
    """The Store named by `url` (the ``APS_BOT_DATABASE`` setting).

    - empty: SQLite at `default_database_path`;
    - ``memory``: in memory, lost at exit;
    - ``redis://…`` or ``rediss://…``: Redis, data expiring after `retention_days` idle days;
    - anything else: a SQLite file path (``sqlite:///path`` also accepted).

    Raises:
        StoreError: the database cannot be opened.
    """
    url = (url or "").strip()
    if not url:
        return SqliteStore(default_database_path())
    if url in ("memory", ":memory:"):
        return MemoryStore()
    if url.startswith(("redis://", "rediss://")):
        from bot.storage.redis import RedisStore

        return RedisStore(url, ttl_seconds=retention_days * 86400)
    if url.startswith("sqlite:///"):
        url = url[len("sqlite:///") :]  # sqlite:///rel/path or sqlite:////abs/path
    return SqliteStore(Path(url).expanduser())
