"""What a message must pass before the engine sees it: the same origin, the rate per network
address, and a text that is there and not too long. Each check raises a `Refusal`."""

from __future__ import annotations

from urllib.parse import urlsplit

from aiohttp import web

from bot.i18n import Lang
from bot.web.app_keys import LIMIT, SETTINGS
from bot.web.refusal import Refusal
from bot.web.visitor import client_address


def check_origin(request: web.Request, t: Lang) -> None:
    origin = request.headers.get("Origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.host:
        raise Refusal(
            403,
            "origin",
            t.gettext("The request was not understood. Reload the page and try again."),
        )


def check_rate(request: web.Request, t: Lang) -> None:
    if not request.app[SETTINGS].ip_burst:
        return  # no limit per address (a proxy in front limits, or a benchmark)
    limit = request.app[LIMIT]
    address = client_address(request)
    if not limit.allow(address):
        raise Refusal(
            429,
            "rate_limited",
            t.gettext(
                "Too many messages from your network. Wait a few seconds, then send yours again."
            ),
            retry_after=limit.retry_after(address),
            lang=t.code,
        )


def validate_text(request: web.Request, text: object, t: Lang) -> str:
    settings = request.app[SETTINGS]
    if not isinstance(text, str):
        raise Refusal(
            400,
            "bad_request",
            t.gettext("The request was not understood. Reload the page and try again."),
            lang=t.code,
        )
    if not text.strip():
        raise Refusal(400, "empty", t.gettext("Type a question first."), lang=t.code)
    if len(text) > settings.max_text_chars:
        message = t.gettext(
            "Your message is {length} characters long; the limit is {limit}. Shorten it and send "
            "it again."
        ).format(length=t.number(len(text)), limit=t.number(settings.max_text_chars))
        raise Refusal(413, "too_long", message, lang=t.code)
    return text
