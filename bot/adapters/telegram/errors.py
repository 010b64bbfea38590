"""The one error handler: count and log the failure (no message contents, no token), tell the user.

A Bot API call that failed (after the retries of `delivery.with_retries` and the rate limiter) is a
failed delivery: counted in `Vitals` (``aps-bot health``) and in the store (/stats). An expected
network failure (a timeout, a 5xx, a connection reset, a user who blocked the bot) is one line; a
bug (any other exception, or a request Telegram refused as malformed) keeps its traceback. The
logging throttle keeps either to one line per kind per minute.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import Update
from telegram.error import BadRequest, TelegramError

from bot.adapters.telegram.context import engine_of, vitals_of
from bot.adapters.telegram.conversation import PLATFORM, thread_of
from bot.engine import insight, language

if TYPE_CHECKING:
    from telegram.ext import ContextTypes

log = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, TelegramError):
        vitals_of(context).failed_delivery(PLATFORM)
        await engine_of(context).store.bump(insight.DELIVERY_FAILED + PLATFORM)
    if isinstance(error, TelegramError) and not isinstance(error, BadRequest):
        cause = type(error.__cause__).__name__ if error.__cause__ else "an error answer"
        log.warning(
            "update %s: reply not delivered: %s (%s)", update_id, type(error).__name__, cause
        )
    else:
        # the traceback names code, never the user's text; the logging filter redacts any token
        log.error(
            "update %s failed: %s",
            update_id,
            type(error).__name__,
            exc_info=(type(error), error, error.__traceback__) if error else None,
        )
    if not isinstance(update, Update) or update.effective_user is None:
        return
    text = await _sorry(context, update)
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif update.effective_chat is not None and update.inline_query is None:
            await context.bot.send_message(
                update.effective_chat.id,
                text,
                parse_mode=None,
                message_thread_id=thread_of(update.effective_message),
            )
    except TelegramError as exc:  # already answered, blocked, or still offline: nothing more to do
        log.info("could not tell the user about the error: %s", type(exc).__name__)


async def _sorry(context: ContextTypes.DEFAULT_TYPE, update: Update) -> str:
    engine = engine_of(context)
    user = update.effective_user
    assert user is not None
    t = await language.of_user_or_locale(
        engine.store, engine.catalogs, PLATFORM, str(user.id), user.language_code
    )
    return t.gettext("Sorry, something went wrong on my side. Please try again in a moment.")
