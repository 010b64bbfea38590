"""Who is asking: the session (its signed token, from the page's script, a form or the cookie),
the language, the network address, HTTPS.

Behind a reverse proxy (``APS_BOT_WEB_TRUST_PROXY``), the address and the scheme come from the
headers the proxy adds; otherwise those headers are ignored, as anyone can send them.
"""

from __future__ import annotations

from aiohttp import web

from bot.i18n import Lang
from bot.web.app_keys import CODEC, ENGINE, SETTINGS
from bot.web.session import COOKIE, HEADER

PLATFORM = "web"


def is_https(request: web.Request) -> bool:
    if request.secure:
        return True
    if request.app[SETTINGS].trust_proxy:
        return request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip() == "https"
    return False


def client_address(request: web.Request) -> str:
    if request.app[SETTINGS].trust_proxy:
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()  # the hop our proxy added
    return request.remote or "-"


async def visitor_lang(
    request: web.Request, session_id: str | None, requested: str | None = None
) -> Lang:
    """The visitor's language: their /lang choice, else the page's ``lang``, else the browser's."""
    engine = request.app[ENGINE]
    catalogs = engine.catalogs
    explicit = await engine.store.get_lang(PLATFORM, session_id) if session_id else None
    return catalogs.get(
        explicit
        or catalogs.supported(requested or request.query.get("lang"))
        or catalogs.supported(accept_language(request))
    )


def accept_language(request: web.Request) -> str | None:
    header = request.headers.get("Accept-Language", "")
    first = header.split(",")[0].split(";")[0].strip()
    return first or None


def visitor_session(request: web.Request, given: object = None) -> tuple[str, str | None]:
    """(session id, token to hand out, or None when the visitor already holds it).

    The token the page's script keeps (the ``X-Aps-Session`` header) or a form's (`given`) comes
    first: inside another site's frame, the browser may keep no cookie. Then the cookie. A token
    that is missing, forged or from another key gets a new session (a forged one changes nothing).
    """
    codec = request.app[CODEC]
    explicit = request.headers.get(HEADER) or (given if isinstance(given, str) else None)
    session_id = codec.verify(explicit or request.cookies.get(COOKIE))
    if session_id:
        return session_id, None
    return codec.new()


def set_session_cookie(request: web.Request, response: web.StreamResponse, value: str) -> None:
    """The token in the cookie too (and in the header, for the page's script). The cookie is
    written by hand: Python 3.11's cookie module refuses the ``Partitioned`` attribute."""
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
        if is_https(request):
            parts.append("Secure")
    response.headers.add("Set-Cookie", "; ".join(parts))
    response.headers[HEADER] = value
