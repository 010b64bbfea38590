"""``aps-bot web``: the engine behind a small aiohttp server, for a university's web page.

Routes::

    GET  /                 the chat page (``?lang=fr``); the engine's /start reply rendered in
    POST /                 the page's forms, without JavaScript: a question, a button, /privacy…
    POST /api/message      JSON ``{"text": …}`` or ``{"token": …}`` → ``{"ok": true, "reply": …}``
    GET  /embed.js         one ``<script>`` tag that puts the chat in an iframe on another site
    GET  /static/<file>    the page's stylesheet and script
    GET  /healthz          ``ok`` (for load balancers)

Every message takes the same path as on Telegram and Discord: an `Event` keyed
``("web", "web", <session id>)`` → `Engine.handle` → a `Reply`, rendered by `bot.web.render`.
Every refusal (bad JSON, a message too long, too many requests, an expired form) is an answer
in the visitor's language that says what to do, and changes nothing: the text stays in the field.
Logs hold the method, the route, the status and the time taken: never a message, a cookie or the key.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import traceback
from collections.abc import Awaitable, Callable
from importlib import resources
from urllib.parse import urlsplit

from aiohttp import web

from bot.engine import ConversationKey, Engine, Event, Reply, ReplyKind
from bot.i18n import Lang
from bot.markup import parse
from bot.render.html import escape
from bot.web.limits import AddressLimit
from bot.web.page import Exchange, chat_page, greeting_html
from bot.web.render import REMINDER_TOKEN_PREFIX, reply_html, reply_json
from bot.web.session import COOKIE, SessionCodec
from bot.web.settings import MAX_BODY_BYTES, WebSettings

log = logging.getLogger("aps_bot.web")

PLATFORM = "web"
STATIC = {"widget.js": "text/javascript", "widget.css": "text/css", "embed.js": "text/javascript"}
NO_PUSH_COMMANDS = ("remind", "reminders")
PAGE_COMMANDS = ("aps", "faq", "privacy", "mydata", "forget")  # the page's command buttons

SETTINGS: web.AppKey[WebSettings] = web.AppKey("settings", WebSettings)
ENGINE: web.AppKey[Engine] = web.AppKey("engine", Engine)
CODEC: web.AppKey[SessionCodec] = web.AppKey("codec", SessionCodec)
LIMIT: web.AppKey[AddressLimit] = web.AppKey("limit", AddressLimit)
FILES: web.AppKey[dict[str, bytes]] = web.AppKey("files", dict)


class Refusal(Exception):
    """A request refused with a message for the visitor (and an HTTP status for the script)."""

    def __init__(self, status: int, code: str, message: str, retry_after: int = 0) -> None:
        super().__init__(code)
        self.status, self.code, self.message, self.retry_after = status, code, message, retry_after


def create_app(engine: Engine, settings: WebSettings) -> web.Application:
    """The chat as an aiohttp application around `engine`."""
    app = web.Application(
        client_max_size=MAX_BODY_BYTES,
        middlewares=[_access_log, _security_headers],
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
    app.router.add_get("/embed.js", embed_js, name="embed")
    app.router.add_get("/static/{name}", static_file, name="static")
    app.router.add_get("/healthz", healthz, name="health")
    return app


# ---------------------------------------------------------------------- middlewares


@web.middleware
async def _access_log(
    request: web.Request, handler: Callable[..., Awaitable]
) -> web.StreamResponse:
    """One line per request: method, route, status, milliseconds. No query, body or address."""
    start = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        route = request.match_info.route.name or "-"
        log.info(
            "%s %s %d %.1fms", request.method, route, status, (time.perf_counter() - start) * 1000
        )


@web.middleware
async def _security_headers(
    request: web.Request, handler: Callable[..., Awaitable]
) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        response = await _http_error(request, exc)
    except Exception as exc:
        # the type and the line only: an exception's message may quote what the visitor wrote
        frames = traceback.extract_tb(exc.__traceback__)
        where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
        route = request.match_info.route.name or "-"
        log.error("the web chat failed on %s: %s at %s", route, type(exc).__name__, where)
        response = await _server_error(request)
    settings = request.app[SETTINGS]
    ancestors = " ".join(settings.frame_ancestors) or "'none'"
    headers = response.headers
    headers["Content-Security-Policy"] = (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; "
        f"frame-ancestors {ancestors}"
    )
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    if not settings.frame_ancestors:
        headers["X-Frame-Options"] = "DENY"
    if _is_https(request):
        headers["Strict-Transport-Security"] = "max-age=31536000"
    headers.setdefault("Cache-Control", "no-store")
    return response


async def _http_error(request: web.Request, exc: web.HTTPException) -> web.StreamResponse:
    """aiohttp's own refusals (too large, wrong method, no such page), in the visitor's words."""
    t = await _lang(request, None)
    if exc.status == 413:
        message = t.gettext(
            "That was too much to send at once. Shorten your message and send it again."
        )
    elif exc.status == 404:
        message = t.gettext("There is no such page here.")
    elif exc.status == 405:
        message = t.gettext("This address does not accept that kind of request.")
    else:
        message = t.gettext("The request was not understood. Reload the page and try again.")
    return _refusal_response(request, Refusal(exc.status, f"http_{exc.status}", message), exc)


async def _server_error(request: web.Request) -> web.StreamResponse:
    t = await _lang(request, None)
    message = t.gettext(
        "Something went wrong on our side. Your message is still here: try again in a moment."
    )
    return _refusal_response(request, Refusal(500, "server_error", message))


def _refusal_response(
    request: web.Request, refusal: Refusal, exc: web.HTTPException | None = None
) -> web.StreamResponse:
    headers = {}
    if exc is not None and "Allow" in exc.headers:
        headers["Allow"] = exc.headers["Allow"]
    if refusal.retry_after:
        headers["Retry-After"] = str(refusal.retry_after)
    if request.path.startswith("/api/"):
        return web.json_response(
            {"ok": False, "error": refusal.code, "message": refusal.message},
            dumps=_dumps,
            status=refusal.status,
            headers=headers,
        )
    return web.Response(
        text=f"<!doctype html><title>{refusal.status}</title><p>{escape(refusal.message)}</p>",
        status=refusal.status,
        content_type="text/html",
        headers=headers,
    )


# ---------------------------------------------------------------------- helpers


def _dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False)


def _is_https(request: web.Request) -> bool:
    if request.secure:
        return True
    if request.app[SETTINGS].trust_proxy:
        return request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip() == "https"
    return False


def _address(request: web.Request) -> str:
    if request.app[SETTINGS].trust_proxy:
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()  # the hop our proxy added
    return request.remote or "-"


async def _lang(request: web.Request, session_id: str | None, requested: str | None = None) -> Lang:
    """The visitor's language: their /lang choice, else the page's ``lang``, else the browser's."""
    engine = request.app[ENGINE]
    catalogs = engine.catalogs
    explicit = await engine.store.get_lang(PLATFORM, session_id) if session_id else None
    return catalogs.get(
        explicit
        or catalogs.supported(requested or request.query.get("lang"))
        or catalogs.supported(_accept_language(request))
    )


