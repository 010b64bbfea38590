"""The knowledge base: loading, validating and extracting the YAML in ``knowledge/``."""

from bot.knowledge.load import DEFAULT_KNOWLEDGE_DIR, load_knowledge, load_sources
from bot.knowledge.model import Knowledge
from bot.knowledge.yamlfile import KnowledgeError, Problem

__all__ = [
    "DEFAULT_KNOWLEDGE_DIR",
    "Knowledge",
    "KnowledgeError",
    "Problem",
    "load_knowledge",
    "load_sources",
]
