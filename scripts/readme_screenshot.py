"""Regenerate docs/web.png, the README's picture of the static site and the web chat.

    .venv/bin/python scripts/readme_screenshot.py

Builds the site, starts ``aps-bot web`` on 127.0.0.1 (allowed in a frame), and photographs one
page holding both side by side in the system's Chromium (the browser tests' set-up): the site's
search for "prix du titre", and the chat answering a question in French.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "web"))

from site_helpers import build  # noqa: E402
from test_browser import ARGS, CHROMIUM  # noqa: E402

OUT = ROOT / "docs" / "web.png"


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        build(site)
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
        handler.log_message = lambda *a: None  # type: ignore[attr-defined]
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        site_url = f"http://127.0.0.1:{server.server_address[1]}/"
        env = {
            **os.environ,
            "APS_BOT_WEB_SECRET": "screenshot-" + "k" * 32,
            "APS_BOT_WEB_FRAME_ANCESTORS": "http://127.0.0.1:*",
            "APS_BOT_HEARTBEAT": str(Path(tmp) / "heartbeat"),
        }
        command = [sys.executable, "-m", "bot", "web", "--port", "0", "--database", "memory"]
        with subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        ) as proc:
            chat_url = re.search(r"http://127\.0\.0\.1:\d+/", proc.stdout.readline())[0]
            (site / "showcase.html").write_text(
                '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>aps-bot</title>'
                '<link rel="stylesheet" href="showcase.css"></head><body>'
                '<iframe title="site" src="fr/search.html?q=prix+du+titre"></iframe>'
                f'<iframe title="chat" src="{chat_url}?lang=fr"></iframe></body></html>',
                encoding="utf-8",
            )
            (site / "showcase.css").write_text(
                "body{margin:0;display:flex;gap:12px;padding:12px;background:#dfe5ec}"
                "iframe{border:1px solid #9aa7b5;border-radius:6px;background:#fff;height:676px}"
                "iframe[title=site]{width:560px}iframe[title=chat]{width:400px}",
                encoding="utf-8",
            )
            try:
                with sync_playwright() as p:
                    browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
                    page = browser.new_page(viewport={"width": 996, "height": 700})
                    page.goto(site_url + "showcase.html")
                    chat = page.frame_locator("iframe[title=chat]")
                    chat.locator("#text").fill("combien coute la carte ?")
                    chat.locator("#send button[type=submit]").click()
                    chat.locator("#log .msg.you").wait_for()
                    page.frame_locator("iframe[title=site]").locator("#results li").first.wait_for()
                    page.wait_for_timeout(300)
                    page.screenshot(path=str(OUT))
                    browser.close()
            finally:
                proc.terminate()
                proc.communicate(timeout=15)
                server.shutdown()
    print(f"wrote {OUT} ({OUT.stat().st_size / 1000:.0f} KB)")


if __name__ == "__main__":
    main()