def _accept_language(request: web.Request) -> str | None:
    header = request.headers.get("Accept-Language", "")
    first = header.split(",")[0].split(";")[0].strip()
    return first or None


def _session(request: web.Request) -> tuple[str, str | None]:
    """(session id, cookie value to set, or None when the visitor's cookie is valid)."""
    codec = request.app[CODEC]
    session_id = codec.verify(request.cookies.get(COOKIE))
    if session_id:
        return session_id, None
    return codec.new()


def _set_cookie(request: web.Request, response: web.StreamResponse, value: str) -> None:
    """Written by hand: Python 3.11's cookie module refuses the ``Partitioned`` attribute."""
    settings = request.app[SETTINGS]
    parts = [
        f"{COOKIE}={value}",
        f"Max-Age={settings.retention_days * 86400}",
        "Path=/",
        "HttpOnly",
    ]
    if settings.frame_ancestors:
        # inside another site's frame the cookie is third-party: only SameSite=None (and Secure)
        # sends it; Partitioned keeps it to that one embedding site (CHIPS), so it follows no one
        parts += ["SameSite=None", "Secure", "Partitioned"]
    else:
        parts.append("SameSite=Lax")
        if _is_https(request):
            parts.append("Secure")
    response.headers.add("Set-Cookie", "; ".join(parts))


