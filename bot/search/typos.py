"""Typo correction for question words: the nearest known word within one or two edits.

A deletion index (the SymSpell idea) finds the candidates: every known word is stored under each
string it becomes with up to two letters deleted, so a typed word meets the known words that
share one of its own deletions; rapidfuzz's optimal string alignment distance then picks the
nearest (fewest edits, then alphabetical, so the choice is stable).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rapidfuzz.distance import OSA

_CACHE = 50_000  # corrected words remembered (bounded: queries are user input)
_MISSING = object()


class Corrector:
    """Corrects words to the known ones given at build time. Read-only once built."""

    def __init__(self, known: Iterable[str]) -> None:
        self._deletes: dict[str, list[str]] = defaultdict(list)
        for word in known:
            for d in _deletions(word, _max_edits(word)):
                self._deletes[d].append(word)
        self._cache: dict[str, str | None] = {}

    def correct(self, word: str) -> str | None:
        """The known word nearest to `word` (fewest edits), if close enough; None otherwise."""
        if len(word) < 4 or word.isdigit():
            return None
        found = self._cache.get(word, _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        limit = _max_edits(word)
        seen: set[str] = set()
        best: tuple[int, str] | None = None
        for d in _deletions(word, limit) | {word}:
            for candidate in self._deletes.get(d, ()):
                if candidate in seen or abs(len(candidate) - len(word)) > limit:
                    continue
                seen.add(candidate)
                dist = OSA.distance(word, candidate, score_cutoff=limit)
                if dist <= limit and (best is None or (dist, candidate) < best):
                    best = (dist, candidate)
        found = best[1] if best else None
        if len(self._cache) < _CACHE:
            self._cache[word] = found  # typos recur: "prefecure", "recepise"…
        return found


def _max_edits(word: str) -> int:
    return 2 if len(word) >= 8 else 1


def _deletions(word: str, depth: int) -> set[str]:
    out = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= frontier
    return out
