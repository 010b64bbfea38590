"""`Turn`: everything the handling of one event needs, and nothing a feature decides.

The engine builds one per event (and one per reminder or FAQ lookup, which have no event) and hands
it to the router, which hands it to a feature's handler. It holds the knowledge version in force,
the user's language, the clock's reading, the token codec and who the buttons are for; its
helpers build replies in the user's language. Features never import the engine: `EngineServices`
says what they may use of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, TypeVar

from bot.engine.dates import parse_date
from bot.engine.reply import Reply, ReplyKind
from bot.markup import Inline, Message, Paragraph, Text, parse

if TYPE_CHECKING:
    from bot.engine.commands import Command, Hint
    from bot.engine.events import Event
    from bot.engine.texts import KnowledgeTexts
    from bot.engine.tokens import Payload, TokenCodec
    from bot.i18n import Catalogs, Lang
    from bot.knowledge.model import Knowledge
    from bot.storage.base import Store
    from bot.storage.records import ConversationKey

T = TypeVar("T")


class EngineServices(Protocol):
    """What features may use of the engine (the `Engine` provides it)."""

    store: Store
    catalogs: Catalogs
    texts: KnowledgeTexts
    retention_days: int
    commands: tuple[Command, ...]
    hints: tuple[Hint, ...]

    def is_admin(self, key: ConversationKey) -> bool: ...

    def reload_from_disk(self) -> Knowledge: ...


class Turn:
    """One event's handling context; lives for one event.

    Attributes:
        engine: the engine's services (store, catalogs, caches, command table).
        kb: the knowledge in force when the event arrived (a reload mid-turn does not change it).
        t: the user's language; a feature may switch it (``/lang``).
        event: what the user did (None for a reminder or an ``aps-bot ask`` lookup).
        codec: signs and checks button tokens.
        owner: who this turn's buttons belong to (a keyed hash of platform and user).
        private: a one-to-one chat (always, without an event).
        now: the clock's reading for this whole turn.
    """

    __slots__ = (
        "_today",
        "codec",
        "engine",
        "event",
        "kb",
        "now",
        "owner",
        "platform",
        "private",
        "t",
    )

    def __init__(
        self,
        engine: EngineServices,
        kb: Knowledge,
        t: Lang,
        event: Event | None,
        codec: TokenCodec,
        platform: str,
        user: str,
        now: float,
    ) -> None:
        self.engine = engine
        self.kb = kb
        self.t = t
        self.event = event
        self.codec = codec
        self.platform = platform
        self.owner = codec.owner(platform, user)
        self.private = event.private if event else True
        self.now = now
        self._today: dt.date | None = None

    @property
    def store(self) -> Store:
        return self.engine.store

    @property
    def key(self) -> ConversationKey:
        """The conversation of this turn's event (a turn without an event has none)."""
        assert self.event is not None, "this turn has no event"
        return self.event.key

    def today(self) -> dt.date:
        """The day of `now` (UTC), computed once per turn."""
        if self._today is None:
            self._today = dt.datetime.fromtimestamp(self.now, dt.UTC).date()
        return self._today

    def parse_date(self, text: str) -> dt.date | None:
        """A date the user typed, with the month names of every language we have a catalog for
        (a date without its year, "3月15日", is the nearest one to today)."""
        return parse_date(text, self.engine.catalogs.codes, self.today())

    # ------------------------------------------------------------------ replies

    def reply(self, kind: ReplyKind, *messages: Message, **kw) -> Reply:
        return Reply(messages=list(messages), kind=kind, lang=self.t.code, **kw)

    def msg(self, template: str, **values: str | Inline) -> Message:
        """A code string (already translated) parsed with `values` as inert text; one without
        values is parsed once and then cached (messages are immutable)."""
        if values:
            return parse(template, values)
        return self.engine.texts.cached(("msg", template), lambda: parse(template, {}))

    def knowledge_text(self, context: str, english: str) -> Message:
        """A knowledge string in the user's language, facts filled in (parsed once, then cached)."""
        return self.engine.texts.render(self.kb, self.t, self.today(), context, english)

    def cached(self, key: tuple, build: Callable[[], T]) -> T:
        """A view that depends only on `key` (include the knowledge version and the language)."""
        return self.engine.texts.cached(key, build)

    def token(self, payload: Payload) -> str:
        """`payload` as a signed button token for this turn's user (see `bot.engine.tokens`)."""
        return self.codec.pack(payload, self.owner)

    def expired(self) -> Reply:
        """A stale, forged or unusable button: nothing changed."""
        r = self.reply(
            ReplyKind.EXPIRED,
            self.msg(
                self.t.gettext(
                    "This menu has expired. Send /aps to start the walkthrough again, or ask your question."
                )
            ),
        )
        r.alert = self.t.gettext("This menu has expired.")
        return r

    def personal(self) -> Reply:
        """The answer to a personal command (/remind, /reminders, /checklist) in a group."""
        return self.reply(
            ReplyKind.INFO,
            self.msg(
                self.t.gettext(
                    "Reminders and checklists are personal: send the command in a private chat "
                    "with me."
                )
            ),
        )


def inlines(message: Message) -> tuple[Inline, ...]:
    """A message's paragraphs as one line of inline nodes (for a bullet or a button)."""
    out: list[Inline] = []
    for block in message:
        if isinstance(block, Paragraph):
            if out:
                out.append(Text(" "))
            out.extend(block.children)
    return tuple(out)
