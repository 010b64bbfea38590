"""Raw Bot API updates, shaped exactly as Telegram sends them (JSON dicts, no PTB objects).

Entities are computed the way Telegram does (offsets in UTF-16 code units): a leading
``/command`` gets a ``bot_command`` entity, every ``@username`` a ``mention``.
"""

from __future__ import annotations

import itertools
import re
import time
from typing import Any

_ids = itertools.count(1)
_MENTION = re.compile(r"@[A-Za-z0-9_]{5,32}")


def user(uid: int, first_name: str = "Student", language_code: str | None = "en") -> dict:
    u: dict[str, Any] = {"id": uid, "is_bot": False, "first_name": first_name}
    if language_code:
        u["language_code"] = language_code
    return u


def private_chat(u: dict) -> dict:
    return {"id": u["id"], "first_name": u["first_name"], "type": "private"}


def group_chat(chat_id: int = -1001234567890, forum: bool = False) -> dict:
    chat = {"id": chat_id, "title": "Étudiants internationaux", "type": "supergroup"}
    if forum:
        chat["is_forum"] = True
    return chat


def _u16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def entities(text: str) -> list[dict]:
    found = []
    command_end = 0
    m = re.match(r"/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?", text)
    if m:
        command_end = m.end()
        found.append({"offset": 0, "length": _u16(m.group(0)), "type": "bot_command"})
    for m in _MENTION.finditer(text):
        if m.start() >= command_end:
            found.append(
                {"offset": _u16(text[: m.start()]), "length": _u16(m.group(0)), "type": "mention"}
            )
    return found


def message(
    chat: dict,
    sender: dict,
    text: str,
    *,
    thread_id: int | None = None,
    reply_to: dict | None = None,
) -> dict:
    msg: dict[str, Any] = {
        "message_id": next(_ids),
        "from": sender,
        "chat": chat,
        "date": int(time.time()),
        "text": text,
    }
    ents = entities(text)
    if ents:
        msg["entities"] = ents
    if thread_id is not None:
        msg["message_thread_id"] = thread_id
        msg["is_topic_message"] = True
    if reply_to is not None:
        msg["reply_to_message"] = reply_to
    return msg


def message_update(chat: dict, sender: dict, text: str, **kw: Any) -> dict:
    return {"message": message(chat, sender, text, **kw)}


def callback_update(sender: dict, bot_message: dict, data: str) -> dict:
    """A click on a button of `bot_message` (as the bot sent it, from the fake's response)."""
    return {
        "callback_query": {
            "id": str(next(_ids) * 7919),
            "from": sender,
            "message": bot_message,
            "chat_instance": "-4242424242424242",
            "data": data,
        }
    }


def inline_update(sender: dict, query: str) -> dict:
    return {
        "inline_query": {
            "id": str(next(_ids) * 104729),
            "from": sender,
            "query": query,
            "offset": "",
            "chat_type": "supergroup",
        }
    }


def poll_message(chat: dict, *, bot_api_9_6: bool = False) -> dict:
    """A poll posted in `chat`, as a Bot API server sends it inside another message. Servers
    older than Bot API 9.6 send it without the fields python-telegram-bot 22.8 requires (each
    option's ``persistent_id``, the poll's ``allows_revoting``): an update carrying it cannot be
    read. With `bot_api_9_6`, the poll as a 9.6 server sends it."""
    options = [{"text": "Préfecture", "voter_count": 3}, {"text": "ANEF", "voter_count": 5}]
    extra = {}
    if bot_api_9_6:
        for i, option in enumerate(options):
            option["persistent_id"] = str(i)
        extra = {"allows_revoting": False, "members_only": False}
    return {
        "message_id": next(_ids),
        "chat": chat,
        "date": int(time.time()),
        "poll": {
            "id": str(next(_ids) * 31),
            "question": "Where did you apply?",
            "options": options,
            "total_voter_count": 8,
            "is_closed": False,
            "is_anonymous": True,
            "type": "regular",
            "allows_multiple_answers": False,
            **extra,
        },
    }


def unreadable_update(chat: dict, sender: dict, text: str) -> dict:
    """`text` (e.g. ``/faq …``) sent in reply to a poll, from a Bot API server older than 9.6:
    the update python-telegram-bot 22.8 cannot read."""
    return message_update(chat, sender, text, reply_to=poll_message(chat))
