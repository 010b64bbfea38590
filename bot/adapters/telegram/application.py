"""`build_application`: the python-telegram-bot Application aps-bot runs (and tests drive)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.adapters.telegram.context import attach_engine
from bot.adapters.telegram.errors import on_error
from bot.adapters.telegram.handlers import on_callback, on_command, on_text
from bot.adapters.telegram.inline_mode import on_inline_query
from bot.adapters.telegram.links import api_urls
from bot.adapters.telegram.reminders import schedule_reminders
from bot.adapters.telegram.request import TrimmedRequest
from bot.adapters.telegram.sourcewatch import schedule_sources_watch
from bot.adapters.telegram.startup import on_startup
from bot.config import ConfigError

if TYPE_CHECKING:
    from telegram.ext import BaseRateLimiter
    from telegram.request import BaseRequest

    from bot.config import Config
    from bot.engine import Engine

# Only what the bot handles: Telegram then never sends edits, channel posts or member updates.
ALLOWED_UPDATES = ["message", "callback_query", "inline_query"]
RATE_LIMIT_RETRIES = 3  # RetryAfter (HTTP 429): wait as told, then try again, this many times
CONNECTION_POOL = 64  # concurrent updates share it
# Updates handled at once. PTB's default (256) only lengthens the HTTP pool's queue, which
# httpcore scans for every request: end to end on loopback, 32 gave 179 replies/s against 123.
# Fewer did better still on loopback (8: 228/s) but would leave too few requests in flight to
# hide real network latency (~0.1 s per Bot API call): 32 keeps ~200 updates/s of headroom there.
CONCURRENT_UPDATES = 32


def build_application(
    config: Config,
    engine: Engine,
    *,
    base_url: str | None = None,
    base_file_url: str | None = None,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    rate_limiter: BaseRateLimiter[Any] | None = None,
) -> Application:
    """A ready (not yet initialised) Application with every handler registered.

    Args:
        config: needs `telegram_token`; `telegram_api_base_url` selects another Bot API server.
        engine: the shared engine.
        base_url, base_file_url: override the server derived from the configuration.
        request, get_updates_request: custom HTTP layers (tests, benchmarks).
        rate_limiter: replaces the default `AIORateLimiter` (Telegram's limits, retries on 429).

    Raises:
        ConfigError: no Telegram token is configured, or the weekly source check is on with an
            unusable ``APS_BOT_SERVICE_PUBLIC_URL``.
    """
    if not config.telegram_token:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set")
    builder = ApplicationBuilder().token(config.telegram_token.reveal())
    configured = api_urls(config.telegram_api_base_url)
    if base_url or configured:
        builder.base_url(base_url or configured[0])  # type: ignore[index]
        builder.base_file_url(base_file_url or (configured[1] if configured else base_url))
    # keyboards echoed back by Telegram are dropped before PTB parses them (see request.py)
    builder.request(
        TrimmedRequest(
            request or HTTPXRequest(connection_pool_size=CONNECTION_POOL, pool_timeout=10.0)
        )
    )
    builder.get_updates_request(
        TrimmedRequest(get_updates_request or HTTPXRequest(connection_pool_size=1))
    )
    builder.rate_limiter(rate_limiter or AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))
    builder.defaults(
        Defaults(
            parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
        )
    )
    builder.concurrent_updates(CONCURRENT_UPDATES)  # the engine serialises each conversation
    builder.post_init(on_startup)
    application = builder.build()
    attach_engine(application, engine)
    register_handlers(application, engine)
    schedule_reminders(application)
    schedule_sources_watch(application, config)
    return application


def register_handlers(application: Application, engine: Engine) -> None:
    """Commands (every one in the engine's table), private text, group mentions and replies,
    buttons, inline queries, errors.

    Only new messages: edited ones, stickers, photos, channel posts and member updates match no
    handler and are dropped.
    """
    new_message = filters.UpdateType.MESSAGE
    names = [c.name for c in engine.commands]  # admin ones too: the engine checks who sends them
    application.add_handler(CommandHandler(names, on_command, filters=new_message))
    # an unknown /command in a private chat still gets an answer ("I don't know /foo")
    application.add_handler(
        MessageHandler(new_message & filters.COMMAND & filters.ChatType.PRIVATE, on_command)
    )
    application.add_handler(MessageHandler(new_message & filters.TEXT & ~filters.COMMAND, on_text))
    application.add_handler(CallbackQueryHandler(on_callback))
    application.add_handler(InlineQueryHandler(on_inline_query))
    application.add_error_handler(on_error)
