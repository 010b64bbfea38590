"""Sending a Reply: HTML chunks under 4096 characters, the keyboard on the last one, edits in place.

Flood limits (429 RetryAfter) are the rate limiter's job (`AIORateLimiter` waits as told and
retries: a 429 means nothing was done). Here, other failures are retried only where a repeat is
safe (README, "A slow or failing Bot API"):

- an edit (editMessageText) is idempotent: a repeat of an edit that did arrive is refused as "not
  modified", which counts as done. Retried on any network error.
- a send (sendMessage) is not: after a read timeout or a connection lost mid-request the message
  may be in the chat already, and a repeat would show it twice. Retried only when the request
  surely had no effect: no connection was made, no connection of the pool came free, or the server
  answered with an error status.

If the failure persists it reaches the error handler (counted, the user told). The engine has
already saved the user's state by then, so nothing is lost: the next /aps picks up where the user
was.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

import httpx
from telegram import ReplyParameters
from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut

from bot.adapters.telegram.keyboards import keyboard_json
from bot.render.telegram_html import render_chunks

if TYPE_CHECKING:
    from telegram import Bot

    from bot.engine import Reply

log = logging.getLogger(__name__)

T = TypeVar("T")
RETRY_DELAYS = (0.5, 1.5)  # seconds before the 2nd and 3rd attempt


async def with_retries(call: Callable[[], Awaitable[T]], what: str, *, idempotent: bool) -> T:
    """`call()`, tried again on network errors (never on BadRequest: retrying won't help).

    Args:
        idempotent: a repeat of a call that did arrive changes nothing (an edit), so any network
            error may be retried; otherwise (a send) only one that proves nothing was done.
    """
    for delay in RETRY_DELAYS:
        try:
            return await call()
        except BadRequest:
            raise
        except NetworkError as exc:  # includes TimedOut
            if not idempotent and not surely_not_sent(exc):
                raise  # it may have arrived: a second copy is worse than a reported failure
            log.warning("%s failed (%s); retrying in %.1f s", what, type(exc).__name__, delay)
            await asyncio.sleep(delay)
    return await call()


def surely_not_sent(error: TelegramError) -> bool:
    """Whether the Bot API certainly did not act on the request, so repeating it is safe."""
    cause = error.__cause__
    if isinstance(error, TimedOut):  # PTB's TimedOut wraps httpx's timeout
        return isinstance(cause, (httpx.ConnectTimeout, httpx.PoolTimeout))
    if cause is None:  # no exception underneath: the server answered, with an error status
        return True
    return isinstance(cause, httpx.ConnectError)


def reply_chunks(reply: Reply) -> list[str]:
    """The reply's messages as few Telegram messages as fit (one chat bubble per reply, split
    under 4,096 characters at paragraph boundaries): fewer API calls, less noise in the chat."""
    if len(reply.messages) == 1:
        return render_chunks(reply.messages[0])
    return render_chunks(tuple(block for message in reply.messages for block in message))


async def deliver(
    bot: Bot,
    reply: Reply,
    *,
    chat_id: int,
    thread_id: int | None = None,
    reply_to: int | None = None,
    edit_message_id: int | None = None,
) -> None:
    """Send `reply` to the chat (topic), or edit `edit_message_id` with its first chunk.

    Args:
        reply_to: the user's message to answer (in groups), on the first new message only.
        edit_message_id: the message whose button was clicked, for a walkthrough step.
    """
    chunks = reply_chunks(reply)
    if not chunks:
        return
    markup = keyboard_json(reply, bot.username)  # plain JSON: PTB sends a dict as is
    start = 0
    if edit_message_id is not None:
        single = len(chunks) == 1
        if await _edit(bot, chat_id, edit_message_id, chunks[0], markup if single else None):
            start, reply_to = 1, None
    for i in range(start, len(chunks)):
        last = i == len(chunks) - 1
        params = (
            ReplyParameters(reply_to, allow_sending_without_reply=True)
            if reply_to is not None and i == start
            else None
        )
        await with_retries(
            lambda text=chunks[i], params=params, last=last: bot.send_message(
                chat_id=chat_id,
                text=text,
                message_thread_id=thread_id,
                reply_parameters=params,
                reply_markup=markup if last else None,
            ),
            "sendMessage",
            idempotent=False,
        )


async def _edit(bot: Bot, chat_id: int, message_id: int, text: str, markup) -> bool:
    """Edit a message in place; False if it can no longer be edited (send a new one instead)."""
    try:
        await with_retries(
            lambda: bot.edit_message_text(
                text, chat_id=chat_id, message_id=message_id, reply_markup=markup
            ),
            "editMessageText",
            idempotent=True,
        )
    except BadRequest as exc:
        if "not modified" in exc.message.lower():  # a double click: the step is already shown
            return True
        log.info("editMessageText refused (%s); sending a new message", exc.message[:80])
        return False
    return True
