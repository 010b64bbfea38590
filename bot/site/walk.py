"""The walkthrough as a finite set of static pages.

A static page cannot remember earlier answers, so the answers that still matter are part of the
page: one page per (node, answers that matter from there on). What matters from a node is what a
branch reachable from it routes on and what a reachable outcome's items test (``when:``), and of
those answers only the values some branch or item names: an engineer and a doctor take the same
pages, since nothing downstream tells them apart. Dates typed into an input node are not kept
(a static page cannot count down to them); the input page offers one link per way the date can
route (still to come, passed, older than a limit, skipped).

`walk` visits every such state from the start, so the number of pages is bounded by the graph,
not by the number of paths, and records for each state the first path that reached it, which
`bot.site.render_flow` replays through the engine to render the page exactly as the bot would.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.knowledge.model import Flow, Node

# How a step of a path was taken: an option's index, or one of these for an input node.
SKIP, DATE_NEXT, DATE_PAST, DATE_OLDER = "skip", "next", "past", "older"


@dataclass(frozen=True)
class State:
    """A page of the static walkthrough: a node shown with the answers that still matter."""

    node: str
    answers: tuple[tuple[str, str], ...]  # sorted (key, value) pairs

    @property
    def slug(self) -> str:
        """The page's file name without extension: ``out_rece.diploma-cge.titre-valid``."""
        return ".".join([self.node, *(f"{k}-{v}" for k, v in self.answers)])


@dataclass(frozen=True)
class Edge:
    """One way on from a page: how (an option index or a date route), and to which page."""

    how: int | str
    target: State


@dataclass
class Page:
    """One page of the static walkthrough (several equivalent states share it)."""

    name: str  # the file name without extension
    node: str
    kind: str  # question | input | outcome
    path: tuple[int | str, ...]  # the shortest path that reaches it from the start
    edges: list[tuple[int | str, str]]  # (how, target page name), in the node's order


def significant_values(flow: Flow) -> dict[str, frozenset[str]]:
    """For each answer key, the values some branch routes on or some item tests."""
    found: dict[str, set[str]] = {}
    for node in flow.nodes.values():
        if node.kind == "branch":
            found.setdefault(node.on, set()).update(node.cases)
        for items in (node.steps, node.documents, node.pitfalls, node.uncertain):
            for item in items:
                for key, allowed in item.when.items():
                    found.setdefault(key, set()).update(allowed)
    return {k: frozenset(v) for k, v in found.items()}


def keys_read(node: Node) -> set[str]:
    """The answer keys `node` itself reads: a branch's key, or its items' conditions."""
    if node.kind == "branch":
        return {node.on}
    return {
        k
        for items in (node.steps, node.documents, node.pitfalls, node.uncertain)
        for i in items
        for k in i.when
    }


def relevant_keys(flow: Flow) -> dict[str, frozenset[str]]:
    """For each node, the answer keys read by it or by any node reachable from it."""
    memo: dict[str, frozenset[str]] = {}

    def visit(nid: str, seen: frozenset[str]) -> frozenset[str]:
        if nid in memo:
            return memo[nid]
        node = flow.nodes[nid]
        keys = set(keys_read(node))
        for target in node.targets:
            if target not in seen:  # the loader rejects cycles; stay bounded regardless
                keys |= visit(target, seen | {nid})
        memo[nid] = frozenset(keys)
        return memo[nid]

    for nid in flow.nodes:
        visit(nid, frozenset())
    return memo


def route(flow: Flow, target: str, answers: Mapping[str, str]) -> str:
    """Follow branch nodes (never shown) to the node to show, as the engine does."""
    for _ in range(len(flow.nodes)):
        node = flow.nodes[target]
        if node.kind != "branch":
            return target
        target = node.cases.get(answers.get(node.on, ""), node.default)
    return target


def input_routes(node: Node) -> list[tuple[str, str]]:
    """(how, target) for each way a date input can go on: skipped first (it needs no date), then a
    date still to come (or recent enough), a date passed, a date older than the limit."""
    routes = []
    if node.skip:
        routes.append((SKIP, node.skip))
    routes.append((DATE_NEXT, node.next))
    if node.if_past:
        routes.append((DATE_PAST, node.if_past))
    if node.if_older:
        routes.append((DATE_OLDER, node.if_older))
    return routes


