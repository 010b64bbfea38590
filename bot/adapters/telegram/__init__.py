"""The Telegram adapter, on python-telegram-bot's `Application`.

`build_application` wires handlers, rate limiter and rendering; `run_telegram` runs it (polling,
or a webhook) inside an existing event loop until cancelled. Modules, in data-path order:
``request``, ``webhook`` and ``unreadable`` (updates in, each read on its own), ``conversation``
(update → engine terms), ``handlers`` and ``inline_mode`` (Event → Reply), ``delivery`` and
``keyboards`` (Reply → Bot API calls), ``menus`` and ``startup``, ``errors``.
"""

import os

# Opt in to python-telegram-bot's coming `RetryAfter.retry_after` as a timedelta: every 429 would
# otherwise raise a deprecation warning. No code here reads the attribute (the rate limiter does).
os.environ.setdefault("PTB_TIMEDELTA", "1")

from bot.adapters.telegram.application import ALLOWED_UPDATES, build_application
from bot.adapters.telegram.links import api_urls, deep_link
from bot.adapters.telegram.runner import run_telegram

__all__ = ["ALLOWED_UPDATES", "api_urls", "build_application", "deep_link", "run_telegram"]
