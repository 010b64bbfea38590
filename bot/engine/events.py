"""What adapters hand to the engine: one `Event` per thing a user did.

`ConversationKey` lives with the stored records (`bot.storage.records`) and is re-exported here.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from bot.storage.records import ConversationKey


class EventKind(enum.Enum):
    """What the user did."""

    COMMAND = "command"  # /aps, /faq text, /lang fr …; `command` holds the name, `text` the rest
    CHOICE = "choice"  # a button click; `token` holds the choice token
    TEXT = "text"  # free text: an FAQ question, or an answer to a question that asks for text


@dataclass(frozen=True, slots=True)
class Event:
    """One user action, platform-neutral.

    Attributes:
        key: the conversation it belongs to.
        kind: command, choice or free text.
        command: the command name without slash, lower case (``"aps"``), for COMMAND events.
        text: the free text, or a command's arguments.
        token: the choice token, for CHOICE events.
        locale: the platform's locale for this user, as the platform spells it (``fr-FR``), if any.
        private: True in a one-to-one chat (DM, private chat, console); False in a group or channel.
    """

    key: ConversationKey
    kind: EventKind
    command: str = ""
    text: str = ""
    token: str = ""
    locale: str | None = None
    private: bool = True

    @classmethod
    def command_of(cls, key: ConversationKey, command: str, args: str = "", **kw) -> Event:
        return cls(key, EventKind.COMMAND, command=command.lower(), text=args, **kw)

    @classmethod
    def text_of(cls, key: ConversationKey, text: str, **kw) -> Event:
        return cls(key, EventKind.TEXT, text=text, **kw)

    @classmethod
    def choice_of(cls, key: ConversationKey, token: str, **kw) -> Event:
        return cls(key, EventKind.CHOICE, token=token, **kw)
