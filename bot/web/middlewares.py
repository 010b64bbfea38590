"""Around every request: the access log (no contents), the security headers, and aiohttp's own
errors or a failure inside answered as refusals in the visitor's words. No response names the
server's software or its versions."""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.web.app_keys import SETTINGS
from bot.web.refusal import Refusal, refusal_response
from bot.web.visitor import is_https, visitor_lang

log = logging.getLogger("aps_bot.web")


@web.middleware
async def access_log(request: web.Request, handler: Callable[..., Awaitable]) -> web.StreamResponse:
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
async def security_headers(
    request: web.Request, handler: Callable[..., Awaitable]
) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        response = await _http_error(request, exc)
    except Refusal as refusal:  # a check a route did not catch itself (the page's rate limit)
        response = refusal_response(request, refusal)
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
    headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    if not settings.frame_ancestors:
        headers["X-Frame-Options"] = "DENY"
    if is_https(request):  # both are ignored (and the browser complains) over plain HTTP
        headers["Strict-Transport-Security"] = "max-age=31536000"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers.setdefault("Cache-Control", "no-store")
    return response


async def hide_server(request: web.Request, response: web.StreamResponse) -> None:
    """aiohttp would send ``Server: Python/3.x aiohttp/3.x``: versions help nobody but attackers."""
    response.headers["Server"] = "aps-bot"


async def _http_error(request: web.Request, exc: web.HTTPException) -> web.StreamResponse:
    """aiohttp's own refusals (too large, wrong method, no such page), in the visitor's words."""
    t = await visitor_lang(request, None)
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
    refusal = Refusal(exc.status, f"http_{exc.status}", message, lang=t.code)
    return refusal_response(request, refusal, exc)


async def _server_error(request: web.Request) -> web.StreamResponse:
    t = await visitor_lang(request, None)
    message = t.gettext(
        "Something went wrong on our side. Your message is still here: try again in a moment."
    )
    return refusal_response(request, Refusal(500, "server_error", message, lang=t.code))
