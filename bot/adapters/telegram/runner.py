"""`run_telegram`: run the bot inside the caller's event loop until cancelled.

Polling by default; webhook mode when ``TELEGRAM_WEBHOOK_URL`` is set (an aiohttp server on
``TELEGRAM_WEBHOOK_LISTEN:TELEGRAM_WEBHOOK_PORT``, see ``webhook.py``, behind the TLS reverse proxy
serving the URL, checking ``TELEGRAM_WEBHOOK_SECRET`` on every request). ``run_polling`` is not
used: it owns the event loop, and here Telegram shares it with Discord.

Alongside, every `PROBE_INTERVAL` seconds, ``getWebhookInfo`` says how many updates wait at
Telegram (`pending_probe_job`, on the JobQueue like the other jobs); with the time of the last
handled update, that is how ``aps-bot health`` tells a stalled bot from an idle one.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from telegram.error import TelegramError

from bot.adapters.telegram.application import ALLOWED_UPDATES, UNREADABLE_KEY, build_application
from bot.adapters.telegram.context import VITALS_KEY
from bot.adapters.telegram.conversation import PLATFORM
from bot.adapters.telegram.jobs import schedule
from bot.adapters.telegram.webhook import serve_webhook, set_webhook
from bot.jobs import Every, Job

if TYPE_CHECKING:
    from aiohttp import web
    from telegram import Bot
    from telegram.ext import Application

    from bot.config import Config
    from bot.engine import Engine
    from bot.health import Vitals

log = logging.getLogger(__name__)

BOOTSTRAP_RETRIES = 3  # deleteWebhook / setWebhook at start
PROBE_INTERVAL = 60.0  # seconds between two getWebhookInfo
PROBE_TIMEOUT = 10.0


async def run_telegram(
    config: Config, engine: Engine, *, probe_interval: float = PROBE_INTERVAL, **overrides: Any
) -> None:
    """Start the bot and serve updates until the task is cancelled, then stop cleanly.

    Args:
        probe_interval: seconds between two counts of the updates waiting at Telegram.
        overrides: passed to `build_application` (base_url, request objects, rate limiter,
            vitals).
    """
    application = build_application(config, engine, **overrides)
    unreadable = application.bot_data[UNREADABLE_KEY]
    vitals = application.bot_data[VITALS_KEY]
    schedule(application, pending_probe_job(application.bot, vitals, probe_interval))
    webhook: web.AppRunner | None = None
    async with application:  # initialize() (getMe) … shutdown()
        unreadable.bind(engine, application.bot)
        if application.post_init:
            await application.post_init(application)
        await application.start()  # and the JobQueue with it
        try:
            webhook = await _start_updates(application, config)
            await asyncio.Event().wait()  # until cancelled
        finally:
            if webhook is not None:
                await webhook.cleanup()
            if application.updater and application.updater.running:
                await application.updater.stop()
            if application.running:
                await application.stop()
            await unreadable.close()
            log.info("Telegram: stopped")


async def _start_updates(application: Application, config: Config) -> web.AppRunner | None:
    """Start polling, or the webhook (whose server is returned, for the caller to stop)."""
    if config.telegram_webhook_url:
        secret = config.telegram_webhook_secret.reveal() if config.telegram_webhook_secret else None
        runner = await serve_webhook(
            application,
            application.bot_data[UNREADABLE_KEY],
            listen=config.telegram_webhook_listen,
            port=config.telegram_webhook_port,
            path=urlsplit(config.telegram_webhook_url).path,
            secret=secret,
        )
        try:
            await set_webhook(
                application,
                url=config.telegram_webhook_url,
                secret=secret,
                allowed_updates=ALLOWED_UPDATES,
                retries=BOOTSTRAP_RETRIES,
            )
        except BaseException:
            await runner.cleanup()
            raise
        log.info(
            "Telegram: webhook mode, listening on %s:%d",
            config.telegram_webhook_listen,
            config.telegram_webhook_port,
        )
        return runner
    updater = application.updater
    assert updater is not None
    await updater.start_polling(
        allowed_updates=ALLOWED_UPDATES,
        bootstrap_retries=BOOTSTRAP_RETRIES,
        error_callback=_polling_failed,
    )
    log.info("Telegram: polling for updates")
    return None


def _polling_failed(error: TelegramError) -> None:
    """getUpdates failed (python-telegram-bot tries again, waiting longer each time): one line,
    no traceback; the logging throttle keeps a long outage to one line a minute."""
    log.warning("Telegram: getUpdates failed (%s); trying again", type(error).__name__)


def pending_probe_job(bot: Bot, vitals: Vitals, interval: float = PROBE_INTERVAL) -> Job:
    """Every `interval` seconds, note how many updates wait at Telegram (``getWebhookInfo``).
    A failed probe is logged and skipped: the count then ages, and health stops trusting it."""

    async def probe() -> None:
        try:
            info = await bot.get_webhook_info(read_timeout=PROBE_TIMEOUT)
        except TelegramError as exc:
            log.warning("Telegram: getWebhookInfo failed (%s)", type(exc).__name__)
            return
        vitals.probed(PLATFORM, info.pending_update_count)

    return Job(f"{PLATFORM}-pending-probe", Every(interval, first=interval), probe)
