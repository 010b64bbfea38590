"""Loading and validating the knowledge folder (flow, FAQ, facts, sources).

Each file has its loader: ``load_sources``, ``load_facts``, ``load_flow`` (with ``node_kinds``) and,
here, the FAQ; ``checks`` holds what they check the same way.

Every problem is collected with its ``file:line`` and reported together, so an editor fixes a
broken change in one pass. Loading fails (`KnowledgeError`) on any error; warnings (a figure whose
sources nobody here has read for six months) are kept on the `Knowledge` for ``aps-bot check``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from bot.knowledge import facts as factlib
from bot.knowledge.checks import ID as _ID
from bot.knowledge.checks import SHORT_MAX_CHARS, short_length
from bot.knowledge.checks import Collector as _Collector
from bot.knowledge.checks import FactNames as _FactNames
from bot.knowledge.checks import check_text as _check_text
from bot.knowledge.checks import mapping as _mapping
from bot.knowledge.checks import source_list as _source_list
from bot.knowledge.checks import unknown_keys as _unknown_keys
from bot.knowledge.faq_search import SCOPES, build_index, load_rules
from bot.knowledge.lexicons import LEXICON_DIR, load_lexicons
from bot.knowledge.load_citations import check_citations
from bot.knowledge.load_examples import EXAMPLES_DIR, OUT_OF_SCOPE_KEY, load_examples, merged
from bot.knowledge.load_facts import fact_checked
from bot.knowledge.load_facts import load_facts as _load_facts
from bot.knowledge.load_flow import load_flow as _load_flow
from bot.knowledge.load_situations import FILE as SITUATIONS_FILE
from bot.knowledge.load_situations import load_situations, walkthrough_answers
from bot.knowledge.load_sources import load_sources as _load_sources
from bot.knowledge.model import Faq, FaqEntry, Knowledge, Source
from bot.knowledge.yamlfile import KnowledgeError, LineDict, LineList, Problem, load_yaml
from bot.resources import bundled

if TYPE_CHECKING:
    from bot.i18n import Catalogs
    from bot.search.index import FaqIndex

__all__ = ["DEFAULT_KNOWLEDGE_DIR", "fact_checked", "load_knowledge", "load_sources"]
DEFAULT_KNOWLEDGE_DIR = bundled("knowledge")  # the installation's own; see bot/resources.py
FILES = ("sources.yaml", "facts.yaml", "flow.yaml", "faq.yaml")
REQUIRED_EXAMPLE_LANGS = ("en", "fr")
MIN_EXAMPLES = 5
_FAQ_KEYS = {
    *("id", "topic", "title", "answer", "short", "more", "keywords", "examples", "sources"),
    "related",
    *("scope", "nationality"),
}


def load_knowledge(
    path: Path = DEFAULT_KNOWLEDGE_DIR,
    *,
    today: dt.date | None = None,
    catalogs: Catalogs | None = None,
) -> Knowledge:
    """Load and validate the knowledge folder.

    Args:
        path: the folder holding flow.yaml, faq.yaml, facts.yaml, sources.yaml and lexicon/.
        today: the date facts' freshness is judged against (defaults to today).
        catalogs: the translations whose titles and answers the FAQ search also indexes
            (defaults to the bot's own catalogs).

    Raises:
        KnowledgeError: with every problem found, as ``file:line: message``.
    """
    path = Path(path)
    today = today or dt.date.today()
    raw: dict[str, Any] = {}
    problems: list[Problem] = []
    digest = hashlib.sha1()
    for name in FILES:
        file = path / name
        try:
            raw[name] = load_yaml(file, display=_display(file))
            digest.update(file.read_bytes())
        except KnowledgeError as exc:
            problems += exc.problems
    situations_file = path / SITUATIONS_FILE  # optional: without it, no situation re-ranks
    if situations_file.exists():
        try:
            raw[SITUATIONS_FILE] = load_yaml(situations_file, display=_display(situations_file))
            digest.update(situations_file.read_bytes())
        except KnowledgeError as exc:
            problems += exc.problems
    lexicons, lexicon_problems = load_lexicons(path / LEXICON_DIR, _display(path / LEXICON_DIR))
    problems += lexicon_problems
    for file in [
        *sorted((path / LEXICON_DIR).glob("*.yaml")),
        *sorted((path / EXAMPLES_DIR).glob("*.yaml")),
    ]:
        digest.update(file.read_bytes())
    if problems:
        raise KnowledgeError(problems)

    sources_c = _Collector(_display(path / "sources.yaml"))
    # "in the future" is judged on the real date: nobody can have read a page tomorrow, whatever
    # date the freshness of facts is judged on
    sources = _load_sources(raw["sources.yaml"], sources_c, max(today, dt.date.today()))
    facts_c = _Collector(_display(path / "facts.yaml"))
    facts = _load_facts(raw["facts.yaml"], sources, facts_c, today)
    flow_c = _Collector(_display(path / "flow.yaml"))
    names = _FactNames(factlib.fact_placeholders(facts))
    names.uncertain = frozenset(fid for fid, f in facts.items() if f.uncertain)
    flow = _load_flow(raw["flow.yaml"], sources, names, flow_c, path / "flow.yaml", facts)
    faq_c = _Collector(_display(path / "faq.yaml"))
    faq = _load_faq(raw["faq.yaml"], sources, names, faq_c, lexicons)
    examples_dir = path / EXAMPLES_DIR
    if faq is not None:
        files, example_problems = load_examples(
            examples_dir, _display(examples_dir), set(faq.by_id), set(lexicons)
        )
        faq_c.problems += example_problems
        faq = _with_examples(faq, files)
    if flow is not None and faq is not None:
        check_citations(
            sources,
            raw["sources.yaml"],
            facts,
            raw["facts.yaml"],
            raw["flow.yaml"],
            faq,
            raw["faq.yaml"],
            lexicons,
            {
                "sources.yaml": sources_c,
                "facts.yaml": facts_c,
                "flow.yaml": flow_c,
                "faq.yaml": faq_c,
            },
        )

    problems = sources_c.problems + facts_c.problems + flow_c.problems + faq_c.problems
    errors = [p for p in problems if not p.warning]
    if errors or flow is None or faq is None:
        raise KnowledgeError(problems)
    rules = load_rules(raw["faq.yaml"].get("rules"), lexicons, faq_c.file, problems)
    situations_c = _Collector(_display(situations_file))
    situations = load_situations(
        raw.get(SITUATIONS_FILE),
        situations_c,
        lexicons,
        set(faq.by_id),
        walkthrough_answers(flow),
    )
    problems += situations_c.problems
    if any(not p.warning for p in problems):
        raise KnowledgeError(problems)

    def index(
        entries: tuple[FaqEntry, ...] | None = None,
        out_of_scope: Mapping[str, tuple[str, ...]] | None = None,
    ) -> FaqIndex:
        langs = catalogs
        if langs is None:
            from bot.i18n import Catalogs  # the default catalogs, when the caller has none

            langs = Catalogs()
        return build_index(
            faq.entries if entries is None else entries,
            facts,
            lexicons,
            rules,
            langs,
            today,
            out_of_scope=faq.out_of_scope if out_of_scope is None else out_of_scope,
            situations=situations,
        )

    faq = dataclasses.replace(faq, build_index=index)
    return Knowledge(
        path=path,
        flow=flow,
        faq=faq,
        facts=MappingProxyType(facts),
        sources=MappingProxyType(sources),
        version=digest.hexdigest()[:8],
        warnings=tuple(sorted(p for p in problems if p.warning)),
    )


def _with_examples(faq: Faq, files: Mapping[str, Mapping[str, tuple[str, ...]]]) -> Faq:
    """The FAQ with each language file's example questions (knowledge/examples/<lang>.yaml)
    added to its entries and to the questions no entry answers."""
    if not files:
        return faq
    entries = tuple(
        dataclasses.replace(e, examples=MappingProxyType(merged(e.examples, e.id, files)))
        for e in faq.entries
    )
    out_of_scope = merged(faq.out_of_scope, OUT_OF_SCOPE_KEY, files)
    return dataclasses.replace(
        faq,
        entries=entries,
        by_id=MappingProxyType({e.id: e for e in entries}),
        out_of_scope=MappingProxyType(out_of_scope),
    )


def load_sources(path: Path = DEFAULT_KNOWLEDGE_DIR) -> dict[str, Source]:
    """Load and validate only ``sources.yaml`` (``aps-bot sources check`` needs nothing else, and
    should still run while someone is halfway through editing the FAQ).

    Raises:
        KnowledgeError: with every problem found in sources.yaml, as ``file:line: message``.
    """
    file = Path(path) / "sources.yaml"
    c = _Collector(_display(file))
    sources = _load_sources(load_yaml(file, display=c.file), c, dt.date.today())
    errors = [p for p in c.problems if not p.warning]
    if errors:
        raise KnowledgeError(errors)
    return sources


def _display(file: Path) -> str:
    try:
        return str(file.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(file)


def _string_lists(value: Any, line: int, c: _Collector, where: str) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, LineDict):
        c.error(line, f"{where}: must map a language code to a list of strings")
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for lang, items in value.items():
        if not isinstance(items, list) or not all(
            isinstance(i, str | int | float) and str(i).strip() for i in items
        ):
            c.error(value.line_of(lang), f"{where}.{lang}: must be a list of non-empty strings")
            continue
        out[lang] = tuple(str(i) for i in items)
    return out


def _check_short(raw: LineDict, c: _Collector, where: str, facts: set[str]) -> str:
    """The entry's short answer: present, one or two sentences, ⚠️ where a figure is unsettled
    (`check_text` asks for the sign as it does of every text)."""
    line = raw.line_of("short") if "short" in raw else raw.line
    if raw.get("short") in (None, ""):
        c.error(line, f"{where}: no 'short' answer (the key fact in one or two sentences)")
        return ""
    short = _check_text(raw.get("short"), line, c, f"{where}.short", facts)
    if short_length(short) > SHORT_MAX_CHARS:
        c.error(line, f"{where}.short: longer than {SHORT_MAX_CHARS} characters")
    return short


def _load_faq(
    data: Any, sources: dict[str, Source], facts: set[str], c: _Collector, lexicons: dict
) -> Faq | None:
    """faq.yaml: its topics, its entries (each checked by `_faq_entry`) and out-of-scope
    questions; None when it is too broken to go on (the problems are in `c`)."""
    data = _mapping(data, c, "faq.yaml")
    if data is None:
        return None
    _unknown_keys(data, {"topics", "entries", "rules", "out_of_scope"}, c, "faq.yaml")
    topics = _faq_topics(data, c)
    entries_raw = data.get("entries")
    if not isinstance(entries_raw, LineList):
        c.error(data.line_of("entries"), "faq.yaml: 'entries' must be a list")
        return None
    concepts = {n for lx in lexicons.values() for n in lx.concepts.values()}
    entries: list[FaqEntry] = []
    lines: dict[str, int] = {}  # entry id → the line of its id
    for raw in entries_raw:
        eid = _faq_entry_id(raw, data, lines, c)
        if eid is None:
            continue
        lines[eid] = raw.line_of("id")
        entries.append(_faq_entry(raw, eid, len(entries), topics, sources, facts, concepts, c))
    by_id = {e.id: e for e in entries}
    _check_related(entries, by_id, lines, c)
    out_of_scope = _string_lists(
        data.get("out_of_scope"), data.line_of("out_of_scope"), c, "faq.yaml out_of_scope"
    )
    # the search index is built once the facts and lexicons are known (faq_search.build_index)
    return Faq(
        tuple(entries),
        MappingProxyType(by_id),
        MappingProxyType(topics),
        out_of_scope=MappingProxyType(out_of_scope),
    )


def _faq_topics(data: LineDict, c: _Collector) -> dict[str, str]:
    topics_raw = _mapping(data.get("topics"), c, "faq.yaml 'topics'") or LineDict()
    topics = {}
    for tid, label in topics_raw.items():
        if not _ID.match(tid):
            c.error(topics_raw.line_of(tid), f"topic id {tid!r} must be lower_snake_case")
        topics[tid] = _check_text(label, topics_raw.line_of(tid), c, f"topic {tid}", set())
    return topics


def _faq_entry_id(raw: Any, data: LineDict, lines: dict[str, int], c: _Collector) -> str | None:
    """The entry's id, or None (reported) if it is not a mapping with a new, well-formed id."""
    if not isinstance(raw, LineDict):
        c.error(getattr(raw, "line", data.line_of("entries")), "faq entry must be a mapping")
        return None
    eid = raw.get("id")
    if not isinstance(eid, str) or not _ID.match(eid):
        c.error(raw.line, f"faq entry: 'id' must be lower_snake_case (got {eid!r})")
        return None
    if eid in lines:
        c.error(raw.line_of("id"), f"faq entry {eid}: duplicate id (first at line {lines[eid]})")
        return None
    return eid


def _faq_entry(
    raw: LineDict,
    eid: str,
    index: int,
    topics: dict[str, str],
    sources: dict[str, Source],
    facts: set[str],
    concepts: set[str],
    c: _Collector,
) -> FaqEntry:
    """One entry, every field checked (problems go to `c`; the entry is returned anyway, so
    one pass reports everything)."""
    where = f"faq {eid}"
    _unknown_keys(raw, _FAQ_KEYS, c, where)
    topic = raw.get("topic")
    if topic not in topics:
        c.error(raw.line_of("topic"), f"{where}: topic {topic!r} is not listed under 'topics'")

    def text(key: str, *, required: bool = True) -> str:
        line = raw.line_of(key)
        return _check_text(raw.get(key), line, c, f"{where}.{key}", facts, required=required)

    def lists(key: str) -> dict[str, tuple[str, ...]]:
        return _string_lists(raw.get(key), raw.line_of(key), c, f"{where}.{key}")

    title, answer, more = text("title"), text("answer"), text("more", required=False)
    short = _check_short(raw, c, where, facts)
    keywords, examples = lists("keywords"), lists("examples")
    for lang in REQUIRED_EXAMPLE_LANGS:
        if len(examples.get(lang, ())) < MIN_EXAMPLES:
            c.error(
                raw.line_of("examples"),
                f"{where}: needs at least {MIN_EXAMPLES} example questions in {lang!r}",
            )
    scope = raw.get("scope") or ""
    if scope and scope not in SCOPES:
        c.error(raw.line_of("scope"), f"{where}: scope must be one of {', '.join(SCOPES)}")
    nationality = raw.get("nationality") or ""
    if nationality and nationality not in concepts:
        c.error(
            raw.line_of("nationality"),
            f"{where}: nationality {nationality!r} is not a concept of the lexicons",
        )
    related = raw.get("related") or []
    if not isinstance(related, list) or not all(isinstance(r, str) for r in related):
        c.error(raw.line_of("related"), f"{where}: 'related' must be a list of entry ids")
        related = []
    return FaqEntry(
        id=eid,
        index=index,
        topic=str(topic),
        title=title,
        answer=answer,
        more=more,
        keywords=MappingProxyType(keywords),
        examples=MappingProxyType(examples),
        sources=_source_list(raw, "sources", sources, c, where, required=True),
        related=tuple(related),
        scope=str(scope),
        nationality=str(nationality),
        short=short,
    )


def _check_related(
    entries: list[FaqEntry], by_id: dict[str, FaqEntry], lines: dict[str, int], c: _Collector
) -> None:
    for e in entries:
        for r in e.related:
            if r not in by_id:
                c.error(lines[e.id], f"faq {e.id}: related entry {r!r} does not exist")
            elif r == e.id:
                c.error(lines[e.id], f"faq {e.id}: an entry cannot be related to itself")
