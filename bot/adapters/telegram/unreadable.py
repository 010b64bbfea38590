"""Updates python-telegram-bot cannot read: skipped, counted, logged by id, admins told hourly.

A Bot API server and the library can disagree on a format: python-telegram-bot 22.8 refuses a
poll option without ``persistent_id`` (Bot API 9.6), which an older server (``TELEGRAM_API_BASE_URL``)
still sends, for instance inside a message that replies to a poll. Left alone, one such update
stops the bot for everyone: the library cannot parse the batch, logs all of it (users' texts
included), and asks for the same batch again, forever.

So every update is read on its own before the library sees the batch (`screen`, for polling) or
the request (`read`, for the webhook). One that cannot be read is replaced by a stand-in holding
only its ``update_id``: the library confirms it like any other (the offset moves past it), no
handler matches it, and the rest of the batch is handled. It is counted (`Vitals`, and the
``updates.unreadable.telegram`` counter that /stats shows), logged with its id and the error's
type only, and the admins in ``APS_BOT_ADMINS`` are told, at most once an hour.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import telegram
from telegram import Update
from telegram.error import TelegramError

from bot.adapters.telegram.conversation import PLATFORM
from bot.engine import insight, language
from bot.sourcewatch.notify import admin_ids

if TYPE_CHECKING:
    from telegram import Bot

    from bot.engine import Engine
    from bot.health import Vitals

log = logging.getLogger(__name__)

NOTICE_EVERY = 3600.0  # seconds between two messages to the admins


class UnreadableUpdates:
    """Reads updates one by one and keeps the account of those that could not be read.

    Args:
        vitals: where the count since start goes (``aps-bot health``).
        clock: monotonic seconds (tests move it to see the hourly notice again).
    """

    def __init__(self, vitals: Vitals, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.vitals = vitals
        self.clock = clock
        self.count = 0
        self._engine: Engine | None = None
        self._bot: Bot | None = None
        self._last_notice: float | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def bind(self, engine: Engine, bot: Bot) -> None:
        """Who to count with and send the admins' notice through (once the bot exists)."""
        self._engine, self._bot = engine, bot

    def screen(self, updates: list[Any]) -> None:
        """Replace, in place, each update of a ``getUpdates`` result that cannot be read with a
        stand-in holding only its ``update_id`` (dropped if even that is missing)."""
        kept = []
        for data in updates:
            error = _unreadable(data)
            if error is None:
                kept.append(data)
                continue
            update_id = _update_id(data)
            self.record(update_id, error)
            if update_id is not None:
                kept.append({"update_id": update_id})
        updates[:] = kept

    def read(self, data: Any, bot: Bot | None) -> Update | None:
        """The update (a webhook's request body), or None once recorded as unreadable."""
        try:
            update = Update.de_json(data, bot)
        except Exception as exc:  # the library's own checks: TypeError, KeyError, ValueError…
            self.record(_update_id(data), exc)
            return None
        if update is None or not _is_id(update.update_id):
            self.record(_update_id(data), TypeError("no update_id"))
            return None
        return update

    def record(self, update_id: int | None, error: BaseException) -> None:
        """Count and log one unreadable update; tell the admins in the background."""
        self.count += 1
        self.vitals.unreadable(PLATFORM)
        log.warning(
            "Telegram: update %s could not be read by python-telegram-bot %s (%s); skipped",
            update_id,
            telegram.__version__,
            type(error).__name__,
        )
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        task = loop.create_task(self._after(update_id, type(error).__name__))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        """Wait for the counting and notices under way (cancelled after a few seconds)."""
        if self._tasks:
            _, late = await asyncio.wait(set(self._tasks), timeout=5)
            for task in late:
                task.cancel()

    async def _after(self, update_id: int | None, error: str) -> None:
        engine, bot = self._engine, self._bot
        if engine is None:
            return
        await engine.store.bump(insight.UNREADABLE + PLATFORM)
        admins = admin_ids(engine.admins, PLATFORM)
        now = self.clock()
        if bot is None or not admins:
            return
        if self._last_notice is not None and now - self._last_notice < NOTICE_EVERY:
            return
        self._last_notice = now
        for uid in admins:
            t = await language.of_user_or_locale(engine.store, engine.catalogs, PLATFORM, uid, None)
            text = t.gettext(
                "Telegram sent an update I could not read (update {update_id}, {error}). I "
                "skipped it and kept answering everyone else; {count} skipped since I started. "
                "This usually means that the Bot API server (TELEGRAM_API_BASE_URL) and "
                "python-telegram-bot {version} disagree on a format: update one of them. I will "
                "not tell you again for an hour."
            ).format(
                update_id=update_id if update_id is not None else "?",
                error=error,
                count=t.number(self.count),
                version=telegram.__version__,
            )
            try:
                await bot.send_message(int(uid), text, parse_mode=None)
            except TelegramError as exc:  # never opened a chat with the bot, or blocked it
                log.warning("Telegram: admin %s not told (%s)", uid, type(exc).__name__)


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _update_id(data: Any) -> int | None:
    value = data.get("update_id") if isinstance(data, dict) else None
    return value if _is_id(value) else None


def _unreadable(data: Any) -> BaseException | None:
    """Why python-telegram-bot cannot read `data` as an update, or None if it can."""
    try:
        update = Update.de_json(data, None)
    except Exception as exc:
        return exc
    if update is None or not _is_id(update.update_id):
        return TypeError("no update_id")
    return None
