"""A request refused: an answer in the visitor's words, as JSON for the script, else HTML.

A refusal changes nothing: the engine never sees the message, and the text stays in the field.
"""

from __future__ import annotations

import json

from aiohttp import web

from bot.render.html import escape


class Refusal(Exception):
    """A request refused with a message for the visitor (and an HTTP status for the script)."""

    def __init__(
        self, status: int, code: str, message: str, retry_after: int = 0, lang: str = ""
    ) -> None:
        super().__init__(code)
        self.status, self.code, self.message, self.retry_after = status, code, message, retry_after
        self.lang = lang  # the message's language, for the page that shows it


def refusal_response(
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
            dumps=json_dumps,
            status=refusal.status,
            headers=headers,
        )
    lang = f' lang="{escape(refusal.lang)}"' if refusal.lang else ""
    back = '<p><a href="./">aps-bot</a></p>' if request.path == "/" else ""
    return web.Response(
        text=(
            f'<!doctype html><html{lang}><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{refusal.status} · aps-bot</title></head>"
            f"<body><main><p>{escape(refusal.message)}</p>{back}</main></body></html>"
        ),
        status=refusal.status,
        content_type="text/html",
        headers=headers,
    )


def json_dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False)
