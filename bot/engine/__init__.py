"""The platform-neutral dialogue engine: Event in, Reply out.

Inside the package, modules import each other by their own path (``bot.engine.turn``), never
through this ``__init__``: it imports the engine, which imports every feature.
"""

from bot.engine.commands import Arg, ArgKind, Command
from bot.engine.engine import ADMIN_COMMANDS, COMMANDS, Engine, FaqLookup
from bot.engine.events import ConversationKey, Event, EventKind
from bot.engine.reply import (
    Action,
    ActionKind,
    Choice,
    ChoiceKind,
    Reply,
    ReplyKind,
    ReplyMode,
)
from bot.search.index import FaqIndex, SearchResult

__all__ = [
    "ADMIN_COMMANDS",
    "COMMANDS",
    "Action",
    "ActionKind",
    "Arg",
    "ArgKind",
    "Choice",
    "ChoiceKind",
    "Command",
    "ConversationKey",
    "Engine",
    "Event",
    "EventKind",
    "FaqIndex",
    "FaqLookup",
    "Reply",
    "ReplyKind",
    "ReplyMode",
    "SearchResult",
]
