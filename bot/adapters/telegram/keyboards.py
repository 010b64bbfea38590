"""Inline keyboards from a Reply: options one per row, navigation together on the last row, and a
URL button for "continue in private" (a deep link into the bot's private chat).

`keyboard_json` gives the Bot API JSON, which is what a sent message needs: python-telegram-bot
passes a plain dict through as is, and building its objects (then serialising them back) cost
~20 µs a button, a tenth of an update's handling. `keyboard` gives the same as objects.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup

from bot.adapters.telegram.links import deep_link
from bot.engine import ActionKind, ChoiceKind, Reply
from bot.markup import shorten

MAX_LABEL = 64  # longer labels are cut on the button; Telegram would show them truncated anyway


def keyboard_json(reply: Reply, bot_username: str) -> dict[str, Any] | None:
    """The reply's buttons as an ``InlineKeyboardMarkup`` JSON object, or None when it has none
    (an edit then removes the old keyboard)."""
    rows: list[list[dict[str, str]]] = []
    nav: list[dict[str, str]] = []
    for choice in reply.choices:
        button = {"text": _label(choice.label), "callback_data": choice.token}
        if choice.kind is ChoiceKind.NAV:
            nav.append(button)
        else:
            rows.append([button])
    if nav:
        rows.append(nav)
    for action in reply.actions:
        if action.kind is ActionKind.CONTINUE_PRIVATE:
            url = deep_link(bot_username, action.payload)
            if url:
                rows.append([{"text": _label(action.label), "url": url}])
    return {"inline_keyboard": rows} if rows else None


def keyboard(reply: Reply, bot_username: str) -> InlineKeyboardMarkup | None:
    """`keyboard_json` as python-telegram-bot objects (inline query results need them)."""
    markup = keyboard_json(reply, bot_username)
    return InlineKeyboardMarkup.de_json(markup, None) if markup else None


def _label(text: str) -> str:
    return shorten(text, MAX_LABEL)
