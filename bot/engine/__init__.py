"""The platform-neutral dialogue engine: Event in, Reply out."""

from bot.engine.engine import COMMANDS, Engine, FaqLookup
from bot.engine.events import ConversationKey, Event, EventKind
from bot.engine.reply import Action, ActionKind, Choice, ChoiceKind, Reply, ReplyKind
from bot.search.index import FaqIndex, SearchResult

__all__ = [
    "COMMANDS",
    "Action",
    "ActionKind",
    "Choice",
    "ChoiceKind",
    "ConversationKey",
    "Engine",
    "Event",
    "EventKind",
    "FaqIndex",
    "FaqLookup",
    "Reply",
    "ReplyKind",
    "SearchResult",
]
