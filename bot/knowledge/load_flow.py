"""flow.yaml: the walkthrough's nodes, each parsed by its kind's row (`node_kinds`), then checked
as a graph: every target exists, every node is reachable, an outcome is reachable from every node,
every answer an item tests is set somewhere, every countdown counts to a typed date."""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType
from typing import Any

from bot.knowledge.checks import ID, Collector, FactNames, mapping, unknown_keys
from bot.knowledge.model import Fact, Flow, Node, NodeKind, Source
from bot.knowledge.node_kinds import FlowParse, parse_node


def load_flow(
    data: Any,
    sources: dict[str, Source],
    facts: FactNames,
    c: Collector,
    file: Path,
    fact_map: dict[str, Fact],
) -> Flow | None:
    data = mapping(data, c, "flow.yaml")
    if data is None:
        return None
    unknown_keys(data, {"start", "nodes"}, c, "flow.yaml")
    raw_nodes = mapping(data.get("nodes"), c, "flow.yaml 'nodes'")
    if raw_nodes is None:
        return None
    p = FlowParse(c, sources, facts, fact_map)
    nodes: dict[str, Node] = {}
    lines: dict[str, int] = {}
    for index, (nid, spec) in enumerate(raw_nodes.items()):
        line = raw_nodes.line_of(nid)
        lines[nid] = line
        if not ID.match(nid):
            c.error(line, f"node id {nid!r} must be lower_snake_case")
        spec = mapping(spec, c, f"node {nid}")
        if spec is not None:
            nodes[nid] = parse_node(spec, nid, index, p)

    start = data.get("start")
    if not isinstance(start, str) or start not in nodes:
        c.error(data.line_of("start"), f"flow.yaml: 'start' must name a node (got {start!r})")
        return None

    for nid, node in nodes.items():
        for target in node.targets:
            if target not in nodes:
                c.error(lines[nid], f"node {nid}: goes to {target!r}, which does not exist")
    for key, line, where in p.when_keys:
        if key not in p.answer_keys:
            c.error(line, f"{where}: 'when' uses {key!r}, which no option sets and no input stores")
    for key, line, where in p.countdowns:
        if key not in p.date_keys:
            c.error(line, f"{where}: countdown uses {key!r}, which no date input stores")
    _check_graph(start, nodes, lines, c, data.line)

    version = hashlib.sha1(file.read_bytes()).hexdigest()[:6]
    return Flow(start=start, nodes=MappingProxyType(nodes), order=tuple(nodes), version=version)


def _check_graph(
    start: str, nodes: dict[str, Node], lines: dict[str, int], c: Collector, line: int
) -> None:
    """Everything reachable from the start, and an outcome reachable from everything."""
    reachable = _reach(start, lambda n: nodes[n].targets if n in nodes else [])
    for nid in nodes:
        if nid not in reachable:
            kind = "outcome" if nodes[nid].kind is NodeKind.OUTCOME else "node"
            c.error(lines[nid], f"{kind} {nid} cannot be reached from {start!r}")
    incoming: dict[str, list[str]] = {n: [] for n in nodes}
    for nid, node in nodes.items():
        for target in node.targets:
            if target in incoming:
                incoming[target].append(nid)
    outcomes = [n for n, node in nodes.items() if node.kind is NodeKind.OUTCOME]
    if not outcomes:
        c.error(line, "flow.yaml: the walkthrough has no outcome")
    leads_out: set[str] = set()
    for o in outcomes:
        leads_out |= _reach(o, lambda n: incoming.get(n, []))
    for nid, node in nodes.items():
        if node.kind is not NodeKind.OUTCOME and nid not in leads_out:
            c.error(lines[nid], f"node {nid} is a dead end: no outcome can be reached from it")


def _reach(start: str, neighbours: Callable[[str], list[str]]) -> set[str]:
    seen = {start}
    queue = deque([start])
    while queue:
        for nxt in neighbours(queue.popleft()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen
