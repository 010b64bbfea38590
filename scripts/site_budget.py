"""Weigh the static site and the web chat page against their budgets (issue 14).

    python scripts/site_budget.py              build the site in a temporary folder, weigh it
    python scripts/site_budget.py --site DIR   weigh a site already built (aps-bot site DIR)
    python scripts/site_budget.py --all        also list every page

A page weighs its HTML plus every local file it loads (stylesheet, script, images), uncompressed:
what a visitor downloads on a first visit without compression. The search index is weighed on
its own. Budgets, in units of 1,000 bytes: 100 KB per page (the index excluded), 300 KB per
search index. The web chat's page (``GET /`` with its script and stylesheet) is weighed too.
Exit status 1 when anything is over budget.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import re
import statistics
import sys
import tempfile
from pathlib import Path

PAGE_BUDGET = 100_000
INDEX_BUDGET = 300_000
_LOADS = re.compile(r'<(?:link[^>]*rel="stylesheet"[^>]*href|script[^>]*src|img[^>]*src)="([^"]+)"')


def page_weight(path: Path, site: Path | None = None) -> int:
    """The page and what it loads; `site` is where a root-relative address starts (404.html)."""
    html = path.read_text(encoding="utf-8")
    total = len(html.encode("utf-8"))
    for ref in set(_LOADS.findall(html)):
        if ref.startswith(("data:", "http:", "https:", "//")):
            continue
        local = ref.split("#")[0].split("?")[0]
        start = site if site is not None and local.startswith("/") else path.parent
        total += (start / local.lstrip("/")).resolve().stat().st_size
    return total


async def chat_page_weight() -> int:
    """``GET /`` of the web chat, in process, with the files the page loads."""
    from aiohttp.test_utils import TestClient, TestServer

    from bot.config import Secret
    from bot.engine import Engine
    from bot.i18n import Catalogs
    from bot.knowledge import DEFAULT_KNOWLEDGE_DIR, load_knowledge
    from bot.storage import MemoryStore
    from bot.web import WebSettings, create_app

    engine = Engine(load_knowledge(DEFAULT_KNOWLEDGE_DIR), MemoryStore(), Catalogs())
    app = create_app(engine, WebSettings(secret=Secret("budget-" + "k" * 32)))
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        html = await (await client.get("/?lang=fr")).read()
        total = len(html)
        for ref in set(_LOADS.findall(html.decode("utf-8"))):
            if not ref.startswith("data:"):
                total += len(await (await client.get("/" + ref)).read())
        return total


def build(out: Path) -> None:
    from bot.i18n import Catalogs
    from bot.knowledge import DEFAULT_KNOWLEDGE_DIR, load_knowledge
    from bot.site import build_site

    day = dt.date.today()
    knowledge = load_knowledge(DEFAULT_KNOWLEDGE_DIR, today=day)
    asyncio.run(build_site(out, knowledge, Catalogs(), day))


def kb(n: int) -> str:
    return f"{n / 1000:.1f} KB"


def weigh(site: Path, show_all: bool) -> int:
    pages = {
        p.relative_to(site).as_posix(): page_weight(p, site) for p in sorted(site.rglob("*.html"))
    }
    indexes = {p.relative_to(site).as_posix(): p.stat().st_size for p in site.rglob("*.json")}
    chat = asyncio.run(chat_page_weight())
    over = [(name, w) for name, w in pages.items() if w > PAGE_BUDGET]
    over += [("web chat page", chat)] if chat > PAGE_BUDGET else []
    over += [(name, w) for name, w in indexes.items() if w > INDEX_BUDGET]

    by_kind: dict[str, list[int]] = {}
    for name, weight in pages.items():
        parts = name.split("/")
        kind = parts[1] if len(parts) > 2 else (parts[-1] if len(parts) > 1 else "root")
        by_kind.setdefault(kind.removesuffix(".html"), []).append(weight)
    heaviest = max(pages, key=pages.__getitem__)
    print(f"{len(pages)} pages; budget {kb(PAGE_BUDGET)} each (HTML + stylesheet + script)")
    print(f"  heaviest: {heaviest} {kb(pages[heaviest])}")
    print(f"  median: {kb(int(statistics.median(pages.values())))}")
    for kind, weights in sorted(by_kind.items()):
        print(f"  {kind:<14} {len(weights):>4} pages, max {kb(max(weights))}")
    print(f"web chat page (GET / with widget.js and widget.css): {kb(chat)}")
    for name, weight in sorted(indexes.items()):
        print(f"search index {name}: {kb(weight)} (budget {kb(INDEX_BUDGET)})")
    if show_all:
        for name, weight in pages.items():
            print(f"  {kb(weight):>9}  {name}")
    for name, weight in over:
        print(f"OVER BUDGET: {name} {kb(weight)}", file=sys.stderr)
    print("site budget: ok" if not over else f"site budget: {len(over)} over budget")
    return 1 if over else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--site", type=Path, help="a site built by aps-bot site (default: build one)"
    )
    parser.add_argument("--all", action="store_true", help="list every page's weight")
    args = parser.parse_args(argv)
    if args.site:
        return weigh(args.site, args.all)
    with tempfile.TemporaryDirectory() as tmp:
        build(Path(tmp))
        return weigh(Path(tmp), args.all)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    raise SystemExit(main())
