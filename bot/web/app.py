"""``aps-bot web``: the engine behind a small aiohttp server, for a university's web page.

Routes::

    GET  /                 the chat page (``?lang=fr``); the engine's /start reply rendered in
    POST /                 the page's forms, without JavaScript: a question, a button, /privacy…
    POST /api/message      JSON ``{"text": …}`` or ``{"token": …}`` → ``{"ok": true, "reply": …}``
    POST /api/resume       what the page shows again after a reload: the welcome, the step waiting
    GET  /embed.js         one ``<script>`` tag that puts the chat in an iframe on another site
    GET  /static/<file>    the page's stylesheet and script
    GET  /healthz          ``ok`` (for load balancers)
    GET  /robots.txt       the chat page may be indexed, the API not

Every message takes the same path as on Telegram and Discord: an `Event` keyed
``("web", "web", <session id>)`` → `Engine.handle` → a `Reply`, rendered by `bot.web.render`.
Every refusal (bad JSON, a message too long, too many requests, an expired form) is an answer
in the visitor's language that says what to do, and changes nothing: the text stays in the field.
Logs hold the method, the route, the status and the time taken: never a message, a cookie or the key.

This module builds the app, serves the static files and runs the server; the chat's routes are
in bot.web.chat, what wraps every request in bot.web.middlewares.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from importlib import resources

from aiohttp import web

from bot.engine import Engine
from bot.engine.upkeep import upkeep_jobs
from bot.jobs import run_jobs
from bot.web.app_keys import CODEC, ENGINE, FILES, LIMIT, SETTINGS
from bot.web.chat import api_message, api_resume, page_get, page_post
from bot.web.limits import AddressLimit
from bot.web.middlewares import access_log, hide_server, security_headers
from bot.web.session import SessionCodec
from bot.web.settings import MAX_BODY_BYTES, WebSettings

log = logging.getLogger("aps_bot.web")

STATIC = {"widget.js": "text/javascript", "widget.css": "text/css", "embed.js": "text/javascript"}


def create_app(engine: Engine, settings: WebSettings) -> web.Application:
    """The chat as an aiohttp application around `engine`."""
    app = web.Application(
        client_max_size=MAX_BODY_BYTES,
        middlewares=[access_log, security_headers],
    )
    app[SETTINGS] = settings
    app[ENGINE] = engine
    app[CODEC] = SessionCodec(settings.secret.reveal())
    app[LIMIT] = AddressLimit(max(settings.ip_burst, 1), max(settings.ip_rate, 0.001))
    app[FILES] = {
        name: resources.files("bot.web").joinpath("static", name).read_bytes() for name in STATIC
    }
    app.router.add_get("/", page_get, name="page")
    app.router.add_post("/", page_post, name="page_post")
    app.router.add_post("/api/message", api_message, name="api")
    app.router.add_post("/api/resume", api_resume, name="resume")
    app.router.add_get("/embed.js", embed_js, name="embed")
    app.router.add_get("/static/{name}", static_file, name="static")
    app.router.add_get("/healthz", healthz, name="health")
    app.router.add_get("/robots.txt", robots, name="robots")
    app.on_response_prepare.append(hide_server)
    return app


async def embed_js(request: web.Request) -> web.StreamResponse:
    response = web.Response(
        body=request.app[FILES]["embed.js"],
        content_type="text/javascript",
        charset="utf-8",
        headers={"Cache-Control": "public, max-age=3600"},
    )
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"  # loaded by other sites
    return response


async def static_file(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    if name not in STATIC or name == "embed.js":
        raise web.HTTPNotFound()
    return web.Response(
        body=request.app[FILES][name],
        content_type=STATIC[name],
        charset="utf-8",
        headers={"Cache-Control": "public, max-age=3600"},
    )


async def healthz(request: web.Request) -> web.StreamResponse:
    return web.Response(text="ok\n")


async def robots(request: web.Request) -> web.StreamResponse:
    return web.Response(
        text="User-agent: *\nDisallow: /api/\n", headers={"Cache-Control": "public, max-age=86400"}
    )


# ---------------------------------------------------------------------- running


async def serve(
    engine: Engine,
    settings: WebSettings,
    host: str,
    port: int,
    *,
    ready: Callable[[str], None] | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Serve until `stop` is set (or the task is cancelled); `ready` gets the URL once listening.

    Alongside, as a background task (`bot.engine.upkeep`): the daily purge of data untouched for
    the retention period, and the heartbeat that ``aps-bot health`` checks; once, in a thread,
    every language's search index.
    """
    app = create_app(engine, settings)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    address = runner.addresses[0]
    shown = f"[{address[0]}]" if ":" in str(address[0]) else address[0]
    url = f"http://{shown}:{address[1]}/"
    log.info("web chat listening on %s", url)
    if ready:
        ready(url)
    upkeep = asyncio.create_task(run_jobs(upkeep_jobs(engine)), name="upkeep")
    # every language's search index, built off the loop (each is built when first read)
    warm = asyncio.create_task(asyncio.to_thread(engine.knowledge.faq.index.warm), name="warm")
    try:
        await (stop or asyncio.Event()).wait()
    finally:
        upkeep.cancel()
        await asyncio.gather(upkeep, warm, return_exceptions=True)
        await runner.cleanup()
