"""The platform-neutral dialogue engine: Event in, Reply out."""

from bot.engine.engine import COMMANDS, Engine, FaqLookup
from bot.engine.events import ConversationKey, Event, EventKind
from bot.engine.faq_index import FaqIndex, SearchResult
from bot.engine.reply import Action, ActionKind, Choice, ChoiceKind, Reply, ReplyKind

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
