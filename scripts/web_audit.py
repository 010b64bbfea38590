"""Lighthouse (mobile) and axe-core on the site and the web chat, as a visitor's browser sees them.

    python scripts/web_audit.py            (make web-audit) every page type, scores printed
    python scripts/web_audit.py --runs 3   Lighthouse three times per page, the median kept

What it does, on 127.0.0.1 only:
1. builds the site with ``--base-url`` set to where it is served (so links are absolute, as a
   published site's are) and serves it as a static host would: gzip, a 10-minute cache, 404.html
   for a missing page (GitHub Pages does all three);
2. starts ``aps-bot web`` (memory database);
3. runs Lighthouse (its default mobile emulation: a mid-range phone on a slow 4G network, CPU
   slowed four times) on the home page, an answer page, the search page and the chat page, and
   prints each category's score and every audit that is not perfect;
4. runs axe-core on every page type, and prints the violations.

Lighthouse and axe-core come from npm (``npm ci --prefix scripts/web_audit``, done here if
needed); the browser is Debian's ``/usr/bin/chromium`` (``APS_BOT_CHROMIUM`` to change it). The
targets (issue 21): accessibility, SEO and best practices 100, performance 95 or more, axe 0.
Exit status 1 when a target is missed. Performance depends on how busy the machine is: measure
on a quiet one, with ``--runs``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import gzip
import http.server
import io
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NPM = ROOT / "scripts" / "web_audit"
LIGHTHOUSE = NPM / "node_modules" / ".bin" / "lighthouse"
AXE = NPM / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("APS_BOT_CHROMIUM", "/usr/bin/chromium")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
DAY = "2026-11-27"  # the site's build day: fixed, so two runs weigh the same pages


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StaticHost(http.server.SimpleHTTPRequestHandler):
    """A static host as GitHub Pages is one: gzip, a 10-minute cache, 404.html when missing."""

    def log_message(self, *args) -> None:
        pass

    def send_head(self):  # the standard library's signature, gzip added
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            path, status = Path(self.directory) / "404.html", 404
        else:
            status = 200
        body = path.read_bytes()
        kind = self.guess_type(str(path))
        if "gzip" in self.headers.get("Accept-Encoding", "") and not kind.startswith("image/"):
            body = gzip.compress(body)
            encoded = True
        else:
            encoded = False
        self.send_response(status)
        self.send_header("Content-Type", kind + ("; charset=utf-8" if "text" in kind else ""))
        if encoded:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return io.BytesIO(body)


@contextlib.contextmanager
def site(out: Path) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    import datetime as dt

    from bot.i18n import Catalogs
    from bot.knowledge import DEFAULT_KNOWLEDGE_DIR, load_knowledge
    from bot.site import build_site

    day = dt.date.fromisoformat(DAY)
    knowledge = load_knowledge(DEFAULT_KNOWLEDGE_DIR, today=day)
    asyncio.run(build_site(out, knowledge, Catalogs(), day, base_url=url))
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", port), functools.partial(StaticHost, directory=str(out))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


def lighthouse(url: str, out: Path) -> dict:
    done = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={out}",
            "--only-categories=" + ",".join(CATEGORIES),
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        ],
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0 or not out.exists():
        raise SystemExit(f"lighthouse failed on {url}: {done.stderr[-2000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def audit_pages(pages: dict[str, str], runs: int, tmp: Path) -> bool:
    ok = True
    print(f"Lighthouse {lighthouse_version()} (mobile), median of {runs} run(s)")
    print(f"{'page':<10} " + " ".join(f"{c:>15}" for c in CATEGORIES))
    notes = []
    for name, url in pages.items():
        reports = [lighthouse(url, tmp / f"{name}-{i}.json") for i in range(runs)]
        scores = {
            c: statistics.median(round(r["categories"][c]["score"] * 100) for r in reports)
            for c in CATEGORIES
        }
        print(f"{name:<10} " + " ".join(f"{scores[c]:>15.0f}" for c in CATEGORIES))
        for c in CATEGORIES:
            if scores[c] < TARGETS[c]:
                ok = False
        last = reports[-1]
        for audit in last["audits"].values():
            score = audit.get("score")
            if score is not None and score < 1 and audit.get("scoreDisplayMode") != "informative":
                notes.append(f"  {name}: {audit['id']} {score} {audit.get('displayValue', '')}")
        metrics = last["audits"]
        notes.append(
            f"  {name}: FCP {metrics['first-contentful-paint']['displayValue']}, LCP "
            f"{metrics['largest-contentful-paint']['displayValue']}, TBT "
            f"{metrics['total-blocking-time']['displayValue']}, CLS "
            f"{metrics['cumulative-layout-shift']['displayValue']}"
        )
    print("\n".join(notes))
    return ok


def lighthouse_version() -> str:
    package = NPM / "node_modules" / "lighthouse" / "package.json"
    return json.loads(package.read_text(encoding="utf-8"))["version"]


def axe_pages(pages: dict[str, str]) -> bool:
    from playwright.sync_api import sync_playwright

    script = AXE.read_text(encoding="utf-8")
    version = json.loads((AXE.parent / "package.json").read_text(encoding="utf-8"))["version"]
    ok = True
    print(f"axe-core {version}: violations per page type")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        context = browser.new_context(
            bypass_csp=True, viewport={"width": 390, "height": 844}, locale="en-US"
        )
        page = context.new_page()
        for name, url in pages.items():
            page.goto(url)
            if "search" in url and "q=" in url:
                page.locator("#results ol li").first.wait_for()
            if name.startswith("chat, an answer"):
                page.locator("#text").fill("how much does it cost?")
                page.locator("#send button[type=submit]").click()
                page.locator("#log .msg.you").wait_for()
                page.locator("details.menu summary").click()
            page.add_script_tag(content=script)
            found = page.evaluate("() => axe.run(document).then(r => r.violations)")
            ok = ok and not found
            detail = "; ".join(f"{v['id']} ({len(v['nodes'])})" for v in found)
            print(f"  {len(found)}  {name}" + (f": {detail}" if detail else ""))
        browser.close()
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page")
    parser.add_argument("--lang", default="en", help="the site's language to audit (en, fr…)")
    parser.add_argument("--no-lighthouse", action="store_true", help="axe-core only")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if not LIGHTHOUSE.exists() or not AXE.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--prefix", str(NPM)], check=True)
    lang = args.lang
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        from bot.testing import web_child  # after sys.path has the repository

        secret = "web-audit-" + "k" * 32
        chat = web_child(tmp / "heartbeat", APS_BOT_WEB_SECRET=secret)
        with site(tmp / "site") as site_url, chat as chat_url:
            walk = sorted((tmp / "site" / lang / "walkthrough").glob("out_*.html"))[0].name
            ok = True
            if not args.no_lighthouse:
                ok = audit_pages(
                    {
                        "home": f"{site_url}{lang}/index.html",
                        "answer": f"{site_url}{lang}/faq/fee.html",
                        "search": f"{site_url}{lang}/search.html",
                        "chat": f"{chat_url}?lang={lang}",
                    },
                    args.runs,
                    tmp,
                )
            ok = (
                axe_pages(
                    {
                        "languages (root)": site_url,
                        "home": f"{site_url}{lang}/index.html",
                        "answer": f"{site_url}{lang}/faq/fee.html",
                        "topic": f"{site_url}{lang}/topics/apply.html",
                        "search, with results": f"{site_url}{lang}/search.html?q=prix+du+titre",
                        "walkthrough step": f"{site_url}{lang}/walkthrough/index.html",
                        "walkthrough outcome": f"{site_url}{lang}/walkthrough/{walk}",
                        "what changed": f"{site_url}{lang}/changes.html",
                        "sources": f"{site_url}{lang}/sources.html",
                        "404": f"{site_url}{lang}/no-such-page.html",
                        "chat, welcome": f"{chat_url}?lang={lang}",
                        "chat, an answer and the menu": f"{chat_url}?lang={lang}",
                    }
                )
                and ok
            )
    print(
        "web audit: ok" if ok else "web audit: TARGET MISSED", file=sys.stdout if ok else sys.stderr
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
