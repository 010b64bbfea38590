"""``situations.yaml``: the asker's situations the FAQ search re-ranks for, checked with file:line.

Each situation names the cues that reveal it in a question, the walkthrough answers that reveal it,
and the FAQ entries it prefers or avoids (see knowledge/README.md, "The asker's situation"). The
file is optional: without it, no situation changes the ranking.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.knowledge.checks import ID, Collector, mapping, unknown_keys
from bot.knowledge.model import Flow
from bot.knowledge.yamlfile import LineDict, LineList
from bot.search.lexicon import CONCEPT, Lexicon
from bot.search.normalise import fold
from bot.search.situation import GAP, Situation

FILE = "situations.yaml"
_KEYS = {"note", "cues", "unless", "walkthrough", "prefer", "avoid"}


def walkthrough_answers(flow: Flow) -> dict[str, set[str]]:
    """Every answer the walkthrough's options set, with the values it may take."""
    out: dict[str, set[str]] = {}
    for node in flow.nodes.values():
        for option in node.options:
            for key, value in option.set.items():
                out.setdefault(key, set()).add(str(value))
    return out


def load_situations(
    data: Any,
    c: Collector,
    lexicons: Mapping[str, Lexicon],
    entry_ids: set[str],
    answers: Mapping[str, set[str]],
) -> tuple[Situation, ...]:
    """The situations of `data` (the parsed file, or None when there is none)."""
    if data is None:
        return ()
    data = mapping(data, c, FILE)
    if data is None:
        return ()
    concepts = {CONCEPT + n for lx in lexicons.values() for n in lx.concepts.values()}
    out = []
    for name, spec in data.items():
        line = data.line_of(name)
        if not ID.match(str(name)):
            c.error(line, f"situation {name!r}: its name must be lower_snake_case")
            continue
        where = f"situation {name}"
        if not isinstance(spec, LineDict):
            c.error(line, f"{where}: must be a mapping (cues, walkthrough, prefer, avoid)")
            continue
        unknown_keys(spec, _KEYS, c, where)
        cues = _cues(spec, "cues", c, where, concepts)
        unless = _cues(spec, "unless", c, where, concepts)
        walkthrough = _walkthrough(spec, c, where, answers)
        prefer = _entries(spec, "prefer", c, where, entry_ids)
        avoid = _entries(spec, "avoid", c, where, entry_ids)
        for both in sorted(set(prefer) & set(avoid)):
            c.error(spec.line_of("avoid"), f"{where}: {both!r} is both preferred and avoided")
        if not cues and not walkthrough:
            c.error(line, f"{where}: needs 'cues' or 'walkthrough' (what reveals it)")
        if not prefer and not avoid:
            c.error(line, f"{where}: needs 'prefer' or 'avoid' (what it changes)")
        out.append(Situation(str(name), cues, unless, walkthrough, prefer, avoid))
    return tuple(out)


def _cues(
    spec: LineDict, key: str, c: Collector, where: str, concepts: set[str]
) -> tuple[str, ...]:
    value = spec.get(key)
    if value is None:
        return ()
    if not isinstance(value, LineList) or not all(isinstance(v, str) for v in value):
        c.error(spec.line_of(key), f"{where}.{key}: must be a list of word patterns")
        return ()
    out = []
    for i, text in enumerate(value):
        line = value.line_of(i)
        bad = sorted(
            alt
            for token in text.split()
            for alt in token.split("|")
            if alt.startswith(CONCEPT) and alt not in concepts
        )
        if bad:
            c.error(line, f"{where}.{key}: {bad[0]!r} is not a concept of any lexicon")
            continue
        tokens = text.split()
        if any(
            not alt or not (alt.startswith(CONCEPT) or fold(alt))
            for token in tokens
            if token not in (GAP, "…")
            for alt in token.split("|")
        ):
            c.error(line, f"{where}.{key}: {text!r} has an empty alternative ('a||b')")
            continue
        if not tokens or tokens[0] in (GAP, "…"):
            c.error(line, f"{where}.{key}: {text!r} has no word to match (or starts with {GAP})")
            continue
        out.append(text)
    return tuple(out)


def _walkthrough(
    spec: LineDict, c: Collector, where: str, answers: Mapping[str, set[str]]
) -> tuple[tuple[tuple[str, frozenset[str]], ...], ...]:
    value = spec.get("walkthrough")
    if value is None:
        return ()
    if not isinstance(value, LineList) or not all(isinstance(v, LineDict) for v in value):
        c.error(
            spec.line_of("walkthrough"),
            f"{where}.walkthrough: must be a list of answer sets, e.g. - {{finished: holder}}",
        )
        return ()
    out = []
    for i, need in enumerate(value):
        line = value.line_of(i)
        pairs = []
        for key, wanted in need.items():
            values = wanted if isinstance(wanted, list) else [wanted]
            values = [str(v) for v in values]
            if key not in answers:
                known = ", ".join(sorted(answers))
                c.error(line, f"{where}.walkthrough: no option of flow.yaml sets {key!r} ({known})")
                continue
            for v in values:
                if v not in answers[key]:
                    known = ", ".join(sorted(answers[key]))
                    c.error(line, f"{where}.walkthrough: {key} is never {v!r} ({known})")
            pairs.append((str(key), frozenset(values)))
        if pairs:
            out.append(tuple(pairs))
    return tuple(out)


def _entries(
    spec: LineDict, key: str, c: Collector, where: str, entry_ids: set[str]
) -> tuple[str, ...]:
    value = spec.get(key)
    if value is None:
        return ()
    if not isinstance(value, LineList) or not all(isinstance(v, str) for v in value):
        c.error(spec.line_of(key), f"{where}.{key}: must be a list of FAQ entry ids")
        return ()
    for i, eid in enumerate(value):
        if eid not in entry_ids:
            c.error(value.line_of(i), f"{where}.{key}: no FAQ entry {eid!r} in faq.yaml")
    return tuple(v for v in value if v in entry_ids)
