"""The site's texts, rendered by the engine itself, so a page says exactly what the bot says.

Everything goes through the engine's public API, as a user of the bot would get it: an FAQ page is
the answer to ``/start faq_<id>`` (the answer, "Tell me more", the "Changed recently" note and
the sources with their dates), and a walkthrough page is the reply the engine gives after
replaying the clicks of the shortest path to it (`bot.site.walk`). The engine runs on a memory
store with its clock fixed at noon (UTC) on the build day, so figures are those in force that day.

A page reached by typing a date would count down to that date; a static page cannot, so such a
page is rendered twice with two different dates that take the same route, and whatever differs
(the countdown line) is left out.
"""

from __future__ import annotations

import datetime as dt
import itertools

from bot.engine import ChoiceKind, ConversationKey, Engine, Event, Reply
from bot.i18n import Catalogs, Lang
from bot.knowledge.model import Knowledge, faq_context, flow_context
from bot.markup import Message, plain_text
from bot.site.walk import DATE_NEXT, DATE_OLDER, DATE_PAST, SKIP, Page
from bot.storage import MemoryStore

PLATFORM = "site"


class SiteContentError(RuntimeError):
    """A replay did not land where the walk said it would (a bug, or a flow the walk misreads)."""


def noon(day: dt.date) -> float:
    return dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC).timestamp()


class Content:
    """Renders FAQ entries and walkthrough pages with a private engine.

    Args:
        knowledge: the loaded knowledge.
        catalogs: the translations.
        day: the build day: figures in force that day, changes of the year before it.
    """

    def __init__(self, knowledge: Knowledge, catalogs: Catalogs, day: dt.date) -> None:
        self.kb = knowledge
        self.catalogs = catalogs
        self.day = day
        self.engine = Engine(
            knowledge, MemoryStore(), catalogs, clock=lambda: noon(day), flood_control=False
        )
        self._users = itertools.count()

    def lang(self, code: str) -> Lang:
        return self.catalogs.get(code)

    def knowledge_text(self, code: str, context: str, english: str) -> Message:
        return self.engine.render_knowledge(self.kb, self.lang(code), self.day, context, english)

    def _key(self, code: str) -> ConversationKey:
        return ConversationKey(PLATFORM, PLATFORM, f"{code}-{next(self._users)}")

    # ------------------------------------------------------------------ FAQ

    async def faq_entry(self, code: str, entry_id: str) -> Message:
        """The full answer (with "more", recent changes and sources), as ``/start faq_<id>``."""
        key = self._key(code)
        reply = await self.engine.handle(
            Event.command_of(key, "start", f"faq_{entry_id}", locale=code)
        )
        if reply.faq_id != entry_id or len(reply.messages) != 1:
            raise SiteContentError(f"/start faq_{entry_id} did not answer entry {entry_id}")
        return reply.messages[0]

    # ------------------------------------------------------------------ walkthrough

    async def step(self, code: str, page: Page) -> tuple[list[Message], list[str]]:
        """A walkthrough page's messages and its option labels (for an input node: the skip
        label), as the engine shows them at the end of the page's path."""
        node = self.kb.flow.nodes[page.node]
        first = await self._replay(code, page.path, variant=0)
        if any(how in (DATE_NEXT, DATE_PAST, DATE_OLDER) for how in page.path):
            second = await self._replay(code, page.path, variant=1)
            messages = [_common(a, b) for a, b in zip(first.messages, second.messages, strict=True)]
        else:
            messages = list(first.messages)
        labels = [c.label for c in first.choices if c.kind is ChoiceKind.OPTION]
        self._check(code, node.id, node.kind, messages)
        return messages, labels

    async def _replay(self, code: str, path: tuple[int | str, ...], variant: int) -> Reply:
        key = self._key(code)
        reply = await self.engine.handle(Event.command_of(key, "aps", locale=code))
        for how in path:
            options = [c for c in reply.choices if c.kind is ChoiceKind.OPTION]
            if isinstance(how, int):
                event = Event.choice_of(key, options[how].token, locale=code)
            elif how == SKIP:
                event = Event.choice_of(key, options[-1].token, locale=code)
            else:
                event = Event.text_of(key, self._date(how, variant), locale=code)
            reply = await self.engine.handle(event)
        return reply

    def _date(self, how: int | str, variant: int) -> str:
        """A date that takes route `how` at any date input of the flow on the build day."""
        if how == DATE_NEXT:  # to come, so neither passed nor old
            day = self.day + dt.timedelta(days=400 + 30 * variant)
        elif how == DATE_PAST:
            day = self.day - dt.timedelta(days=30 + 30 * variant)
        else:  # DATE_OLDER: older than any limit of the flow (a few years)
            day = self.day.replace(year=self.day.year - 30 - variant, day=1)
        return day.isoformat()

    def _check(self, code: str, node_id: str, kind: str, messages: list[Message]) -> None:
        """The replay ended on `node_id`: its last message starts as that node does."""
        t = self.lang(code)
        node = self.kb.flow.nodes[node_id]
        last = messages[-1] if messages else ()
        if kind == "outcome":
            title = t.pgettext(flow_context(node_id, "title"), node.title)
            ok = bool(last) and title in _plain(last[:1])
        else:
            ask = self.knowledge_text(code, flow_context(node_id, "ask"), node.ask)
            ok = tuple(last[: len(ask)]) == tuple(ask)
        if not ok:
            raise SiteContentError(f"replaying the path to {node_id} ({code}) ended elsewhere")

    def faq_title(self, code: str, entry_id: str) -> str:
        entry = self.kb.faq.by_id[entry_id]
        return self.lang(code).pgettext(faq_context(entry_id, "title"), entry.title)


def _common(a: Message, b: Message) -> Message:
    """The blocks of `a` that `b` has too, in order: what does not depend on the typed date."""
    rest = list(b)
    kept = []
    for block in a:
        if block in rest:
            rest.remove(block)
            kept.append(block)
    return tuple(kept)


def _plain(message: Message) -> str:
    return plain_text(message)
