"""The webhook: Telegram's POSTs received by a small aiohttp server, put on the Application's queue.

python-telegram-bot's own webhook server answers 400 to an update it cannot read, so Telegram
sends it again and again. This one, the "custom webhook" python-telegram-bot documents (any web
server that puts `Update`s on ``application.update_queue``), reads each update on its own
(`UnreadableUpdates.read`): an unreadable one is acknowledged with 200, so it is not redelivered,
and counted and logged by id, never by content. Requests without the right
``X-Telegram-Bot-Api-Secret-Token`` are refused (403); nothing is logged per request.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from typing import TYPE_CHECKING

from aiohttp import web
from telegram.error import InvalidToken, TelegramError

if TYPE_CHECKING:
    from telegram.ext import Application

    from bot.adapters.telegram.unreadable import UnreadableUpdates

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1024 * 1024  # Telegram's updates are a few kilobytes


async def serve_webhook(
    application: Application,
    unreadable: UnreadableUpdates,
    *,
    listen: str,
    port: int,
    path: str,
    secret: str | None,
) -> web.AppRunner:
    """Listen on ``http://listen:port/path``; the caller cleans the returned runner up."""

    async def receive(request: web.Request) -> web.Response:
        if secret is not None:
            given = request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(given.encode(), secret.encode()):
                return web.Response(status=403)
        try:
            data = json.loads(await request.read())
        except (ValueError, UnicodeDecodeError, RecursionError):
            return web.Response(status=400)  # not JSON (or nested deeper than Python): not Telegram
        update = unreadable.read(data, application.bot)
        if update is not None:
            await application.update_queue.put(update)
        return web.Response(status=200)

    app = web.Application(client_max_size=MAX_BODY)
    app.router.add_post("/" + path.strip("/"), receive)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    try:
        await web.TCPSite(runner, listen, port).start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner


async def set_webhook(
    application: Application,
    *,
    url: str,
    secret: str | None,
    allowed_updates: list[str],
    retries: int,
) -> None:
    """``setWebhook``, tried `retries` more times on network errors (it is idempotent)."""
    for attempt in range(retries + 1):
        try:
            await application.bot.set_webhook(
                url=url, secret_token=secret, allowed_updates=allowed_updates
            )
            return
        except InvalidToken:
            raise
        except TelegramError as exc:
            if attempt == retries:
                raise
            log.warning("Telegram: setWebhook failed (%s); trying again", type(exc).__name__)
            await asyncio.sleep(1.0 + attempt)
