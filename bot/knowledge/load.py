"""Loading and validating the knowledge folder (flow, FAQ, facts, sources).

Every problem is collected with its ``file:line`` and reported together, so an editor fixes a
broken change in one pass. Loading fails (`KnowledgeError`) on any error; warnings (a fact verified
more than a year ago) are kept on the `Knowledge` for ``aps-bot check`` to print.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import deque
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import MappingProxyType
from typing import Any

from bot.engine.faq_index import FaqIndex, IndexDoc
from bot.engine.markup import MarkupError, parse, placeholders
from bot.knowledge import facts as factlib
from bot.knowledge.model import (
    FACT_TYPES,
    FLOW_LIST_FIELDS,
    FLOW_TEXT_FIELDS,
    INPUT_KINDS,
    Fact,
    Faq,
    FaqEntry,
    Flow,
    Item,
    Knowledge,
    Node,
    Option,
    Source,
)
from bot.knowledge.yamlfile import KnowledgeError, LineDict, LineList, Problem, load_yaml

DEFAULT_KNOWLEDGE_DIR = Path(__file__).resolve().parent.parent.parent / "knowledge"
FILES = ("sources.yaml", "facts.yaml", "flow.yaml", "faq.yaml")
REQUIRED_EXAMPLE_LANGS = ("en", "fr")
MIN_EXAMPLES = 3
STALE_AFTER = dt.timedelta(days=365)
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_SOURCE_ID = re.compile(r"^S[0-9]+[a-z]?$")

_NODE_KEYS = {
    "question": {"ask", "help", "options"},
    "input": {"ask", "help", "input", "store", "next", "skip", "if_past"},
    "branch": {"branch", "cases", "default"},
    "outcome": {"outcome", *FLOW_TEXT_FIELDS, *FLOW_LIST_FIELDS, "sources"} - {"ask"},
}
_FAQ_KEYS = {"id", "topic", "title", "answer", "more", "keywords", "examples", "sources", "related"}
_FACT_KEYS = {"type", "value", "compute", "sources", "verified", "note"}
_SOURCE_KEYS = {"title", "short", "publisher", "url", "seen", "kind"}
_SOURCE_KINDS = {"official", "institutional", "secondary"}


class _Collector:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))

    def warn(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message, warning=True))


def load_knowledge(
    path: Path = DEFAULT_KNOWLEDGE_DIR, *, today: dt.date | None = None
) -> Knowledge:
    """Load and validate the knowledge folder.

    Args:
        path: the folder holding flow.yaml, faq.yaml, facts.yaml and sources.yaml.
        today: the date facts' freshness is judged against (defaults to today).

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
    if problems:
        raise KnowledgeError(problems)

    sources_c = _Collector(_display(path / "sources.yaml"))
    sources = _load_sources(raw["sources.yaml"], sources_c)
    facts_c = _Collector(_display(path / "facts.yaml"))
    facts = _load_facts(raw["facts.yaml"], sources, facts_c, today)
    flow_c = _Collector(_display(path / "flow.yaml"))
    flow = _load_flow(raw["flow.yaml"], sources, set(facts), flow_c, path / "flow.yaml")
    faq_c = _Collector(_display(path / "faq.yaml"))
    faq = _load_faq(raw["faq.yaml"], sources, set(facts), faq_c)

    problems = sources_c.problems + facts_c.problems + flow_c.problems + faq_c.problems
    errors = [p for p in problems if not p.warning]
    if errors or flow is None or faq is None:
        raise KnowledgeError(problems)
    return Knowledge(
        path=path,
        flow=flow,
        faq=faq,
        facts=MappingProxyType(facts),
        sources=MappingProxyType(sources),
        version=digest.hexdigest()[:8],
        warnings=tuple(sorted(p for p in problems if p.warning)),
    )


