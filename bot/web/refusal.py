"""A request refused: an answer in the visitor's words, as JSON for the script, else HTML.

A refusal changes nothing: the engine never sees the message, and the text stays in the field.
"""

from __future__ import annotations

import json

from aiohttp import web

from bot.render.html import escape


class Refusal(Exception):
    """A request refused with a message for the visitor (and an HTTP status for the script)."""

    def __init__(self, status: int, code: str, message: str, retry_after: int = 0) -> None:
        super().__init__(code)
        self.status, self.code, self.message, self.retry_after = status, code, message, retry_after


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
    return web.Response(
        text=f"<!doctype html><title>{refusal.status}</title><p>{escape(refusal.message)}</p>",
        status=refusal.status,
        content_type="text/html",
        headers=headers,
    )


def json_dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False)
