"""Wiring: build the engine from configuration, the same way for every front end."""

from __future__ import annotations

import gc

from bot.config import Config
from bot.engine import Engine
from bot.i18n import Catalogs
from bot.knowledge import DEFAULT_KNOWLEDGE_DIR, load_knowledge
from bot.storage import open_store


def freeze_long_lived() -> None:
    """Move everything alive now (code, knowledge, catalogs) out of the garbage collector's
    generations: they live as long as the process, and scanning them again at every
    collection was a tenth of a walkthrough turn's cost."""
    gc.collect()
    gc.freeze()


def build_engine(
    config: Config,
    *,
    database: str | None = None,
    flood_control: bool = True,
    serving: bool = False,
) -> Engine:
    """Load knowledge and catalogs, open the store, and return a ready engine; `serving` (a
    long-running bot) also builds the FAQ search index now, so no user waits for it.

    Raises:
        KnowledgeError: the knowledge base is invalid.
        StoreError: the database cannot be opened.
    """
    catalogs = Catalogs(default=config.default_lang)
    knowledge = load_knowledge(config.knowledge_dir or DEFAULT_KNOWLEDGE_DIR, catalogs=catalogs)
    store = open_store(
        config.database if database is None else database, retention_days=config.retention_days
    )
    engine = Engine(
        knowledge,
        store,
        catalogs,
        retention_days=config.retention_days,
        admins=config.admins,
        flood_control=flood_control,
    )
    if serving:
        _ = knowledge.faq.index
    freeze_long_lived()
    return engine