def _display(file: Path) -> str:
    try:
        return str(file.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(file)


def _mapping(data: Any, c: _Collector, what: str) -> LineDict | None:
    if not isinstance(data, LineDict):
        c.error(getattr(data, "line", 1), f"{what} must be a mapping")
        return None
    return data


def _unknown_keys(data: LineDict, allowed: set[str], c: _Collector, where: str) -> None:
    for key in data:
        if key not in allowed:
            c.error(
                data.line_of(key),
                f"{where}: unknown key {key!r} (allowed: {', '.join(sorted(allowed))})",
            )


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _source_list(
    data: LineDict, key: str, sources: dict[str, Source], c: _Collector, where: str, required: bool
) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        if required:
            c.error(data.line, f"{where}: 'sources' is required (a list of source ids)")
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        c.error(data.line_of(key), f"{where}: 'sources' must be a list of source ids")
        return ()
    if required and not value:
        c.error(data.line_of(key), f"{where}: cite at least one source")
    for i, sid in enumerate(value):
        if sid not in sources:
            line = value.line_of(i) if isinstance(value, LineList) else data.line_of(key)
            c.error(line, f"{where}: unknown source {sid!r}")
    return tuple(value)


def _check_text(
    text: Any, line: int, c: _Collector, where: str, facts: set[str], required: bool = True
) -> str:
    if text is None or text == "":
        if required:
            c.error(line, f"{where}: text is required")
        return ""
    if not isinstance(text, str):
        c.error(line, f"{where}: must be text")
        return ""
    for name in sorted(placeholders(text) - facts):
        c.error(line, f"{where}: unknown placeholder {{{name}}} (not a fact id)")
    try:
        parse(text, {name: "x" for name in placeholders(text)})
    except MarkupError as exc:
        c.error(line, f"{where}: {exc}")
    return text.strip()


def _load_sources(data: Any, c: _Collector) -> dict[str, Source]:
    out: dict[str, Source] = {}
    data = _mapping(data, c, "sources.yaml")
    if data is None:
        return out
    for sid, spec in data.items():
        line = data.line_of(sid)
        if not _SOURCE_ID.match(sid):
            c.error(line, f"source id {sid!r} must look like S1 or S21a")
        spec = _mapping(spec, c, f"source {sid}")
        if spec is None:
            continue
        _unknown_keys(spec, _SOURCE_KEYS, c, f"source {sid}")
        missing = [k for k in ("title", "publisher", "url", "seen") if not spec.get(k)]
        for k in missing:
            c.error(spec.line, f"source {sid}: {k!r} is required")
        url = str(spec.get("url", ""))
        if url and not url.startswith(("https://", "http://")):
            c.error(spec.line_of("url"), f"source {sid}: url must start with https://")
        seen = _date(spec.get("seen"))
        if spec.get("seen") and seen is None:
            c.error(spec.line_of("seen"), f"source {sid}: 'seen' must be a date (YYYY-MM-DD)")
        kind = spec.get("kind", "secondary")
        if kind not in _SOURCE_KINDS:
            c.error(
                spec.line_of("kind"), f"source {sid}: kind must be one of {sorted(_SOURCE_KINDS)}"
            )
        if not missing and seen:
            out[sid] = Source(
                id=sid,
                title=str(spec["title"]),
                short=str(spec.get("short") or spec["publisher"]),
                publisher=str(spec["publisher"]),
                url=url,
                seen=seen,
                kind=kind,
            )
    return out


def _load_facts(
    data: Any, sources: dict[str, Source], c: _Collector, today: dt.date
) -> dict[str, Fact]:
    data = _mapping(data, c, "facts.yaml")
    if data is None:
        return {}
    specs: dict[str, LineDict] = {}
    for fid, spec in data.items():
        if not _ID.match(fid):
            c.error(data.line_of(fid), f"fact id {fid!r} must be lower_snake_case")
        spec = _mapping(spec, c, f"fact {fid}")
        if spec is not None:
            _unknown_keys(spec, _FACT_KEYS, c, f"fact {fid}")
            specs[fid] = spec

    values: dict[str, Decimal | dt.date] = {}
    numbers: dict[str, Decimal] = {}
    state: dict[str, str] = {}  # fid -> "busy" | "done"

    def resolve(fid: str) -> None:
        # computed facts may depend on each other: resolve dependencies first, once each
        if state.get(fid) == "done":
            return
        spec = specs[fid]
        if state.get(fid) == "busy":
            c.error(spec.line_of("compute"), f"fact {fid}: circular 'compute'")
            return
        state[fid] = "busy"
        if "compute" in spec:
            for dep in sorted(factlib.names(str(spec["compute"]))):
                if dep in specs:
                    resolve(dep)
        state[fid] = "done"
        value = _fact_value(fid, spec, numbers, c)
        if value is not None:
            values[fid] = value
            if isinstance(value, Decimal):
                numbers[fid] = value

    for fid in specs:
        resolve(fid)

    out: dict[str, Fact] = {}
    for fid, spec in specs.items():
        kind = spec.get("type")
        if kind not in FACT_TYPES:
            c.error(
                spec.line_of("type"), f"fact {fid}: type must be one of {', '.join(FACT_TYPES)}"
            )
            continue
        verified = _date(spec.get("verified"))
        if verified is None:
            c.error(spec.line_of("verified"), f"fact {fid}: 'verified' must be a date (YYYY-MM-DD)")
            continue
        if today - verified > STALE_AFTER:
            c.warn(
                spec.line_of("verified"),
                f"fact {fid} was verified on {verified.isoformat()}, more than 12 months ago: check it",
            )
        srcs = _source_list(spec, "sources", sources, c, f"fact {fid}", required=True)
        if fid not in values:
            continue
        value = values[fid]
        if (kind == "date") != isinstance(value, dt.date):
            c.error(
                spec.line_of("value"),
                f"fact {fid}: a {kind} fact needs a {'date' if kind == 'date' else 'number'}",
            )
            continue
        out[fid] = Fact(
            id=fid,
            type=kind,
            value=value,
            sources=srcs,
            verified=verified,
            compute=spec.get("compute"),
            note=str(spec.get("note", "")),
        )
    return out


def _fact_value(
    fid: str, spec: LineDict, numbers: dict[str, Decimal], c: _Collector
) -> Decimal | dt.date | None:
    has_value, has_compute = "value" in spec, "compute" in spec
    if has_value == has_compute:
        c.error(spec.line, f"fact {fid}: give exactly one of 'value' or 'compute'")
        return None
    if has_compute:
        try:
            return factlib.evaluate(str(spec["compute"]), numbers)
        except factlib.FactError as exc:
            c.error(spec.line_of("compute"), f"fact {fid}: {exc}")
            return None
    value = spec["value"]
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        c.error(spec.line_of("value"), f"fact {fid}: value must be a number or a date")
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        c.error(spec.line_of("value"), f"fact {fid}: value must be a number or a date")
        return None


def _load_items(
    spec: LineDict, key: str, c: _Collector, where: str, facts: set[str], when_keys: list
) -> tuple[Item, ...]:
    value = spec.get(key)
    if value is None:
        return ()
    if not isinstance(value, LineList):
        c.error(spec.line_of(key), f"{where}.{key}: must be a list")
        return ()
    items: list[Item] = []
    for i, raw in enumerate(value):
        line = value.line_of(i)
        if isinstance(raw, LineDict):
            _unknown_keys(raw, {"text", "when"}, c, f"{where}.{key}[{i}]")
            text = _check_text(raw.get("text"), line, c, f"{where}.{key}[{i}]", facts)
            when_raw = raw.get("when") or {}
            if not isinstance(when_raw, LineDict):
                c.error(raw.line_of("when"), f"{where}.{key}[{i}]: 'when' must be a mapping")
                continue
            when = {}
            for k, v in when_raw.items():
                allowed = v if isinstance(v, list) else [v]
                when[k] = frozenset(str(a) for a in allowed)
                when_keys.append((k, when_raw.line_of(k), f"{where}.{key}[{i}]"))
            items.append(Item(text, MappingProxyType(when)))
        else:
            items.append(Item(_check_text(raw, line, c, f"{where}.{key}[{i}]", facts)))
    return tuple(items)


def _load_flow(
    data: Any, sources: dict[str, Source], facts: set[str], c: _Collector, file: Path
) -> Flow | None:
    data = _mapping(data, c, "flow.yaml")
    if data is None:
        return None
    _unknown_keys(data, {"start", "nodes"}, c, "flow.yaml")
    raw_nodes = _mapping(data.get("nodes"), c, "flow.yaml 'nodes'")
    if raw_nodes is None:
        return None
    nodes: dict[str, Node] = {}
    lines: dict[str, int] = {}
    when_keys: list[tuple[str, int, str]] = []
    answer_keys: set[str] = set()
    for index, (nid, spec) in enumerate(raw_nodes.items()):
        line = raw_nodes.line_of(nid)
        lines[nid] = line
        if not _ID.match(nid):
            c.error(line, f"node id {nid!r} must be lower_snake_case")
        spec = _mapping(spec, c, f"node {nid}")
        if spec is None:
            continue
        kind = (
            "outcome"
            if spec.get("outcome")
            else "input"
            if "input" in spec
            else "branch"
            if "branch" in spec
            else "question"
        )
        _unknown_keys(spec, _NODE_KEYS[kind], c, f"node {nid} ({kind})")
        where = f"node {nid}"
        text = {
            f: _check_text(spec.get(f), spec.line_of(f), c, f"{where}.{f}", facts, required=False)
            for f in FLOW_TEXT_FIELDS
        }
        node_kw: dict[str, Any] = {"id": nid, "kind": kind, "index": index, **text}
        if kind == "question":
            if not text["ask"]:
                c.error(spec.line, f"{where}: a question needs 'ask'")
            options = spec.get("options")
            if not isinstance(options, LineList) or not options:
                c.error(
                    spec.line_of("options"), f"{where}: a question needs a non-empty 'options' list"
                )
                options = LineList()
            parsed: list[Option] = []
            for i, opt in enumerate(options):
                oline = options.line_of(i)
                if not isinstance(opt, LineDict):
                    c.error(oline, f"{where}.options[{i}]: must be a mapping with label and next")
                    continue
                _unknown_keys(opt, {"label", "next", "set"}, c, f"{where}.options[{i}]")
                label = _check_text(
                    opt.get("label"), oline, c, f"{where}.options[{i}].label", set()
                )
                target = opt.get("next")
                if not isinstance(target, str):
                    c.error(oline, f"{where}.options[{i}]: 'next' is required")
                    continue
                sets = opt.get("set") or {}
                if not isinstance(sets, dict):
                    c.error(opt.line_of("set"), f"{where}.options[{i}]: 'set' must be a mapping")
                    sets = {}
                answer_keys.update(sets)
                parsed.append(
                    Option(label, target, MappingProxyType({k: str(v) for k, v in sets.items()}))
                )
            node_kw["options"] = tuple(parsed)
        elif kind == "branch":
            on, cases, default = spec.get("branch"), spec.get("cases"), spec.get("default")
            if not isinstance(on, str) or not on:
                c.error(spec.line_of("branch"), f"{where}: 'branch' must name an answer")
                on = ""
            if not isinstance(cases, LineDict) or not cases:
                c.error(
                    spec.line_of("cases"), f"{where}: 'cases' must map answer values to node ids"
                )
                cases = LineDict()
            if not isinstance(default, str) or not default:
                c.error(spec.line, f"{where}: a branch needs a 'default' node")
                default = ""
            when_keys.append((on, spec.line_of("branch"), where))
            node_kw.update(
                on=on,
                cases=MappingProxyType({str(k): str(v) for k, v in cases.items()}),
                default=default,
            )
        elif kind == "input":
            if not text["ask"]:
                c.error(spec.line, f"{where}: an input needs 'ask'")
            if spec.get("input") not in INPUT_KINDS:
                c.error(
                    spec.line_of("input"), f"{where}: input must be one of {', '.join(INPUT_KINDS)}"
                )
            store = spec.get("store")
            if not isinstance(store, str) or not _ID.match(store):
                c.error(
                    spec.line_of("store"),
                    f"{where}: 'store' must name the answer (lower_snake_case)",
                )
                store = ""
            answer_keys.add(store)
            for k in ("next", "skip", "if_past"):
                if k in spec and not isinstance(spec[k], str):
                    c.error(spec.line_of(k), f"{where}: {k!r} must be a node id")
            if not spec.get("next"):
                c.error(spec.line, f"{where}: an input needs 'next'")
            node_kw.update(
                input=str(spec.get("input", "")),
                store=store,
                next=str(spec.get("next") or ""),
                skip=str(spec.get("skip") or ""),
                if_past=str(spec.get("if_past") or ""),
            )
        else:
            for f in ("title", "status"):
                if not text[f]:
                    c.error(spec.line, f"{where}: an outcome needs {f!r}")
            for f in FLOW_LIST_FIELDS:
                node_kw[f] = _load_items(spec, f, c, where, facts, when_keys)
            node_kw["sources"] = _source_list(spec, "sources", sources, c, where, required=True)
        nodes[nid] = Node(**node_kw)

    start = data.get("start")
    if not isinstance(start, str) or start not in nodes:
        c.error(data.line_of("start"), f"flow.yaml: 'start' must name a node (got {start!r})")
        return None

    for nid, node in nodes.items():
        for target in node.targets:
            if target not in nodes:
                c.error(lines[nid], f"node {nid}: goes to {target!r}, which does not exist")
    for key, line, where in when_keys:
        if key not in answer_keys:
            c.error(line, f"{where}: 'when' uses {key!r}, which no option sets and no input stores")

    reachable = _reach(start, lambda n: nodes[n].targets if n in nodes else [])
    for nid in nodes:
        if nid not in reachable:
            kind = "outcome" if nodes[nid].kind == "outcome" else "node"
            c.error(lines[nid], f"{kind} {nid} cannot be reached from {start!r}")
    incoming: dict[str, list[str]] = {n: [] for n in nodes}
    for nid, node in nodes.items():
        for target in node.targets:
            if target in incoming:
                incoming[target].append(nid)
    outcomes = [n for n, node in nodes.items() if node.kind == "outcome"]
    if not outcomes:
        c.error(data.line, "flow.yaml: the walkthrough has no outcome")
    leads_out: set[str] = set()
    for o in outcomes:
        leads_out |= _reach(o, lambda n: incoming.get(n, []))
    for nid, node in nodes.items():
        if node.kind != "outcome" and nid not in leads_out:
            c.error(lines[nid], f"node {nid} is a dead end: no outcome can be reached from it")

    version = hashlib.sha1(file.read_bytes()).hexdigest()[:6]
    return Flow(start=start, nodes=MappingProxyType(nodes), order=tuple(nodes), version=version)


def _reach(start: str, neighbours: Callable[[str], list[str]]) -> set[str]:
    seen = {start}
    queue = deque([start])
    while queue:
        for nxt in neighbours(queue.popleft()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


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


def _load_faq(data: Any, sources: dict[str, Source], facts: set[str], c: _Collector) -> Faq | None:
    data = _mapping(data, c, "faq.yaml")
    if data is None:
        return None
    _unknown_keys(data, {"topics", "entries"}, c, "faq.yaml")
    topics_raw = _mapping(data.get("topics"), c, "faq.yaml 'topics'") or LineDict()
    topics = {}
    for tid, label in topics_raw.items():
        if not _ID.match(tid):
            c.error(topics_raw.line_of(tid), f"topic id {tid!r} must be lower_snake_case")
        topics[tid] = _check_text(label, topics_raw.line_of(tid), c, f"topic {tid}", set())
    entries_raw = data.get("entries")
    if not isinstance(entries_raw, LineList):
        c.error(data.line_of("entries"), "faq.yaml: 'entries' must be a list")
        return None

    entries: list[FaqEntry] = []
    lines: dict[str, int] = {}
    for raw in entries_raw:
        if not isinstance(raw, LineDict):
            c.error(getattr(raw, "line", data.line_of("entries")), "faq entry must be a mapping")
            continue
        eid = raw.get("id")
        if not isinstance(eid, str) or not _ID.match(eid):
            c.error(raw.line, f"faq entry: 'id' must be lower_snake_case (got {eid!r})")
            continue
        if eid in lines:
            c.error(
                raw.line_of("id"), f"faq entry {eid}: duplicate id (first at line {lines[eid]})"
            )
            continue
        lines[eid] = raw.line_of("id")
        where = f"faq {eid}"
        _unknown_keys(raw, _FAQ_KEYS, c, where)
        topic = raw.get("topic")
        if topic not in topics:
            c.error(raw.line_of("topic"), f"{where}: topic {topic!r} is not listed under 'topics'")
        title = _check_text(raw.get("title"), raw.line_of("title"), c, f"{where}.title", facts)
        answer = _check_text(raw.get("answer"), raw.line_of("answer"), c, f"{where}.answer", facts)
        more = _check_text(
            raw.get("more"), raw.line_of("more"), c, f"{where}.more", facts, required=False
        )
        keywords = _string_lists(
            raw.get("keywords"), raw.line_of("keywords"), c, f"{where}.keywords"
        )
        examples = _string_lists(
            raw.get("examples"), raw.line_of("examples"), c, f"{where}.examples"
        )
        for lang in REQUIRED_EXAMPLE_LANGS:
            if len(examples.get(lang, ())) < MIN_EXAMPLES:
                c.error(
                    raw.line_of("examples"),
                    f"{where}: needs at least {MIN_EXAMPLES} example questions in {lang!r}",
                )
        related = raw.get("related") or []
        if not isinstance(related, list) or not all(isinstance(r, str) for r in related):
            c.error(raw.line_of("related"), f"{where}: 'related' must be a list of entry ids")
            related = []
        entries.append(
            FaqEntry(
                id=eid,
                index=len(entries),
                topic=str(topic),
                title=title,
                answer=answer,
                more=more,
                keywords=MappingProxyType(keywords),
                examples=MappingProxyType(examples),
                sources=_source_list(raw, "sources", sources, c, where, required=True),
                related=tuple(related),
            )
        )
    by_id = {e.id: e for e in entries}
    for e in entries:
        for r in e.related:
            if r not in by_id:
                c.error(lines[e.id], f"faq {e.id}: related entry {r!r} does not exist")
            elif r == e.id:
                c.error(lines[e.id], f"faq {e.id}: an entry cannot be related to itself")
    index = FaqIndex(
        IndexDoc(
            e.id,
            {k: list(v) for k, v in e.keywords.items()},
            {k: list(v) for k, v in e.examples.items()},
            {"en": e.title},
        )
        for e in entries
    )
    return Faq(tuple(entries), MappingProxyType(by_id), MappingProxyType(topics), index)
