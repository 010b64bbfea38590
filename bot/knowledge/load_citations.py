"""Citations across the knowledge files: every source is cited, and cited where it applies.

A source that nothing cites proves nothing to anyone: ``aps-bot check`` refuses it. A source
that concerns one country's agreement (``about: gabon`` in sources.yaml) may be cited only by a
fact, FAQ entry or walkthrough node about that country: one that names it (in any language's
words for it, from the lexicons) or, for an FAQ entry, whose ``nationality`` it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.knowledge.checks import Collector
from bot.knowledge.model import Fact, Faq, Source
from bot.knowledge.yamlfile import LineDict, LineList
from bot.search.lexicon import Lexicon
from bot.search.normalise import fold


def check_citations(
    sources: Mapping[str, Source],
    raw_sources: LineDict,
    facts: Mapping[str, Fact],
    raw_facts: LineDict,
    raw_flow: LineDict,
    faq: Faq,
    raw_faq: LineDict,
    lexicons: Mapping[str, Lexicon],
    collectors: Mapping[str, Collector],
) -> None:
    """Report unused sources (sources.yaml) and citations of a country's source by a text about
    something else (in the file that cites it). `collectors` maps each file name to its own."""
    names = _country_words(lexicons)
    concepts = set(names)
    cited: set[str] = set()
    for sid, src in sources.items():
        if src.about and src.about not in concepts:
            collectors["sources.yaml"].error(
                _line(raw_sources.get(sid), "about"),
                f"source {sid}: about {src.about!r} is not a concept of the lexicons",
            )

    def check(
        ids: Iterable[str], texts: Iterable[str], own: str, c: Collector, line: int, where: str
    ):
        ids = list(ids)
        cited.update(ids)
        folded = " " + fold(" ".join(texts)) + " "
        for sid in ids:
            about = sources[sid].about if sid in sources else ""
            if not about or about == own or about not in names:
                continue
            if not any(f" {w} " in folded for w in names[about]):
                c.error(
                    line,
                    f"{where} cites {sid} ({sources[sid].short}), which concerns {about} only, "
                    f"but does not speak of {about}: cite the sources that support this answer",
                )

    for fid, fact in facts.items():
        spec = raw_facts.get(fid)
        words = [fid.replace("_", " "), fact.label]
        check(fact.sources, words, "", collectors["facts.yaml"], _line(spec), f"fact {fid}")
    nodes = raw_flow.get("nodes") if isinstance(raw_flow, LineDict) else None
    for nid, spec in (nodes or {}).items():
        if not isinstance(spec, LineDict) or not isinstance(spec.get("sources"), list):
            continue
        texts = list(_strings(spec))
        check(
            spec["sources"],
            texts,
            "",
            collectors["flow.yaml"],
            spec.line_of("sources"),
            f"node {nid}",
        )
    lines = _faq_lines(raw_faq)
    for e in faq.entries:
        texts = (e.title, e.short, e.answer, e.more)
        check(
            e.sources,
            texts,
            e.nationality,
            collectors["faq.yaml"],
            lines.get(e.id, 1),
            f"faq {e.id}",
        )
    for sid in sources:
        if sid not in cited:
            collectors["sources.yaml"].error(
                raw_sources.line_of(sid),
                f"source {sid}: no fact, FAQ entry or walkthrough node cites it: cite it where it "
                "supports an answer, or remove it",
            )


def _country_words(lexicons: Mapping[str, Lexicon]) -> dict[str, set[str]]:
    """Every concept's words in every language, folded (``gabon``: gabon, gabonese, gabonais…)."""
    out: dict[str, set[str]] = {}
    for lexicon in lexicons.values():
        for phrase, concept in lexicon.concepts.items():
            out.setdefault(concept, set()).add(fold(phrase))
    return out


def _strings(value: object) -> Iterable[str]:
    """Every string in a walkthrough node: its texts, list items and `when:` answers."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _faq_lines(raw_faq: LineDict) -> dict[str, int]:
    entries = raw_faq.get("entries") if isinstance(raw_faq, LineDict) else None
    out: dict[str, int] = {}
    if isinstance(entries, LineList):
        for entry in entries:
            if isinstance(entry, LineDict) and isinstance(entry.get("id"), str):
                out[entry["id"]] = entry.line_of("sources")
    return out


def _line(spec: object, key: str | None = None) -> int:
    if isinstance(spec, LineDict):
        return spec.line_of(key) if key else spec.line
    return 1
