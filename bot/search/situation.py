"""The asker's situation: what a question (or the walkthrough) says about who is asking.

"Can I renew it?" has one answer for a new graduate and another for someone who already holds the
RECE card; "can I work full time?" has another for someone waiting with a récépissé. The words that
reveal the situation ("I already have the RECE", "my APS ends", "récépissé") are rarely the words
the right entry is found by, so the ranking alone misses them.

A `Situation` (written by editors in ``knowledge/situations.yaml``) names the cues that reveal it
and the walkthrough answers that do, and what it changes: entries it **prefers** get a higher score,
entries it **avoids** are left out (an answer written for someone else would mislead).

A cue is a short word pattern, matched on the question as the search reads it (folded, other
spellings replaced, phrases joined into the lexicon's concepts):

- ``already have|hold|got ... @rece|@aps|card``: one position per word; ``a|b`` are alternatives;
- ``@rece`` is any word or phrase of that concept ("job search permit", "RECE", "carte recherche
  d'emploi"); a plain word also matches its other forms (its stem in any language);
- ``...`` skips up to `MAX_GAP` words.

Nothing is stored: cues are read in the question being answered, walkthrough answers are those the
conversation already keeps.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.search.analyze import Analyzer
from bot.search.lexicon import CONCEPT

GAP = "..."  # in a cue: up to MAX_GAP words
MAX_GAP = 3
PREFER_BOOST = 0.5  # a preferred entry's score is multiplied by 1 + this
_KEYS_KEPT = 50_000  # question words whose keys are remembered


@dataclass(frozen=True)
class Cue:
    """One pattern: for each position, the words, stems (``lang:stem``) and concepts (``@name``)
    that match there; a position of None is a gap."""

    text: str
    positions: tuple[frozenset[str] | None, ...]


@dataclass(frozen=True)
class Situation:
    """A situation and what it changes.

    Attributes:
        name: its id in situations.yaml.
        cues: any of them in the question reveals it (their source text, see the module).
        unless: cues that cancel the others ("already applied for the RECE" is no holder).
        walkthrough: any of these sets of walkthrough answers reveals it (each ``(key, values)``
            pair must hold).
        prefer: entry ids whose score is raised.
        avoid: entry ids left out.
    """

    name: str
    cues: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    walkthrough: tuple[tuple[tuple[str, frozenset[str]], ...], ...] = ()
    prefer: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()

    def in_answers(self, answers: Mapping[str, str]) -> bool:
        return any(all(answers.get(k) in values for k, values in need) for need in self.walkthrough)


def compile_cue(text: str, analyzer: Analyzer) -> Cue | None:
    """A cue from its source (see the module); None when it has no word to match."""
    positions: list[frozenset[str] | None] = []
    for token in text.split():
        if token in (GAP, "…"):
            if positions and positions[-1] is not None:
                positions.append(None)
            continue
        keys: set[str] = set()
        for alt in token.split("|"):
            if alt.startswith(CONCEPT):
                keys.add(alt)
                continue
            for word in analyzer.fold_words(alt):
                keys.add(word)
                keys.update(_stems(word, analyzer))
        if keys:
            positions.append(frozenset(keys))
    while positions and positions[-1] is None:
        positions.pop()
    if not positions or positions[0] is None:
        return None
    return Cue(text, tuple(positions))


def _compiled(texts: Iterable[str], analyzer: Analyzer) -> tuple[Cue, ...]:
    return tuple(c for c in (compile_cue(text, analyzer) for text in texts) if c is not None)


def _stems(word: str, analyzer: Analyzer) -> set[str]:
    return {f"{code}:{lx.stem(word)}" for code, lx in analyzer.lexicons.items()}


class SituationReader:
    """Finds the situations of a question (and of walkthrough answers) among `situations`."""

    def __init__(self, situations: Sequence[Situation], analyzer: Analyzer) -> None:
        self.situations = tuple(situations)
        self.analyzer = analyzer
        self._cues = _starts((situation.cues for situation in self.situations), analyzer)
        self._unless = _starts((situation.unless for situation in self.situations), analyzer)
        # only questions holding one of these keys can match a cue: most skip the walk
        self._first = frozenset(self._cues)
        self._known: dict[tuple[str, str | None], frozenset[str]] = {}  # see _keys

    def read(self, text: str, answers: Mapping[str, str] | None = None) -> tuple[Situation, ...]:
        """The situations `text` or `answers` reveal, in the order of the rules."""
        if not self.situations:
            return ()
        keys = self._keys(text)
        said = _matched(self._cues, keys) - _matched(self._unless, keys) if keys else set()
        return tuple(
            s
            for i, s in enumerate(self.situations)
            if i in said or (answers and s.in_answers(answers))
        )

    def _keys(self, text: str) -> list[frozenset[str]]:
        """What each word of `text` can match: itself, its stems, its concept, and the concept of
        the phrase it is part of ("fin de ma rece" gives each of its words ``@card_end``)."""
        out: list[frozenset[str]] = []
        hit = False
        known = self._known
        for chunk, token in self.analyzer.chunks(text):
            for word in chunk.split():
                keys = known.get((word, token))
                if keys is None:
                    found = {word} | _stems(word, self.analyzer)
                    found.update(k for k in (token, self.analyzer.concept_of(word)) if k)
                    keys = frozenset(found)
                    if len(known) < _KEYS_KEPT:  # bounded: words are user input
                        known[(word, token)] = keys
                hit = hit or not self._first.isdisjoint(keys)
                out.append(keys)
        return out if hit else []


def _starts(
    cue_lists: Iterable[tuple[str, ...]], analyzer: Analyzer
) -> dict[str, list[tuple[int, Cue]]]:
    """For each key a cue can start with, the cues that do (with their situation's number)."""
    out: dict[str, list[tuple[int, Cue]]] = {}
    for i, texts in enumerate(cue_lists):
        for cue in _compiled(texts, analyzer):
            for key in cue.positions[0] or ():
                out.setdefault(key, []).append((i, cue))
    return out


def _matched(starts: Mapping[str, list[tuple[int, Cue]]], keys: list[frozenset[str]]) -> set[int]:
    """The numbers of the situations one of whose cues `keys` holds."""
    found: set[int] = set()
    for i, here in enumerate(keys):
        for key in here:
            for situation, cue in starts.get(key, ()):
                if situation not in found and _match(cue.positions, 1, keys, i + 1):
                    found.add(situation)
    return found


def _match(positions: tuple, p: int, keys: list[frozenset[str]], i: int) -> bool:
    if p == len(positions):
        return True
    want = positions[p]
    if want is None:  # a gap: skip 0 to MAX_GAP words
        return any(
            _match(positions, p + 1, keys, j) for j in range(i, min(i + MAX_GAP, len(keys)) + 1)
        )
    return i < len(keys) and not want.isdisjoint(keys[i]) and _match(positions, p + 1, keys, i + 1)


def leave_out(situations: Iterable[Situation], raw: dict[int, float], position: Mapping) -> None:
    """Drops from `raw` (entry index → score) the entries the situations avoid."""
    for situation in situations:
        for entry_id in situation.avoid:
            raw.pop(position.get(entry_id, -1), None)


def prefer(situations: Iterable[Situation], raw: dict[int, float], position: Mapping) -> None:
    """Raises in `raw` the score of the entries the situations prefer (those already found)."""
    for situation in situations:
        for entry_id in situation.prefer:
            e = position.get(entry_id, -1)
            if e in raw:
                raw[e] *= 1 + PREFER_BOOST
