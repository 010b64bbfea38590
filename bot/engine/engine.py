"""`Engine.handle(event) -> Reply`: the one dialogue engine every platform shares.

The engine knows nothing of Telegram or Discord. It reads and writes state only through the Store,
takes time from an injected clock, and writes every reply in the neutral markup of `bot.markup`,
in the user's language. Here: one lock per conversation, flood control, the inactivity timeout,
and dispatch through the features' router (`bot.engine.features`); what each command, button and
typed text does is in the feature modules.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.engine import language, reminders
from bot.engine.events import ConversationKey, Event, EventKind
from bot.engine.features import ROUTER, faq
from bot.engine.features import reminders as reminder_dialogue
from bot.engine.flood import FloodGate
from bot.engine.reminders import ReminderDelivery
from bot.engine.reply import Reply, ReplyKind
from bot.engine.texts import KnowledgeTexts
from bot.engine.tokens import TokenCodec
from bot.engine.turn import Turn
from bot.markup import parse
from bot.search.decide import Decision, decide

if TYPE_CHECKING:
    from bot.engine.commands import Command, Hint
    from bot.engine.router import Router
    from bot.i18n import Catalogs, Lang
    from bot.knowledge.model import Knowledge
    from bot.markup import Message
    from bot.storage.base import Store

COMMANDS = tuple(c.name for c in ROUTER.commands.values() if not c.admin)
ADMIN_COMMANDS = tuple(c.name for c in ROUTER.commands.values() if c.admin)


@dataclass(frozen=True)
class FaqLookup:
    """One FAQ lookup as a user would get it (what ``aps-bot ask`` prints)."""

    decision: Decision  # its result: the search behind it
    lang: str
    reply: Reply


class Engine:
    """Turns events into replies.

    Args:
        knowledge: the loaded knowledge base (swap it with `reload`).
        store: where conversation state and preferences live.
        catalogs: the translations.
        clock: seconds since the epoch; injected so tests control time.
        session_timeout: seconds without activity after which a walkthrough starts over.
        retention_days: how long inactive data is kept (shown in /privacy; `purge` applies it).
        admins: who may /reload and /stats: ``platform:user`` ids, or bare user ids (any platform).
        flood_control: limit each user's event rate (off for the console's single local user).
        router: the features (all of them by default).
    """

    def __init__(
        self,
        knowledge: Knowledge,
        store: Store,
        catalogs: Catalogs,
        *,
        clock: Callable[[], float] = time.time,
        session_timeout: float = 7 * 86400,
        retention_days: int = 30,
        admins: frozenset[str] = frozenset(),
        flood_control: bool = True,
        router: Router = ROUTER,
    ) -> None:
        self.knowledge = knowledge
        self.store = store
        self.catalogs = catalogs
        self.clock = clock
        self.session_timeout = session_timeout
        self.retention_days = retention_days
        self.admins = admins
        self.router = router
        self.commands: tuple[Command, ...] = tuple(router.commands.values())
        self.hints: tuple[Hint, ...] = tuple(router.hints)
        self.texts = KnowledgeTexts()
        self.flood = FloodGate(clock) if flood_control else None
        self._codec: TokenCodec | None = None
        self._locks: dict[ConversationKey, list] = {}

    # ------------------------------------------------------------------ knowledge

    def reload(self, knowledge: Knowledge) -> None:
        """Swap in a new, already validated knowledge base (atomic: one assignment)."""
        self.knowledge = knowledge

    def reload_from_disk(self) -> Knowledge:
        """Load the knowledge folder again and swap it in; the old one stays if it is invalid.

        Raises:
            KnowledgeError: the new knowledge is invalid (nothing was changed).
        """
        from bot.knowledge.load import load_knowledge  # the loader is only needed here

        knowledge = load_knowledge(self.knowledge.path, catalogs=self.catalogs)
        self.reload(knowledge)
        return knowledge

    def render_knowledge(
        self, kb: Knowledge, lang: Lang, day: dt.date, context: str, english: str
    ) -> Message:
        """A knowledge string translated, with the figures in force on `day`, parsed; cached per
        knowledge version and day (see `bot.engine.texts`)."""
        return self.texts.render(kb, lang, day, context, english)

    def facts_for(self, kb: Knowledge, lang: Lang, day: dt.date) -> dict[str, str]:
        """The figures in force on `day`, formatted for `lang` (see `fact_values`)."""
        return self.texts.facts(kb, lang, day)

    def is_admin(self, key: ConversationKey) -> bool:
        return key.user in self.admins or f"{key.platform}:{key.user}" in self.admins

    # ------------------------------------------------------------------ events

    async def handle(self, event: Event) -> Reply:
        """The reply to `event`. Events of one conversation are handled one at a time.

        A user flooding the bot gets one polite notice, then THROTTLED replies with no messages
        (nothing to post; only `alert`, for acknowledgements) until their bucket refills.
        """
        verdict = self.flood.check(event.key.platform, event.key.user) if self.flood else "allow"
        if verdict != FloodGate.ALLOW:
            return await self._throttled(event, notice=verdict == FloodGate.NOTICE)
        key = event.key
        entry = self._locks.get(key)  # [lock, events of this conversation in progress or waiting]
        if entry is None:
            entry = self._locks[key] = [asyncio.Lock(), 0]
        entry[1] += 1
        try:
            async with entry[0]:
                return await self._handle(event)
        finally:
            entry[1] -= 1
            if not entry[1]:  # nobody else holds or awaits it: forget it
                del self._locks[key]

    async def _handle(self, event: Event) -> Reply:
        key = event.key
        kb = self.knowledge
        t = await language.of_user(
            self.store,
            self.catalogs,
            key.platform,
            key.user,
            locale=event.locale,
            text=event.text if event.kind is EventKind.TEXT else None,
            guess=kb.faq.index.guess_lang,
        )
        turn = await self.turn(kb, t, event, key.platform, key.user)
        conv = await self.store.load(key)
        timed_out = False
        if conv and conv.node and self.clock() - conv.updated_at > self.session_timeout:
            await self.store.delete(key)
            conv, timed_out = None, True
        reply = await self.router.dispatch(turn, conv)
        if timed_out and reply.kind is not ReplyKind.WALKTHROUGH:
            notice = turn.t.gettext(
                "Your previous walkthrough was inactive for too long and has been cleared."
            )
            reply.messages.insert(0, parse(notice))
        return reply

    async def _throttled(self, event: Event, notice: bool) -> Reply:
        """The notice as a message once per burst; always as `alert`, for platforms that must
        acknowledge every interaction (a Discord command, a Telegram button)."""
        key = event.key
        t = await language.of_user(
            self.store, self.catalogs, key.platform, key.user, locale=event.locale
        )
        text = t.gettext(
            "You are sending messages very quickly. I will answer again in a few seconds."
        )
        reply = Reply(kind=ReplyKind.THROTTLED, lang=t.code, alert=text)
        if notice:
            reply.messages.append(parse(text))
        return reply

    async def turn(
        self,
        kb: Knowledge,
        t: Lang,
        event: Event | None,
        platform: str,
        user: str,
        now: float | None = None,
    ) -> Turn:
        """The context features get for one event (or, without one, to render for `user`)."""
        codec = await self.codec()
        return Turn(self, kb, t, event, codec, platform, user, self.clock() if now is None else now)

    async def codec(self) -> TokenCodec:
        """The button-token codec, keyed with the Store's secret (read once)."""
        if self._codec is None:
            self._codec = TokenCodec(await self.store.secret())
        return self._codec

    # ------------------------------------------------------------------ outside conversations

    async def faq_lookup(self, text: str, lang: str | None = None) -> FaqLookup:
        """Answer `text` from the FAQ without any conversation (``aps-bot ask``)."""
        kb = self.knowledge
        code = language.choose(
            self.catalogs,
            explicit=self.catalogs.supported(lang),
            text=text,
            guess=kb.faq.index.guess_lang,
        )
        decision = decide(kb.faq.index, text, lang=code)
        turn = await self.turn(kb, self.catalogs.get(code), None, "ask", "ask")
        return FaqLookup(decision, code, faq.faq_reply(turn, decision, private=True))

    async def purge(self) -> int:
        """Delete data untouched for `retention_days`; how many rows went."""
        return await self.store.purge(self.clock() - self.retention_days * 86400)

    async def due_reminders(
        self, now: float | None = None, *, platform: str, limit: int = 50
    ) -> list[ReminderDelivery]:
        """Claim `platform`'s due reminders and return them ready to send (see `bot.engine.reminders`).

        Each is leased to the caller for `reminders.LEASE_SECONDS`: send it, then call
        `reminder_sent`. Reminders made pointless by downtime (superseded, or about a date now
        past) are dropped here instead of being returned.
        """
        now = self.clock() if now is None else now
        claimed = await self.store.claim_reminders(platform, now, reminders.LEASE_SECONDS, limit)
        send, drop = reminders.select(claimed, reminders.day_of(now))
        for r in drop:
            await self.store.complete_reminder(r.id)
        out = []
        for r in send:
            t = await language.of_user(self.store, self.catalogs, r.platform, r.user, locale=r.lang)
            turn = await self.turn(self.knowledge, t, None, r.platform, r.user, now)
            reply = reminder_dialogue.reminder_reply(turn, r)
            key = ConversationKey(r.platform, r.scope, r.user)
            out.append(ReminderDelivery(r.id, key, reply, r.next_at))
        return out

    async def reminder_sent(self, reminder_id: str) -> None:
        """The platform accepted the reminder's message: delete it, so it is never sent again."""
        await self.store.complete_reminder(reminder_id)
