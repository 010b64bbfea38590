"""The import graph of the `bot` package, read from the source with `ast` (nothing is imported).

Every import counts as an edge: at module level, inside a function (a lazy import in a circle is
still a circle, only hidden), and under ``if TYPE_CHECKING:``. The style guide allows type-only
imports, but not in circles between modules that describe each other: the shared type moves down
instead. So a type-only edge is recorded as such (`Edge.type_only`) for the messages, and counted
like any other.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "bot"


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int
    type_only: bool


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return "TYPE_CHECKING" in ast.unparse(test)


def _imports(tree: ast.Module) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    def walk(nodes: Iterable[ast.AST], type_only: bool) -> Iterator:
        for node in nodes:
            if isinstance(node, ast.Import | ast.ImportFrom):
                yield node, type_only
            elif isinstance(node, ast.If) and _is_type_checking(node.test):
                yield from walk(node.body, True)
                yield from walk(node.orelse, type_only)
            else:
                yield from walk(ast.iter_child_nodes(node), type_only)

    yield from walk(tree.body, False)


def edges(known: dict[str, Path] | None = None) -> list[Edge]:
    """Every import from one `bot` module to another, resolved to the module it names.

    ``from bot.engine import suggest`` names the module ``bot.engine.suggest``;
    ``from bot.engine import Engine`` names the package ``bot.engine`` (its ``__init__``).
    """
    known = known or modules()
    out: list[Edge] = []
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node, type_only in _imports(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - node.level + 1]
                    origin = ".".join([*base, node.module] if node.module else base)
                else:
                    origin = node.module or ""
                targets = [f"{origin}.{alias.name}" for alias in node.names]
                targets = [t if t in known else origin for t in targets]
            for target in targets:
                while target and target not in known:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    out.append(Edge(name, target, node.lineno, type_only))
    return out


def package_of(module: str) -> str:
    """The unit of the package-level graph: ``bot.<package>``, except the adapters, where each
    platform is its own (``bot.adapters.telegram``); a top-level module is its own unit."""
    parts = module.split(".")
    if len(parts) >= 3 and parts[1] == "adapters":
        return ".".join(parts[:3])
    return ".".join(parts[:2])


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


def module_graph(all_edges: list[Edge]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for e in all_edges:
        graph.setdefault(e.source, set()).add(e.target)
    return graph


def package_graph(all_edges: list[Edge]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for e in all_edges:
        a, b = package_of(e.source), package_of(e.target)
        if a != b:
            graph.setdefault(a, set()).add(b)
    return graph


def describe(component: list[str], all_edges: list[Edge], unit=lambda m: m) -> str:
    """The imports inside one circle, one per line: ``a.py:12 -> b (type only)``."""
    members = set(component)
    lines = [
        f"  {e.source}:{e.line} -> {e.target}{' (type only)' if e.type_only else ''}"
        for e in all_edges
        if unit(e.source) in members
        and unit(e.target) in members
        and unit(e.source) != unit(e.target)
    ]
    return "\n".join([" <-> ".join(component), *sorted(lines)])
