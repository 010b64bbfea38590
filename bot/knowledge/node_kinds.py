"""What each kind of walkthrough node looks like in flow.yaml: one row per `NodeKind`.

A row says how to recognise the kind (its marker key), which keys it accepts, how to parse its own
fields, and how the diagram (``aps-bot graph``) draws it. The engine's matching table of behaviours
is `bot.engine.features.walkthrough.nodes`; a test checks that both cover every kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from bot.knowledge.checks import ID, Collector, FactNames, check_text, source_list, unknown_keys
from bot.knowledge.model import (
    COUNTDOWN_KINDS,
    FLOW_LIST_FIELDS,
    FLOW_TEXT_FIELDS,
    INPUT_KINDS,
    Fact,
    Item,
    Node,
    NodeKind,
    Option,
    Source,
)
from bot.knowledge.yamlfile import LineDict, LineList


@dataclass
class FlowParse:
    """What parsing a node needs, and what it notes for the checks on the whole flow."""

    c: Collector
    sources: dict[str, Source]
    facts: FactNames  # the placeholder names texts may use
    fact_map: dict[str, Fact]
    when_keys: list[tuple[str, int, str]] = field(default_factory=list)  # answers items test
    answer_keys: set[str] = field(default_factory=set)  # answers options set or inputs store
    date_keys: set[str] = field(default_factory=set)  # answers holding a typed date
    countdowns: list[tuple[str, int, str]] = field(default_factory=list)  # dates outcomes count to


Parser = Callable[[LineDict, str, dict[str, str], FlowParse], dict[str, Any]]
Edge = tuple[str, str, bool]  # (label, target, label is text to shorten and quote)


@dataclass(frozen=True)
class KindSpec:
    """One kind of node in flow.yaml.

    Attributes:
        is_it: whether a node's YAML is of this kind (kinds are tried in table order).
        keys: the keys it accepts.
        parse: ``(spec, where, texts, flow) -> Node fields`` for what is its own.
        shape: its Mermaid node, with ``{id}`` and ``{label}``.
        label: the text in its shape.
        edges: its transitions in the diagram.
    """

    is_it: Callable[[LineDict], bool]
    keys: frozenset[str]
    parse: Parser
    shape: str
    label: Callable[[Node], str]
    edges: Callable[[Node], list[Edge]]


def _question(spec: LineDict, where: str, text: dict[str, str], p: FlowParse) -> dict[str, Any]:
    if not text["ask"]:
        p.c.error(spec.line, f"{where}: a question needs 'ask'")
    options = spec.get("options")
    if not isinstance(options, LineList) or not options:
        p.c.error(spec.line_of("options"), f"{where}: a question needs a non-empty 'options' list")
        options = LineList()
    parsed: list[Option] = []
    ids: set[str] = set()
    for i, opt in enumerate(options):
        oline = options.line_of(i)
        if not isinstance(opt, LineDict):
            p.c.error(oline, f"{where}.options[{i}]: must be a mapping with id, label and next")
            continue
        unknown_keys(opt, {"id", "label", "next", "set"}, p.c, f"{where}.options[{i}]")
        oid = opt.get("id")
        if not isinstance(oid, str) or not ID.match(oid):
            p.c.error(oline, f"{where}.options[{i}]: 'id' must be lower_snake_case (got {oid!r})")
            oid = f"option_{i}"
        elif oid in ids:
            p.c.error(oline, f"{where}.options[{i}]: id {oid!r} is used twice in this question")
        ids.add(oid)
        label = check_text(opt.get("label"), oline, p.c, f"{where}.options[{i}].label", set())
        target = opt.get("next")
        if not isinstance(target, str):
            p.c.error(oline, f"{where}.options[{i}]: 'next' is required")
            continue
        sets = opt.get("set") or {}
        if not isinstance(sets, dict):
            p.c.error(opt.line_of("set"), f"{where}.options[{i}]: 'set' must be a mapping")
            sets = {}
        p.answer_keys.update(sets)
        parsed.append(
            Option(oid, label, target, MappingProxyType({k: str(v) for k, v in sets.items()}))
        )
    return {"options": tuple(parsed)}


def _branch(spec: LineDict, where: str, text: dict[str, str], p: FlowParse) -> dict[str, Any]:
    on, cases, default = spec.get("branch"), spec.get("cases"), spec.get("default")
    if not isinstance(on, str) or not on:
        p.c.error(spec.line_of("branch"), f"{where}: 'branch' must name an answer")
        on = ""
    if not isinstance(cases, LineDict) or not cases:
        p.c.error(spec.line_of("cases"), f"{where}: 'cases' must map answer values to node ids")
        cases = LineDict()
    if not isinstance(default, str) or not default:
        p.c.error(spec.line, f"{where}: a branch needs a 'default' node")
        default = ""
    p.when_keys.append((on, spec.line_of("branch"), where))
    return dict(
        on=on,
        cases=MappingProxyType({str(k): str(v) for k, v in cases.items()}),
        default=default,
    )


def _input(spec: LineDict, where: str, text: dict[str, str], p: FlowParse) -> dict[str, Any]:
    if not text["ask"]:
        p.c.error(spec.line, f"{where}: an input needs 'ask'")
    if spec.get("input") not in INPUT_KINDS:
        p.c.error(spec.line_of("input"), f"{where}: input must be one of {', '.join(INPUT_KINDS)}")
    store = spec.get("store")
    if not isinstance(store, str) or not ID.match(store):
        p.c.error(
            spec.line_of("store"),
            f"{where}: 'store' must name the answer (lower_snake_case)",
        )
        store = ""
    p.answer_keys.add(store)
    p.date_keys.add(store)
    older = _if_older(spec, p.c, where, p.fact_map)
    for k in ("next", "skip", "if_past"):
        if k in spec and not isinstance(spec[k], str):
            p.c.error(spec.line_of(k), f"{where}: {k!r} must be a node id")
    if not spec.get("next"):
        p.c.error(spec.line, f"{where}: an input needs 'next'")
    return dict(
        input=str(spec.get("input", "")),
        store=store,
        next=str(spec.get("next") or ""),
        skip=str(spec.get("skip") or ""),
        if_past=str(spec.get("if_past") or ""),
        **older,
    )


def _outcome(spec: LineDict, where: str, text: dict[str, str], p: FlowParse) -> dict[str, Any]:
    for f in ("title", "status"):
        if not text[f]:
            p.c.error(spec.line, f"{where}: an outcome needs {f!r}")
    fields: dict[str, Any] = {}
    for f in FLOW_LIST_FIELDS:
        fields[f] = load_items(spec, f, p.c, where, p.facts, p.when_keys)
    fields["sources"] = source_list(spec, "sources", p.sources, p.c, where, required=True)
    countdown = spec.get("countdown")
    if countdown is not None:
        if (
            not isinstance(countdown, LineDict)
            or set(countdown) != {"date", "kind"}
            or countdown.get("kind") not in COUNTDOWN_KINDS
        ):
            p.c.error(
                spec.line_of("countdown"),
                f"{where}: countdown must be {{date: <a date answer>, kind: "
                f"{' | '.join(COUNTDOWN_KINDS)}}}",
            )
        else:
            fields["countdown"] = str(countdown["kind"])
            fields["countdown_date"] = str(countdown["date"])
            p.countdowns.append((str(countdown["date"]), spec.line_of("countdown"), where))
    return fields


NODE_KINDS: dict[NodeKind, KindSpec] = {
    NodeKind.OUTCOME: KindSpec(
        is_it=lambda spec: bool(spec.get("outcome")),
        keys=frozenset({"outcome", *FLOW_TEXT_FIELDS, *FLOW_LIST_FIELDS, "sources", "countdown"})
        - {"ask"},
        parse=_outcome,
        shape='{id}(["{label}"])',
        label=lambda n: n.title,
        edges=lambda n: [],
    ),
    NodeKind.INPUT: KindSpec(
        is_it=lambda spec: "input" in spec,
        keys=frozenset({"ask", "help", "input", "store", "next", "skip", "if_past", "if_older"}),
        parse=_input,
        shape='{id}[/"{label}"/]',
        label=lambda n: n.ask,
        edges=lambda n: [
            ("date", n.next, False),
            *([("date in the past", n.if_past, True)] if n.if_past else []),
            *([("skip", n.skip, False)] if n.skip else []),
        ],
    ),
    NodeKind.BRANCH: KindSpec(
        is_it=lambda spec: "branch" in spec,
        keys=frozenset({"branch", "cases", "default"}),
        parse=_branch,
        shape='{id}{{{{"{label}?"}}}}',
        label=lambda n: n.on,
        edges=lambda n: [
            *((value, target, True) for value, target in n.cases.items()),
            *([("other", n.default, False)] if n.default else []),
        ],
    ),
    NodeKind.QUESTION: KindSpec(
        is_it=lambda spec: True,  # the default
        keys=frozenset({"ask", "help", "options"}),
        parse=_question,
        shape='{id}{{"{label}"}}',
        label=lambda n: n.ask,
        edges=lambda n: [(o.label, o.next, True) for o in n.options],
    ),
}


def parse_node(spec: LineDict, nid: str, index: int, p: FlowParse) -> Node:
    """One node of flow.yaml, its kind recognised by the table."""
    kind = next(k for k, s in NODE_KINDS.items() if s.is_it(spec))
    row = NODE_KINDS[kind]
    unknown_keys(spec, set(row.keys), p.c, f"node {nid} ({kind})")
    where = f"node {nid}"
    text = {
        f: check_text(spec.get(f), spec.line_of(f), p.c, f"{where}.{f}", p.facts, required=False)
        for f in FLOW_TEXT_FIELDS
    }
    return Node(id=nid, kind=kind, index=index, **text, **row.parse(spec, where, text, p))


def _if_older(spec: LineDict, c: Collector, where: str, facts: dict[str, Fact]) -> dict:
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


def load_items(
    spec: LineDict, key: str, c: Collector, where: str, facts: set[str], when_keys: list
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
            unknown_keys(raw, {"text", "when"}, c, f"{where}.{key}[{i}]")
            text = check_text(
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
                    check_text(
                        raw, line, c, f"{where}.{key}[{i}]", facts, flagged=key == "uncertain"
                    )
                )
            )
    return tuple(items)
