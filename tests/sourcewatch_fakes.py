"""A local HTTP server on 127.0.0.1 serving the recorded source-watch fixtures.

Shared by tests/test_sourcewatch.py and the adapters' weekly-check tests (tests/telegram,
tests/discord). Routes can be changed while it runs: a test swaps a page for its next version.
"""

from __future__ import annotations

import contextlib
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "sourcewatch"


@dataclass
class Route:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    fail_first: int = 0  # answer 500 this many times before the body
    drop_first: int = 0  # close the connection without an answer this many times
    redirect: str = ""  # answer 301 to this path instead
    delay: float = 0.0
    hits: int = 0


class FixtureServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, Route] = {}
        self.user_agents: list[str] = []
        self.stopping = threading.Event()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def serve(self, path: str, fixture: str, **options) -> Route:
        kind = "application/json" if fixture.endswith(".json") else "text/html; charset=utf-8"
        if fixture.endswith(".xml"):
            kind = "application/xml"
        route = Route((FIXTURES / fixture).read_bytes(), content_type=kind, **options)
        self.routes[path] = route
        return route


class _Handler(BaseHTTPRequestHandler):
    server: FixtureServer

    def do_GET(self) -> None:
        self.server.user_agents.append(self.headers.get("User-Agent", ""))
        route = self.server.routes.get(self.path.split("?", 1)[0])
        if route is None:
            self._answer(404, b"not found", "text/plain", {})
            return
        route.hits += 1
        if route.delay:
            # in small steps, so the server stops promptly at the end of the test
            deadline = time.monotonic() + route.delay
            while time.monotonic() < deadline and not self.server.stopping.is_set():
                time.sleep(0.05)
        if route.hits <= route.drop_first:
            self.close_connection = True
            return
        if route.hits <= route.fail_first:
            self._answer(500, b"oops", "text/plain", {})
            return
        if route.redirect:
            self._answer(301, b"", "text/plain", {"Location": route.redirect})
            return
        self._answer(200, route.body, route.content_type, route.headers)

    def _answer(self, status: int, body: bytes, kind: str, headers: dict[str, str]) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the timeout test)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def running_server() -> Iterator[FixtureServer]:
    """A started server with no routes; stopped (and its slow handlers released) on exit."""
    srv = FixtureServer()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield srv
    finally:
        srv.stopping.set()
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=10)


KB = Path(__file__).parent / "fixtures" / "kb"


def weekly_kb(folder: Path, srv: FixtureServer) -> Path:
    """The test knowledge base, with three watched sources on `srv`: S1 changed (a fiche
    modified since), S2 unchanged (a fiche as read), S3 an error (a page that is gone)."""

    srv.serve("/fiches/F39530", "F39530-modified-2026-06-01.xml")
    srv.serve("/fiches/F17319", "F17319.xml")
    shutil.copytree(KB, folder)
    (folder / "sources.yaml").write_text(
        "S1:\n  title: Examen civique (fiche F39530)\n  short: service-public.fr F39530\n"
        "  publisher: Service-public.fr (DILA)\n"
        "  url: https://www.service-public.gouv.fr/particuliers/vosdroits/F39530\n"
        "  published: 2026-01-30\n  kind: official\n  watch: service-public:F39530\n"
        '  reads:\n    - date: 2026-02-01\n      copy: false\n      showed: "modified 2026-01-30"\n'
        "S2:\n  title: RECE (fiche F17319)\n  short: service-public.fr F17319\n"
        "  publisher: Service-public.fr (DILA)\n"
        "  url: https://www.service-public.gouv.fr/particuliers/vosdroits/F17319\n"
        "  published: 2026-01-01\n  kind: official\n  watch: service-public:F17319\n"
        '  reads:\n    - date: 2026-02-01\n      copy: false\n      showed: "modified 2026-01-01"\n'
        f"S3:\n  title: A page that is gone\n  publisher: Tests\n  url: {srv.base}/gone\n"
        "  watch: page\n",
        encoding="utf-8",
    )
    # every source must be cited somewhere (aps-bot check refuses an unused one)
    faq = folder / "faq.yaml"
    text = faq.read_text(encoding="utf-8").replace(
        "    sources: [S1]\n    related: [fee]", "    sources: [S1, S2, S3]\n    related: [fee]", 1
    )
    faq.write_text(text, encoding="utf-8")
    return folder
