"""From a Telegram update to the engine's terms: conversation key, locale, privacy, topic.

The key is ``(telegram, chat id, user id)``. A forum topic does not get a conversation of its own:
in a group the engine keeps no walkthrough (it continues in private) and ownership of buttons is
per user, so topics only decide where replies go (`thread_of`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram.constants import ChatType

from bot.engine import ConversationKey

if TYPE_CHECKING:
    from telegram import Chat, MaybeInaccessibleMessage, User

PLATFORM = "telegram"


def conversation_key(chat: Chat, user: User) -> ConversationKey:
    return ConversationKey(PLATFORM, str(chat.id), str(user.id))


def is_private(chat: Chat) -> bool:
    return chat.type == ChatType.PRIVATE


def thread_of(message: MaybeInaccessibleMessage | None) -> int | None:
    """The forum topic a message is in, if any (a reply thread in an ordinary group is not one)."""
    if message is None or not getattr(message, "is_topic_message", False):
        return None
    return getattr(message, "message_thread_id", None)