def _check_origin(request: web.Request, t: Lang) -> None:
    origin = request.headers.get("Origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.host:
        raise Refusal(
            403,
            "origin",
            t.gettext("The request was not understood. Reload the page and try again."),
        )


def _limit(request: web.Request, t: Lang) -> None:
    if not request.app[SETTINGS].ip_burst:
        return  # no limit per address (a proxy in front limits, or a benchmark)
    limit = request.app[LIMIT]
    address = _address(request)
    if not limit.allow(address):
        raise Refusal(
            429,
            "rate_limited",
            t.gettext(
                "Too many messages from your network. Wait a few seconds, then send yours again."
            ),
            retry_after=limit.retry_after(address),
        )


def _event(
    request: web.Request, session_id: str, *, text: str = "", token: str = "", locale: str | None
) -> Event:
    key = ConversationKey(PLATFORM, PLATFORM, session_id)
    if token:
        return Event.choice_of(key, token, locale=locale)
    stripped = text.strip()
    if stripped.startswith("/") and len(stripped) > 1:
        name, _, args = stripped[1:].partition(" ")
        return Event.command_of(key, name, args, locale=locale)
    return Event.text_of(key, text, locale=locale)


def _validate_text(request: web.Request, text: object, t: Lang) -> str:
    settings = request.app[SETTINGS]
    if not isinstance(text, str):
        raise Refusal(
            400,
            "bad_request",
            t.gettext("The request was not understood. Reload the page and try again."),
        )
    if not text.strip():
        raise Refusal(400, "empty", t.gettext("Type a question first."))
    if len(text) > settings.max_text_chars:
        message = t.gettext(
            "Your message is {length} characters long; the limit is {limit}. Shorten it and send "
            "it again."
        ).format(length=t.number(len(text)), limit=t.number(settings.max_text_chars))
        raise Refusal(413, "too_long", message)
    return text


async def handle(request: web.Request, event: Event) -> Reply:
    """The engine's reply to `event`, with what only the web adds: no reminders (nothing can
    reach the visitor later), and a word about the cookie under /privacy."""
    engine = request.app[ENGINE]
    command = event.command if event.command else ""
    if command in NO_PUSH_COMMANDS or event.token.startswith(REMINDER_TOKEN_PREFIX):
        t = await _lang(request, event.key.user, event.locale)
        return Reply(
            messages=[
                parse(
                    t.gettext(
                        "Reminders need a chat app that can write to you later, and this web "
                        "page cannot. Use aps-bot on Telegram or Discord for reminders, or note "
                        "your deadline in your calendar."
                    )
                )
            ],
            kind=ReplyKind.INFO,
            lang=t.code,
        )
    reply = await engine.handle(event)
    if command == "privacy":
        t = engine.catalogs.get(reply.lang)
        reply.messages.append(
            parse(
                t.gettext(
                    "On this web page I also keep one cookie, {cookie}: a random session id, "
                    "signed so that nobody can forge it. It holds no name and is not used to "
                    "follow you anywhere. /forget deletes your data and replaces the cookie."
                ),
                {"cookie": COOKIE},
            )
        )
    return reply


# ---------------------------------------------------------------------- handlers


async def page_get(request: web.Request) -> web.StreamResponse:
    """A first visit gets the engine's welcome (/start). A returning visitor gets a short
    greeting without asking the engine: an embedded chat is loaded on every page of the site
    around it, and page views must not count as messages (the engine's flood control)."""
    session_id, new_cookie = _session(request)
    lang_param = request.query.get("lang", "")[:16]
    t = await _lang(request, session_id, lang_param)
    _limit(request, t)
    if not new_cookie:
        greeting = Exchange("", greeting_html(t, request.app[CODEC].csrf(session_id), lang_param))
        return _page_response(
            request, session_id, None, lang_param, [], lang=t.code, shown=[greeting]
        )
    event = _event(
        request, session_id, text="/start", locale=lang_param or _accept_language(request)
    )
    reply = await handle(request, event)
    return _page_response(request, session_id, new_cookie, lang_param, [("", reply)])


async def page_post(request: web.Request) -> web.StreamResponse:
    """The page's forms, without JavaScript. A refused message comes back in the text field."""
    session_id, new_cookie = _session(request)
    form = await request.post()
    lang_param = str(form.get("lang", ""))[:16]
    t = await _lang(request, session_id, lang_param)
    text = form.get("text")
    draft = text if isinstance(text, str) else ""
    locale = lang_param or _accept_language(request)
    try:
        _check_origin(request, t)
        _limit(request, t)
        if new_cookie or not request.app[CODEC].check_csrf(session_id, str(form.get("csrf", ""))):
            raise Refusal(
                403,
                "expired_form",
                t.gettext(
                    "This page had expired, or your browser did not keep its cookie. Your "
                    "message is still here: send it again."
                ),
            )
        token, command = form.get("token"), form.get("command")
        if isinstance(token, str) and token:
            you = ""
            event = _event(request, session_id, token=token[:200], locale=locale)
        elif isinstance(command, str) and command in PAGE_COMMANDS:
            you = f"/{command}"
            event = _event(request, session_id, text=you, locale=locale)
        else:
            you = _validate_text(request, text, t)
            event = _event(request, session_id, text=you, locale=locale)
    except Refusal as refusal:
        response = _page_response(
            request,
            session_id,
            new_cookie,
            lang_param,
            [],
            error=refusal.message,
            draft=draft,
            lang=t.code,
        )
        response.set_status(refusal.status)
        if refusal.retry_after:
            response.headers["Retry-After"] = str(refusal.retry_after)
        return response
    reply = await handle(request, event)
    session_id, new_cookie = _after(request, event, session_id, new_cookie)
    return _page_response(request, session_id, new_cookie, lang_param, [(you, reply)])


def _after(
    request: web.Request, event: Event, session_id: str, new_cookie: str | None
) -> tuple[str, str | None]:
    """After /forget, the visitor gets a new session: nothing links them to the old one."""
    if event.command == "forget":
        return request.app[CODEC].new()
    return session_id, new_cookie


def _page_response(
    request: web.Request,
    session_id: str,
    new_cookie: str | None,
    lang_param: str,
    exchanges: list[tuple[str, Reply]],
    *,
    error: str = "",
    draft: str = "",
    lang: str = "",
    shown: list[Exchange] | None = None,
) -> web.Response:
    engine = request.app[ENGINE]
    csrf = request.app[CODEC].csrf(session_id)
    t = engine.catalogs.get(exchanges[-1][1].lang if exchanges else lang)
    html = chat_page(
        t,
        csrf=csrf,
        lang_param=lang_param,
        exchanges=(shown or [])
        + [Exchange(you, reply_html(reply, csrf, lang_param)) for you, reply in exchanges],
        max_chars=request.app[SETTINGS].max_text_chars,
        error=error,
        draft=draft,
    )
    response = web.Response(text=html, content_type="text/html")
    if new_cookie:
        _set_cookie(request, response, new_cookie)
    return response


async def api_message(request: web.Request) -> web.StreamResponse:
    session_id, new_cookie = _session(request)
    t = await _lang(request, session_id)
    try:
        _check_origin(request, t)
        _limit(request, t)
        if request.content_type != "application/json":
            raise Refusal(
                415,
                "not_json",
                t.gettext("The request was not understood. Reload the page and try again."),
            )
        try:
            body = json.loads(await request.text())
        except (ValueError, UnicodeDecodeError):
            body = None
        if not isinstance(body, dict):
            raise Refusal(
                400,
                "bad_json",
                t.gettext("The request was not understood. Reload the page and try again."),
            )
        lang_param = body.get("lang") if isinstance(body.get("lang"), str) else ""
        locale = lang_param[:16] or _accept_language(request)
        if lang_param:
            t = await _lang(request, session_id, lang_param)
        token = body.get("token")
        if token is not None:
            if not isinstance(token, str) or not token:
                raise Refusal(
                    400,
                    "bad_token",
                    t.gettext("The request was not understood. Reload the page and try again."),
                )
            event = _event(request, session_id, token=token[:200], locale=locale)
        else:
            text = _validate_text(request, body.get("text"), t)
            event = _event(request, session_id, text=text, locale=locale)
    except Refusal as refusal:
        response = _refusal_response(request, refusal)
        if new_cookie:
            _set_cookie(request, response, new_cookie)
        return response
    reply = await handle(request, event)
    session_id, rotated = _after(request, event, session_id, new_cookie)
    response = web.json_response({"ok": True, "reply": reply_json(reply)}, dumps=_dumps)
    if rotated:
        _set_cookie(request, response, rotated)
    return response


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

    Alongside: the daily purge of data untouched for the retention period, and the heartbeat
    that ``aps-bot health`` checks.
    """
    from bot.health import heartbeat

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
    tasks = [asyncio.create_task(heartbeat()), asyncio.create_task(_purge_daily(engine))]
    try:
        await (stop or asyncio.Event()).wait()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await runner.cleanup()


async def _purge_daily(engine: Engine, interval: float = 86400.0) -> None:
    while True:
        removed = await engine.purge()
        if removed:
            log.info("purged %d inactive record(s)", removed)
        await asyncio.sleep(interval)