@dataclass
class _Visit:
    path: tuple[int | str, ...]
    edges: list[Edge]


def states(flow: Flow) -> dict[State, _Visit]:
    """Every (node, answers that matter) state, in breadth-first order from the start."""
    significant = significant_values(flow)
    relevant = relevant_keys(flow)

    def state(nid: str, answers: Mapping[str, str]) -> State:
        keep = relevant[nid]
        pairs = sorted(
            (k, v) for k, v in answers.items() if k in keep and v in significant.get(k, ())
        )
        return State(nid, tuple(pairs))

    start_id = route(flow, flow.start, {})
    start = state(start_id, {})
    pages: dict[State, _Visit] = {}
    queue: deque[tuple[State, dict[str, str], tuple[int | str, ...]]] = deque([(start, {}, ())])
    while queue:
        current, answers, path = queue.popleft()
        if current in pages:
            continue
        node = flow.nodes[current.node]
        page = pages[current] = _Visit(path, [])
        steps: Iterable[tuple[int | str, str, dict[str, str]]]
        if node.kind == "question":
            steps = ((i, o.next, dict(o.set)) for i, o in enumerate(node.options))
        elif node.kind == "input":
            steps = ((how, target, {}) for how, target in input_routes(node))
        else:
            steps = ()
        for how, target, sets in steps:
            after = {**answers, **sets}
            shown = route(flow, target, after)
            nxt = state(shown, after)
            page.edges.append(Edge(how, nxt))
            if nxt not in pages:
                queue.append((nxt, after, (*path, how)))
    return pages


def _content(flow: Flow, st: State) -> tuple:
    """What a state's page shows, before links: the node, and for an outcome which items apply."""
    node = flow.nodes[st.node]
    if node.kind != "outcome":
        return (st.node,)
    answers = dict(st.answers)
    lists = (node.steps, node.documents, node.pitfalls, node.uncertain)
    return (st.node, tuple(item.applies(answers) for items in lists for item in items))


def walk(flow: Flow) -> list[Page]:
    """The static walkthrough's pages, the start first.

    States that show the same thing and lead to equivalent pages by the same links are merged
    (partition refinement, as when minimising an automaton): a state keeps an answer for a
    branch that only some of its continuations take, and this finds where that answer no longer
    changes anything.
    """
    visits = states(flow)
    order = list(visits)
    block = {st: _content(flow, st) for st in order}
    count = len(set(block.values()))
    while True:
        signature = {
            st: (block[st], tuple((e.how, block[e.target]) for e in visits[st].edges))
            for st in order
        }
        ids: dict[tuple, int] = {}
        refined = {st: ids.setdefault(signature[st], len(ids)) for st in order}
        if len(ids) == count:
            break
        block, count = refined, len(ids)  # type: ignore[assignment]
    members: dict[object, list[State]] = {}
    for st in order:
        members.setdefault(block[st], []).append(st)
    names = _names(members)
    pages = []
    for key, group in members.items():
        first = group[0]  # breadth-first: its path is a shortest one
        pages.append(
            Page(
                names[key],
                first.node,
                flow.nodes[first.node].kind,
                visits[first].path,
                [(e.how, names[block[e.target]]) for e in visits[first].edges],
            )
        )
    return pages


def _names(members: dict[object, list[State]]) -> dict[object, str]:
    """A readable, unique file name per page: the node, then each answer key all its states
    have, with the values they have for it (``out_holder.agreement-gabon-tunisia``)."""
    names: dict[object, str] = {}
    taken: set[str] = set()
    for key, group in members.items():
        answers = [dict(st.answers) for st in group]
        common = set(answers[0]).intersection(*answers[1:])
        parts = [group[0].node]
        parts += ["-".join([k, *sorted({a[k] for a in answers})]) for k in sorted(common)]
        name = base = ".".join(parts)
        n = 1
        while name in taken:
            n += 1
            name = f"{base}.{n}"
        taken.add(name)
        names[key] = name
    return names
