"""Wiring: build the engine from configuration, the same way for every front end."""

from __future__ import annotations

from bot.config import Config
from bot.engine import Engine
from bot.i18n import Catalogs
from bot.knowledge import DEFAULT_KNOWLEDGE_DIR, load_knowledge
from bot.storage import open_store


def build_engine(
    config: Config, *, database: str | None = None, flood_control: bool = True
) -> Engine:
    """Load knowledge and catalogs, open the store, and return a ready engine.

    Raises:
        KnowledgeError: the knowledge base is invalid.
        StoreError: the database cannot be opened.
    """
    knowledge = load_knowledge(config.knowledge_dir or DEFAULT_KNOWLEDGE_DIR)
    catalogs = Catalogs(default=config.default_lang)
    store = open_store(
        config.database if database is None else database, retention_days=config.retention_days
    )
    return Engine(
        knowledge,
        store,
        catalogs,
        retention_days=config.retention_days,
        admins=config.admins,
        flood_control=flood_control,
    )
