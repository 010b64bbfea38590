"""FAQ search: normalising what people type and ranking the entries that answer it.

Below both the engine and the knowledge loader (which builds the index once at load), so
knowledge imports only downward.
"""

from bot.search.index import FaqIndex, IndexDoc, Match, SearchResult
from bot.search.normalise import fold, normalised

__all__ = ["FaqIndex", "IndexDoc", "Match", "SearchResult", "fold", "normalised"]
