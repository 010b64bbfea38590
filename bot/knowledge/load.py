"""Loading and validating the knowledge folder (flow, FAQ, facts, sources).

Every problem is collected with its ``file:line`` and reported together, so an editor fixes a
broken change in one pass. Loading fails (`KnowledgeError`) on any error; warnings (a figure whose
sources nobody here has read for six months) are kept on the `Knowledge` for ``aps-bot check``.
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

from bot.knowledge import facts as factlib
from bot.knowledge.model import (
    COUNTDOWN_KINDS,
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
    NodeKind,
    Option,
    Period,
    Since,
    Source,
    SourceRead,
)
from bot.knowledge.yamlfile import KnowledgeError, LineDict, LineList, Problem, load_yaml
from bot.markup import MarkupError, parse, placeholders
from bot.search.index import FaqIndex, IndexDoc

DEFAULT_KNOWLEDGE_DIR = Path(__file__).resolve().parent.parent.parent / "knowledge"
FILES = ("sources.yaml", "facts.yaml", "flow.yaml", "faq.yaml")
REQUIRED_EXAMPLE_LANGS = ("en", "fr")
MIN_EXAMPLES = 3
STALE_AFTER = dt.timedelta(days=183)  # about 6 months
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_SOURCE_ID = re.compile(r"^S[0-9]+[a-z]?$")

_NODE_KEYS = {
    "question": {"ask", "help", "options"},
    "input": {"ask", "help", "input", "store", "next", "skip", "if_past", "if_older"},
    "branch": {"branch", "cases", "default"},
    "outcome": {"outcome", *FLOW_TEXT_FIELDS, *FLOW_LIST_FIELDS, "sources", "countdown"} - {"ask"},
}
_FAQ_KEYS = {"id", "topic", "title", "answer", "more", "keywords", "examples", "sources", "related"}
_FACT_KEYS = {
    *("type", "label", "value", "compute", "history", "from", "sources", "note", "uncertain"),
    "verified",  # refused with an explanation: freshness comes from the sources' reads
}
WARNING_SIGN = "⚠️"
_SOURCE_KEYS = {"title", "short", "publisher", "url", "kind", "published", "reads", "watch", "seen"}
_MONTH = re.compile(r"^[0-9]{4}-[0-9]{2}$")
_WATCH_SP = re.compile(r"^service-public:[FNR][0-9]+$")
_SOURCE_KINDS = {"official", "institutional", "secondary"}


class _FactNames(set):
    """The placeholder names texts may use, and which facts among them are uncertain."""

    uncertain: frozenset[str] = frozenset()


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
    faq = _load_faq(raw["faq.yaml"], sources, names, faq_c)

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
    text: Any,
    line: int,
    c: _Collector,
    where: str,
    facts: set[str],
    required: bool = True,
    flagged: bool = False,
) -> str:
    """`text` stripped, after checking its markup and placeholders; `flagged` texts are shown
    under a ⚠️ heading already (an outcome's "uncertain" items)."""
    if text is None or text == "":
        if required:
            c.error(line, f"{where}: text is required")
        return ""
    if not isinstance(text, str):
        c.error(line, f"{where}: must be text")
        return ""
    used = placeholders(text)
    shaky = sorted(n for n in used if n.split(".")[0] in getattr(facts, "uncertain", ()))
    if shaky and WARNING_SIGN not in text and not flagged:
        c.error(
            line,
            f"{where}: uses {{{shaky[0]}}}, which is not settled (facts.yaml 'uncertain'): the "
            f"same text must carry {WARNING_SIGN} and say whom to ask",
        )
    for name in sorted(used - facts):
        c.error(
            line,
            f"{where}: unknown placeholder {{{name}}} (not a fact id; .before and .since only "
            "exist for facts whose value changes)",
        )
    try:
        parse(text, {name: "x" for name in placeholders(text)})
    except MarkupError as exc:
        c.error(line, f"{where}: {exc}")
    return text.strip()


def _since(value: Any) -> Since | None:
    """``2026-05-01`` (a day) or ``2026-05`` (a month, when the day was not read)."""
    day = _date(value)
    if day is not None:
        return Since(day)
    if isinstance(value, str) and _MONTH.match(value):
        try:
            return Since(dt.date(int(value[:4]), int(value[5:7]), 1), month_only=True)
        except ValueError:
            return None
    return None


def _load_sources(data: Any, c: _Collector, today: dt.date) -> dict[str, Source]:
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
        where = f"source {sid}"
        _unknown_keys(spec, _SOURCE_KEYS, c, where)
        if "seen" in spec:
            c.error(
                spec.line_of("seen"),
                f"{where}: 'seen' mixed up publication and checking; use 'published' (the date "
                "the page shows) and 'reads' (when someone here read it)",
            )
        missing = [k for k in ("title", "publisher", "url") if not spec.get(k)]
        for k in missing:
            c.error(spec.line, f"{where}: {k!r} is required")
        url = str(spec.get("url", ""))
        if url and not url.startswith(("https://", "http://")):
            c.error(spec.line_of("url"), f"{where}: url must start with https://")
        published = None
        if spec.get("published") is not None:
            published = _since(spec.get("published"))
            if published is None:
                c.error(
                    spec.line_of("published"),
                    f"{where}: 'published' must be a date (YYYY-MM-DD) or a month (YYYY-MM)",
                )
            elif published.date > today:
                c.error(spec.line_of("published"), f"{where}: 'published' is in the future")
        reads = _source_reads(spec, c, where, today)
        watch = spec.get("watch", "")
        if watch and not (watch == "page" or (isinstance(watch, str) and _WATCH_SP.match(watch))):
            c.error(
                spec.line_of("watch"),
                f"{where}: watch must be 'page' or 'service-public:<fiche id>' (e.g. "
                "service-public:F17319)",
            )
        kind = spec.get("kind", "secondary")
        if kind not in _SOURCE_KINDS:
            c.error(spec.line_of("kind"), f"{where}: kind must be one of {sorted(_SOURCE_KINDS)}")
        if not missing:
            out[sid] = Source(
                id=sid,
                title=str(spec["title"]),
                short=str(spec.get("short") or spec["publisher"]),
                publisher=str(spec["publisher"]),
                url=url,
                kind=kind,
                published=published,
                reads=reads,
                watch=str(watch or ""),
            )
    return out


def _source_reads(spec: LineDict, c: _Collector, where: str, today: dt.date) -> tuple:
    raw = spec.get("reads")
    if raw is None:
        return ()
    if not isinstance(raw, LineList):
        c.error(spec.line_of("reads"), f"{where}: 'reads' must be a list")
        return ()
    reads: list[SourceRead] = []
    for i, item in enumerate(raw):
        line = raw.line_of(i)
        if not isinstance(item, LineDict):
            c.error(line, f"{where}.reads[{i}]: must be a mapping with 'date' and 'showed'")
            continue
        _unknown_keys(item, {"date", "showed", "via"}, c, f"{where}.reads[{i}]")
        on = _date(item.get("date"))
        if on is None:
            c.error(item.line_of("date"), f"{where}.reads[{i}]: 'date' must be YYYY-MM-DD")
            continue
        if on > today:
            c.error(item.line_of("date"), f"{where}.reads[{i}]: 'date' is in the future")
            continue
        showed = item.get("showed")
        if not isinstance(showed, str) or not showed.strip():
            c.error(
                item.line,
                f"{where}.reads[{i}]: say what the source showed ('showed'), e.g. "
                '"F17319 modified 2026-01-01: fee 150 €"',
            )
            continue
        reads.append(SourceRead(on, showed.strip(), str(item.get("via", "")).strip()))
    return tuple(sorted(reads, key=lambda r: r.on))


def _load_facts(
    data: Any, sources: dict[str, Source], c: _Collector, today: dt.date
) -> dict[str, Fact]:
    """Facts with their histories. A fact is either ``value`` (one period) or ``history`` (a list
    of periods, each with ``from``, a ``value`` or ``compute``, and ``sources``), or ``compute``
    over other facts, whose periods follow those of the facts it uses."""
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
            if "verified" in spec:
                c.error(
                    spec.line_of("verified"),
                    f"fact {fid}: 'verified' is gone: a fact is as fresh as the newest read of "
                    "its sources (sources.yaml 'reads')",
                )
            specs[fid] = spec

    raw_periods: dict[str, list[tuple[Since | None, LineDict]]] = {}
    for fid, spec in specs.items():
        raw_periods[fid] = _raw_periods(fid, spec, c)

    out: dict[str, Fact] = {}
    state: dict[str, str] = {}  # fid -> "busy" | "done"

    def resolve(fid: str) -> None:
        # computed facts may depend on each other: resolve dependencies first, once each
        if state.get(fid) == "done":
            return
        spec = specs[fid]
        if state.get(fid) == "busy":
            c.error(spec.line, f"fact {fid}: circular 'compute'")
            return
        state[fid] = "busy"
        deps = set()
        for _, pspec in raw_periods[fid]:
            if "compute" in pspec:
                deps |= factlib.names(str(pspec["compute"]))
        for dep in sorted(deps):
            if dep in specs:
                resolve(dep)
        state[fid] = "done"
        fact = _build_fact(fid, spec, raw_periods[fid], out, set(specs), sources, c)
        if fact is not None:
            out[fid] = fact

    for fid in specs:
        resolve(fid)
    for fact in out.values():
        _check_fact_freshness(fact, specs[fact.id], sources, c, today)
    return {fid: out[fid] for fid in specs if fid in out}


def _raw_periods(fid: str, spec: LineDict, c: _Collector) -> list[tuple[Since | None, LineDict]]:
    """``(start, spec)`` per period as written, with order and overlap checked."""
    if "history" in spec:
        if "value" in spec or "compute" in spec:
            c.error(spec.line, f"fact {fid}: give either 'history' or 'value'/'compute', not both")
            return []
        history = spec["history"]
        if not isinstance(history, LineList) or not history:
            c.error(spec.line_of("history"), f"fact {fid}: 'history' must be a non-empty list")
            return []
        out: list[tuple[Since | None, LineDict]] = []
        for i, item in enumerate(history):
            where = f"fact {fid}: history[{i}]"
            if not isinstance(item, LineDict):
                c.error(history.line_of(i), f"{where}: must be a mapping")
                return []
            _unknown_keys(item, {"from", "value", "compute", "sources", "note"}, c, where)
            start = _since(item.get("from")) if item.get("from") is not None else None
            if item.get("from") is not None and start is None:
                c.error(
                    item.line_of("from"),
                    f"{where}: 'from' must be a date (YYYY-MM-DD) or a month (YYYY-MM)",
                )
                return []
            if start is None and i > 0:
                c.error(item.line, f"{where}: 'from' is required after the first value")
                return []
            if out and out[-1][0] is not None and start is not None:
                before = out[-1][0]
                if start.date == before.date:
                    c.error(
                        item.line_of("from"),
                        f"{where}: overlaps the previous value (both from {start.iso()})",
                    )
                    return []
                if start.date < before.date:
                    c.error(
                        item.line_of("from"),
                        f"{where}: history out of order ({start.iso()} comes after "
                        f"{before.iso()}); list values oldest first",
                    )
                    return []
            out.append((start, item))
        return out
    start = None
    if spec.get("from") is not None:
        start = _since(spec.get("from"))
        if start is None:
            c.error(
                spec.line_of("from"),
                f"fact {fid}: 'from' must be a date (YYYY-MM-DD) or a month (YYYY-MM)",
            )
    return [(start, spec)]


def _build_fact(
    fid: str,
    spec: LineDict,
    raw: list[tuple[Since | None, LineDict]],
    known: dict[str, Fact],
    fact_ids: set[str],
    sources: dict[str, Source],
    c: _Collector,
) -> Fact | None:
    kind = spec.get("type")
    if kind not in FACT_TYPES:
        c.error(spec.line_of("type"), f"fact {fid}: type must be one of {', '.join(FACT_TYPES)}")
        return None
    if not raw:
        return None
    label = spec.get("label", "")
    if label and not isinstance(label, str):
        c.error(spec.line_of("label"), f"fact {fid}: 'label' must be text")
        label = ""
    periods: list[Period] = []
    uses: set[str] = set()
    all_sources: list[str] = []
    for i, (start, pspec) in enumerate(raw):
        where = f"fact {fid}" if pspec is spec else f"fact {fid}: history[{i}]"
        until = raw[i + 1][0] if i + 1 < len(raw) else None
        srcs = _source_list(pspec, "sources", sources, c, where, required=True)
        all_sources += [s for s in srcs if s not in all_sources]
        has_value, has_compute = "value" in pspec, "compute" in pspec
        if has_value == has_compute:
            c.error(pspec.line, f"{where}: give exactly one of 'value' or 'compute'")
            return None
        if has_value:
            value = _plain_value(pspec, c, where)
            if value is None:
                return None
            if (kind == "date") != isinstance(value, dt.date):
                c.error(
                    pspec.line_of("value"),
                    f"{where}: a {kind} fact needs a {'date' if kind == 'date' else 'number'}",
                )
                return None
            periods.append(Period(start, value, srcs))
            continue
        expression = str(pspec["compute"])
        deps = factlib.names(expression)
        unknown = sorted(d for d in deps if d not in fact_ids)
        if unknown:
            c.error(pspec.line_of("compute"), f"{where}: unknown fact {unknown[0]!r}")
            return None
        if any(d not in known for d in deps):
            return None  # a fact it uses failed to load: already reported
        if any(known[d].type == "date" for d in deps):
            c.error(pspec.line_of("compute"), f"{where}: cannot compute with a date fact")
            return None
        uses |= deps
        for d in deps:
            uses |= known[d].uses
        try:
            periods += _computed_periods(start, until, expression, deps, known, srcs)
        except factlib.FactError as exc:
            c.error(pspec.line_of("compute"), f"{where}: {exc}")
            return None
        if kind == "date":
            c.error(pspec.line_of("compute"), f"{where}: a date fact cannot be computed")
            return None
    periods = _merge_equal(periods)
    fact = Fact(
        id=fid,
        type=kind,
        periods=tuple(periods),
        sources=tuple(all_sources),
        label=label.strip(),
        compute=spec.get("compute"),
        note=str(spec.get("note", "")),
        uses=frozenset(uses),
        uncertain=str(spec.get("uncertain") or "").strip(),
    )
    if fact.changes and not fact.label:
        c.error(
            spec.line,
            f"fact {fid}: its value changes over time, so give it a 'label' (what the figure "
            "is) for the note answers add when it changed recently",
        )
    return fact


def _computed_periods(
    start: Since | None,
    until: Since | None,
    expression: str,
    deps: set[str],
    known: dict[str, Fact],
    srcs: tuple,
) -> list[Period]:
    """A computed value's periods: one from `start`, and one more wherever a fact it uses
    changes after `start` (and before `until`, where the next written value takes over)."""
    starts: set[Since] = {
        p.start
        for d in deps
        for p in known[d].periods
        if p.start is not None
        and (start is None or p.start.date > start.date)
        and (until is None or p.start.date < until.date)
    }
    points: list[Since | None] = [start, *sorted(starts, key=lambda s: s.date)]
    out: list[Period] = []
    for point in points:
        day = point.date if point else dt.date.min
        numbers = {d: known[d].at(day).value for d in deps}
        value = factlib.evaluate(expression, numbers)  # type: ignore[arg-type]
        out.append(Period(point, value, srcs, expression))
    return out


def _merge_equal(periods: list[Period]) -> list[Period]:
    """Drop derived periods that do not change the value (written history is kept as is)."""
    out: list[Period] = []
    for p in periods:
        if out and p.compute is not None and out[-1].value == p.value:
            continue
        same_day = out and out[-1].start and p.start and p.start.date == out[-1].start.date
        if same_day:  # two facts it uses changed on the same day: one change
            out[-1] = p
            continue
        out.append(p)
    return out


def _plain_value(spec: LineDict, c: _Collector, where: str) -> Decimal | dt.date | None:
    value = spec["value"]
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        c.error(spec.line_of("value"), f"{where}: value must be a number or a date")
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        c.error(spec.line_of("value"), f"{where}: value must be a number or a date")
        return None


def fact_checked(fact: Fact, sources: dict[str, Source], day: dt.date) -> dt.date | None:
    """When the value in force on `day` was last checked: the newest read of the sources cited
    for it (a computed fact cites its own)."""
    period = fact.at(day)
    return max(
        (sources[s].checked for s in period.sources if s in sources and sources[s].checked),
        default=None,
    )


def _check_fact_freshness(
    fact: Fact, spec: LineDict, sources: dict[str, Source], c: _Collector, today: dt.date
) -> None:
    checked = fact_checked(fact, sources, today)
    if checked is None:
        c.warn(
            spec.line,
            f"fact {fact.id}: none of its sources was ever read by us (add a 'reads' entry in "
            "sources.yaml once someone has checked the figure on one of them)",
        )
    elif today - checked > STALE_AFTER:
        c.warn(
            spec.line,
            f"fact {fact.id}: its newest check was on {checked.isoformat()}, more than 6 months "
            "ago: read its sources again",
        )


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
            text = _check_text(
                raw.get("text"), line, c, f"{where}.{key}[{i}]", facts, flagged=key == "uncertain"
            )
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
            items.append(
                Item(
                    _check_text(
                        raw, line, c, f"{where}.{key}[{i}]", facts, flagged=key == "uncertain"
                    )
                )
            )
    return tuple(items)


def _load_flow(
    data: Any,
    sources: dict[str, Source],
    facts: set[str],
    c: _Collector,
    file: Path,
    fact_map: dict[str, Fact],
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
    date_keys: set[str] = set()  # answers holding a typed date
    countdowns: list[tuple[str, int, str]] = []
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
        node_kw: dict[str, Any] = {"id": nid, "kind": NodeKind(kind), "index": index, **text}
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
            date_keys.add(store)
            older = _if_older(spec, c, where, fact_map)
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
                **older,
            )
        else:
            for f in ("title", "status"):
                if not text[f]:
                    c.error(spec.line, f"{where}: an outcome needs {f!r}")
            for f in FLOW_LIST_FIELDS:
                node_kw[f] = _load_items(spec, f, c, where, facts, when_keys)
            node_kw["sources"] = _source_list(spec, "sources", sources, c, where, required=True)
            countdown = spec.get("countdown")
            if countdown is not None:
                if (
                    not isinstance(countdown, LineDict)
                    or set(countdown) != {"date", "kind"}
                    or countdown.get("kind") not in COUNTDOWN_KINDS
                ):
                    c.error(
                        spec.line_of("countdown"),
                        f"{where}: countdown must be {{date: <a date answer>, kind: "
                        f"{' | '.join(COUNTDOWN_KINDS)}}}",
                    )
                else:
                    node_kw["countdown"] = str(countdown["kind"])
                    node_kw["countdown_date"] = str(countdown["date"])
                    countdowns.append((str(countdown["date"]), spec.line_of("countdown"), where))
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
    for key, line, where in countdowns:
        if key not in date_keys:
            c.error(line, f"{where}: countdown uses {key!r}, which no date input stores")

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


def _if_older(spec: LineDict, c: _Collector, where: str, facts: dict[str, Fact]) -> dict:
    """``if_older: {than: <fact>, unit: years|months, next: <node>}``: where a date older than
    the fact's value goes (e.g. a diploma more than 4 years old)."""
    raw = spec.get("if_older")
    if raw is None:
        return {}
    problem = None
    if not isinstance(raw, LineDict) or set(raw) != {"than", "unit", "next"}:
        problem = "if_older must be {than: <fact id>, unit: years | months, next: <node id>}"
    elif raw["unit"] not in ("years", "months"):
        problem = "if_older.unit must be years or months"
    elif raw["than"] not in facts or facts[raw["than"]].type not in ("number", "months"):
        problem = f"if_older.than must name a number or months fact (got {raw['than']!r})"
    if problem:
        c.error(spec.line_of("if_older"), f"{where}: {problem}")
        return {}
    return {"if_older": str(raw["next"]), "older_than": raw["than"], "older_unit": raw["unit"]}


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
