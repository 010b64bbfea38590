"""Inline keyboards from a Reply: options one per row, navigation together on the last row, and a
URL button for "continue in private" (a deep link into the bot's private chat)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.adapters.telegram.links import deep_link
from bot.engine import ActionKind, ChoiceKind, Reply

MAX_LABEL = 64  # longer labels are cut on the button; Telegram would show them truncated anyway


def keyboard(reply: Reply, bot_username: str) -> InlineKeyboardMarkup | None:
    """The reply's buttons, or None when it has none (an edit then removes the old keyboard)."""
    rows: list[list[InlineKeyboardButton]] = []
    nav: list[InlineKeyboardButton] = []
    for choice in reply.choices:
        button = InlineKeyboardButton(_label(choice.label), callback_data=choice.token)
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
                rows.append([InlineKeyboardButton(_label(action.label), url=url)])
    return InlineKeyboardMarkup(rows) if rows else None


def _label(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"
