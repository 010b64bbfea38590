"""docs/architecture.md stays true: its module list, its layers and its "how to" sections."""

from __future__ import annotations

import re
from pathlib import Path

from import_graph import ROOT, edges, modules, package_of

DOC = ROOT / "docs" / "architecture.md"
TEXT = DOC.read_text(encoding="utf-8")


def _block(name: str) -> str:
    found = re.search(rf"<!-- {name}:start -->\n(.*?)<!-- {name}:end -->", TEXT, re.DOTALL)
    assert found, f"docs/architecture.md has no {name} block"
    return found.group(1)


def listed_modules() -> dict[str, str]:
    """Path → description, from the indented tree (two spaces per level)."""
    out: dict[str, str] = {}
    folders: list[str] = []
    for line in _block("modules").splitlines():
        if not line.strip() or line.startswith("```"):
            continue
        depth = (len(line) - len(line.lstrip(" "))) // 2
        name, _, what = line.strip().partition(" ")
        folders = folders[:depth]
        if name.endswith("/"):
            folders.append(name.rstrip("/"))
            continue
        out["/".join([*folders, name])] = what.strip()
    return out


def layers() -> dict[str, int]:
    out: dict[str, int] = {}
    for line in _block("layers").splitlines():
        found = re.match(r"^(\d+)\. (.+)$", line.strip())
        if found:
            for unit in re.sub(r"\(.*?\)", "", found.group(2)).split(","):
                out[unit.strip()] = int(found.group(1))
    return out


def test_every_module_is_listed_with_what_it_is() -> None:
    listed = listed_modules()
    actual = {str(path.relative_to(ROOT)) for path in modules().values()}
    assert not actual - set(listed), f"add to docs/architecture.md: {sorted(actual - set(listed))}"
    assert not set(listed) - actual, f"no such module: {sorted(set(listed) - actual)}"
    assert all(listed.values()), [p for p, what in listed.items() if not what]


def test_imports_only_point_down_the_layers() -> None:
    layer = layers()
    units = {package_of(m) for m in modules()}
    assert not units - set(layer), f"give a layer in docs/architecture.md to {units - set(layer)}"
    wrong = [
        f"{e.source}:{e.line} imports {e.target} (layer {layer[package_of(e.source)]} → "
        f"{layer[package_of(e.target)]})"
        for e in edges()
        if package_of(e.source) != package_of(e.target)
        and layer[package_of(e.source)] >= layer[package_of(e.target)]
    ]
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def test_paths_named_in_the_page_exist() -> None:
    named = set(re.findall(r"`((?:bot|tests|docs|knowledge|locales|bench)/[^`<>*]+?)`", TEXT))
    assert named
    missing = sorted(p for p in named if not (ROOT / p.rstrip("/")).exists())
    assert not missing, missing


def test_each_how_to_fits_in_ten_lines() -> None:
    sections = re.findall(r"^## (How to .+?)\n(.*?)(?=^## |\Z)", TEXT, re.DOTALL | re.MULTILINE)
    assert {title for title, _ in sections} == {
        "How to add a command",
        "How to add a node kind",
        "How to add a platform",
        "How to add a language",
        "How to add a walkthrough question",
    }
    for title, body in sections:
        lines = [line for line in body.splitlines() if line.strip()]
        assert len(lines) <= 10, f"{title}: {len(lines)} lines"


def test_modules_stay_small() -> None:
    """No module over about 400 lines."""
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in modules().values()
    }
    big = {p: n for p, n in sizes.items() if n > 420}
    assert not big, big
    assert sizes["bot/engine/engine.py"] <= 260
    assert Path(ROOT / "bot/engine/engine.py").exists()
