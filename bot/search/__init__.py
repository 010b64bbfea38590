"""FAQ search: what people type, turned into terms with each language's lexicon, and the entries
that answer it, ranked.

Below both the engine and the knowledge loader (which builds the index once at load), so
knowledge imports only downward.
"""

from bot.search.index import FaqIndex, IndexDoc, Match, SearchResult, SearchRules
from bot.search.lexicon import Lexicon
from bot.search.normalise import fold

__all__ = ["FaqIndex", "IndexDoc", "Lexicon", "Match", "SearchResult", "SearchRules", "fold"]
