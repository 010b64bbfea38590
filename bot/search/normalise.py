"""Folding text the way people type it: case, accents and punctuation do not matter.

Everything language-specific (stop words, spellings, concepts, stemming) is data, in the
lexicons (`bot.search.lexicon`, ``knowledge/lexicon/*.yaml``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

MAX_QUERY_CHARS = 500  # a question is a sentence or two; the rest is noise (and a DoS lever)

_PUNCT = re.compile(r"[^\w\s]|_", re.UNICODE)
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Case folded, accents removed, punctuation as spaces, one space between words.

    Compatibility forms are normalised *before* the case is folded: "𝐻" (mathematical bold) only
    becomes "H" under NFKD, and only then can it become "h". Folding the case can itself produce
    a sequence to decompose ("İ" → "i̇"), hence the second NFKD. The site's search does the same
    in JavaScript (`bot/site/assets/site.js`, ``basicFold``).

    What people type is cut to `MAX_QUERY_CHARS` first (`bot.search.analyze` does it); the
    knowledge's own texts are folded whole.
    """
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _PUNCT.sub(" ", text)
    return _SPACE.sub(" ", text).strip()
