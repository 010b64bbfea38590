"""`run_telegram`: run the bot inside the caller's event loop until cancelled.

Polling by default; webhook mode when ``TELEGRAM_WEBHOOK_URL`` is set (PTB's own web server on
``TELEGRAM_WEBHOOK_LISTEN:TELEGRAM_WEBHOOK_PORT``, behind the TLS reverse proxy serving the URL,
checking ``TELEGRAM_WEBHOOK_SECRET`` on every request). ``run_polling`` is not used: it owns the
event loop, and here Telegram shares it with Discord.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from bot.adapters.telegram.application import ALLOWED_UPDATES, build_application

if TYPE_CHECKING:
    from telegram.ext import Application

    from bot.config import Config
    from bot.engine import Engine

log = logging.getLogger(__name__)

BOOTSTRAP_RETRIES = 3  # deleteWebhook / setWebhook at start


async def run_telegram(config: Config, engine: Engine, **overrides: Any) -> None:
    """Start the bot and serve updates until the task is cancelled, then stop cleanly.

    Args:
        overrides: passed to `build_application` (base_url, request objects, rate limiter).
    """
    application = build_application(config, engine, **overrides)
    async with application:  # initialize() (getMe) … shutdown()
        if application.post_init:
            await application.post_init(application)
        await application.start()
        try:
            await _start_updates(application, config)
            await asyncio.Event().wait()  # until cancelled
        finally:
            if application.updater and application.updater.running:
                await application.updater.stop()
            if application.running:
                await application.stop()
            log.info("Telegram: stopped")


async def _start_updates(application: Application, config: Config) -> None:
    updater = application.updater
    assert updater is not None
    if config.telegram_webhook_url:
        secret = config.telegram_webhook_secret
        await updater.start_webhook(
            listen=config.telegram_webhook_listen,
            port=config.telegram_webhook_port,
            url_path=urlsplit(config.telegram_webhook_url).path.strip("/"),
            webhook_url=config.telegram_webhook_url,
            secret_token=secret.reveal() if secret else None,
            allowed_updates=ALLOWED_UPDATES,
            bootstrap_retries=BOOTSTRAP_RETRIES,
        )
        log.info(
            "Telegram: webhook mode, listening on %s:%d",
            config.telegram_webhook_listen,
            config.telegram_webhook_port,
        )
    else:
        await updater.start_polling(
            allowed_updates=ALLOWED_UPDATES, bootstrap_retries=BOOTSTRAP_RETRIES
        )
        log.info("Telegram: polling for updates")
