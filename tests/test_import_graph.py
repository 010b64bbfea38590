"""No import circles in `bot`: not between modules, not between packages, not even type-only ones.

The rule (docs/architecture.md): every import counts, including the lazy ones inside functions and
those under ``if TYPE_CHECKING:``. Type-only imports are allowed, but a type two modules need is
moved below both rather than imported across a circle.
"""

from __future__ import annotations

from import_graph import (
    cycles,
    describe,
    edges,
    module_graph,
    modules,
    package_graph,
    package_of,
)


def test_the_graph_sees_every_kind_of_import(tmp_path) -> None:
    files = {
        "bot.x": "__init__.py",
        "bot.x.a": "a.py",
        "bot.x.b": "b.py",
        "bot.x.c": "c.py",
        "bot.x.d": "d.py",
    }
    (tmp_path / "__init__.py").write_text("from bot.x.a import thing\n")
    (tmp_path / "a.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "from . import b\n"  # package-relative: the module b
        "if TYPE_CHECKING:\n"
        "    from .c import C\n"  # type only
        "def f():\n"
        "    import bot.x.d\n"  # lazy, inside a function
    )
    for name in ("b.py", "c.py", "d.py"):
        (tmp_path / name).write_text("from bot.x import thing\n")  # the package's __init__
    found = {
        (e.source, e.target, e.type_only)
        for e in edges({m: tmp_path / f for m, f in files.items()})
    }
    assert found == {
        ("bot.x", "bot.x.a", False),
        ("bot.x.a", "bot.x.b", False),
        ("bot.x.a", "bot.x.c", True),
        ("bot.x.a", "bot.x.d", False),
        ("bot.x.b", "bot.x", False),
        ("bot.x.c", "bot.x", False),
        ("bot.x.d", "bot.x", False),
    }
    graph = {}
    for source, target, _ in found:
        graph.setdefault(source, set()).add(target)
    assert cycles(graph) == [["bot.x", "bot.x.a", "bot.x.b", "bot.x.c", "bot.x.d"]]
    assert len(modules()) > 50  # and the real package is found


def test_no_import_circle_between_modules() -> None:
    all_edges = edges()
    found = cycles(module_graph(all_edges))
    assert not found, "import circles:\n" + "\n\n".join(describe(c, all_edges) for c in found)


def test_no_import_circle_between_packages() -> None:
    all_edges = edges()
    found = cycles(package_graph(all_edges))
    assert not found, "package circles:\n" + "\n\n".join(
        describe(c, all_edges, package_of) for c in found
    )


def test_the_cycle_finder_finds_cycles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert cycles(graph) == [["a", "b", "c"]]
