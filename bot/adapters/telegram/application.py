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
    TypeHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot.adapters.telegram.context import attach_engine, vitals_of
from bot.adapters.telegram.conversation import PLATFORM
from bot.adapters.telegram.errors import on_error
from bot.adapters.telegram.handlers import on_callback, on_command, on_text
from bot.adapters.telegram.inline_mode import on_inline_query
from bot.adapters.telegram.jobs import schedule
from bot.adapters.telegram.links import api_urls
from bot.adapters.telegram.reminders import reminder_job
from bot.adapters.telegram.request import TrimmedRequest, UpdatesRequest
from bot.adapters.telegram.sourcewatch import sources_job
from bot.adapters.telegram.startup import on_startup
from bot.adapters.telegram.unreadable import UnreadableUpdates
from bot.config import ConfigError
from bot.health import VITALS

if TYPE_CHECKING:
    from telegram import Update
    from telegram.ext import BaseRateLimiter, ContextTypes
    from telegram.request import BaseRequest

    from bot.config import Config
    from bot.engine import Engine
    from bot.health import Vitals

# Only what the bot handles: Telegram then never sends edits, channel posts or member updates.
ALLOWED_UPDATES = ["message", "callback_query", "inline_query"]
RATE_LIMIT_RETRIES = 3  # RetryAfter (HTTP 429): wait as told, then try again, this many times
CONNECTION_POOL = 64  # concurrent updates share it
# Updates handled at once. PTB's default (256) only lengthens the HTTP pool's queue, which
# httpcore scans for every request: end to end on loopback, 32 gave 179 replies/s against 123.
# Fewer did better still on loopback (8: 228/s) but would leave too few requests in flight to
# hide real network latency (~0.1 s per Bot API call): 32 keeps ~200 updates/s of headroom there.
CONCURRENT_UPDATES = 32
# Bot API calls (README, "A slow or failing Bot API"). A slow API still delivers: a send is given
# up only after READ_TIMEOUT, since a send that timed out may have arrived and is not repeated.
CONNECT_TIMEOUT = 5.0  # no connection: nothing was sent, so delivery.py may try again
READ_TIMEOUT = 20.0
WRITE_TIMEOUT = 10.0
POOL_TIMEOUT = 10.0  # waiting for one of the CONNECTION_POOL connections: nothing sent yet
UNREADABLE_KEY = "aps_unreadable"


def build_application(
    config: Config,
    engine: Engine,
    *,
    base_url: str | None = None,
    base_file_url: str | None = None,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    rate_limiter: BaseRateLimiter[Any] | None = None,
    vitals: Vitals | None = None,
    unreadable: UnreadableUpdates | None = None,
) -> Application:
    """A ready (not yet initialised) Application with every handler registered.

    Args:
        config: needs `telegram_token`; `telegram_api_base_url` selects another Bot API server.
        engine: the shared engine.
        base_url, base_file_url: override the server derived from the configuration.
        request, get_updates_request: custom HTTP layers (tests, benchmarks).
        rate_limiter: replaces the default `AIORateLimiter` (Telegram's limits, retries on 429).
        vitals: where handled updates and failures are noted (default: the process's, which the
            heartbeat file shows).
        unreadable: the account of unreadable updates (tests give one with their own clock).

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
    vitals = vitals or VITALS
    vitals.of(PLATFORM)  # started now
    unreadable = unreadable or UnreadableUpdates(vitals)
    # keyboards echoed back by Telegram are dropped before PTB parses them, and updates it could
    # not read are replaced by stand-ins (see request.py)
    builder.request(
        TrimmedRequest(
            request
            or HTTPXRequest(
                connection_pool_size=CONNECTION_POOL,
                connect_timeout=CONNECT_TIMEOUT,
                read_timeout=READ_TIMEOUT,
                write_timeout=WRITE_TIMEOUT,
                pool_timeout=POOL_TIMEOUT,
            )
        )
    )
    # getUpdates: PTB adds the long-poll time to the read timeout, and retries for ever
    builder.get_updates_request(
        UpdatesRequest(
            get_updates_request or HTTPXRequest(connection_pool_size=1), unreadable.screen
        )
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
    attach_engine(application, engine, vitals)
    application.bot_data[UNREADABLE_KEY] = unreadable
    register_handlers(application, engine)
    for job in (
        reminder_job(engine, application.bot),
        sources_job(config, engine, application.bot),
    ):
        if job is not None:
            schedule(application, job)
    return application


def register_handlers(application: Application, engine: Engine) -> None:
    """Commands (every one in the engine's table), private text, group mentions and replies,
    buttons, inline queries, errors.

    Only new messages: edited ones, stickers, photos, channel posts and member updates match no
    handler and are dropped.
    """
    # first, for every update: the time of the last one handled (aps-bot health)
    application.add_handler(TypeHandler(object, _note_handled), group=-1)
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


async def _note_handled(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    vitals_of(context).handled(PLATFORM)
