"""`Engine.handle(event) -> Reply`: the one dialogue engine every platform shares.

The engine knows nothing of Telegram or Discord. It reads and writes state only through the Store,
takes time from an injected clock, and writes every reply in the neutral markup of
`bot.markup`, in the user's language.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.engine import checklist, countdown, feedback, insight, language, reminders
from bot.engine.dates import parse_date
from bot.engine.events import ConversationKey, Event, EventKind
from bot.engine.flood import FloodGate
from bot.engine.reminders import ReminderDelivery
from bot.engine.reply import Action, ActionKind, Choice, ChoiceKind, Reply, ReplyKind
from bot.engine.tokens import TokenCodec
from bot.i18n import Catalogs, Lang
from bot.knowledge.facts import fact_values, format_since, recent_changes
from bot.knowledge.model import (
    TOPICS_CONTEXT,
    FaqEntry,
    Item,
    Knowledge,
    Node,
    fact_context,
    faq_context,
    flow_context,
    source_context,
)
from bot.knowledge.yamlfile import KnowledgeError
from bot.markup import (
    Bold,
    BulletList,
    Inline,
    Link,
    MarkupError,
    Message,
    Paragraph,
    Text,
    parse,
    placeholders,
)
from bot.search.index import SearchResult
from bot.search.normalise import normalised
from bot.storage.records import Conversation

if TYPE_CHECKING:  # the storage package imports engine types: no import cycle at run time
    from bot.storage.base import Store

COMMANDS = (
    "start",
    "aps",
    "faq",
    "lang",
    "help",
    "privacy",
    "mydata",
    "forget",
    "cancel",
    "back",
    "restart",
    "remind",
    "reminders",
    "checklist",
)
ADMIN_COMMANDS = ("reload", "stats")
MAX_PROBLEMS_SHOWN = 5
MAX_RELATED = 3


@dataclass(frozen=True)
class FaqLookup:
    """One FAQ lookup as a user would get it (what ``aps-bot ask`` prints)."""

    result: SearchResult
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
    ) -> None:
        self.knowledge = knowledge
        self.store = store
        self.catalogs = catalogs
        self.clock = clock
        self.session_timeout = session_timeout
        self.retention_days = retention_days
        self.admins = admins
        self._codec: TokenCodec | None = None
        self._locks: weakref.WeakValueDictionary[ConversationKey, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )
        self._fact_cache: dict[tuple[str, str, dt.date], dict[str, str]] = {}
        self._render_cache: dict[tuple, Message] = {}
        self.flood = FloodGate(clock) if flood_control else None

    # ------------------------------------------------------------------ public API

    def reload(self, knowledge: Knowledge) -> None:
        """Swap in a new, already validated knowledge base (atomic: one assignment)."""
        self.knowledge = knowledge

    def reload_from_disk(self) -> Knowledge:
        """Load the knowledge folder again and swap it in; the old one stays if it is invalid.

        Raises:
            KnowledgeError: the new knowledge is invalid (nothing was changed).
        """
        # imported here: the loader builds the FAQ index, which lives in this package

        # imported here: the loader builds the FAQ index, which lives in this package
        from bot.knowledge.load import load_knowledge

        knowledge = load_knowledge(self.knowledge.path)
        self.reload(knowledge)
        return knowledge

    def is_admin(self, key: ConversationKey) -> bool:
        return key.user in self.admins or f"{key.platform}:{key.user}" in self.admins

    async def handle(self, event: Event) -> Reply:
        """The reply to `event`. Events of one conversation are handled one at a time.

        A user flooding the bot gets one polite notice, then THROTTLED replies with no messages
        (nothing to post; only `alert`, for acknowledgements) until their bucket refills.
        """
        verdict = self.flood.check(event.key.platform, event.key.user) if self.flood else "allow"
        if verdict != FloodGate.ALLOW:
            return await self._throttled(event, notice=verdict == FloodGate.NOTICE)
        lock = self._locks.get(event.key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[event.key] = lock
        async with lock:
            return await self._handle(event)

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

    async def faq_lookup(self, text: str, lang: str | None = None) -> FaqLookup:
        """Answer `text` from the FAQ without any conversation (``aps-bot ask``)."""
        kb = self.knowledge
        lang = language.choose(
            self.catalogs,
            explicit=self.catalogs.supported(lang),
            text=text,
            guess=kb.faq.index.guess_lang,
        )
        result = kb.faq.index.search(text)
        ctx = _Ctx(self, kb, self.catalogs.get(lang), None, await self._get_codec(), "ask", "ask")
        return FaqLookup(result, lang, ctx.faq_reply(result, private=True))

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
        codec = await self._get_codec()
        out = []
        for r in send:
            t = await language.of_user(self.store, self.catalogs, r.platform, r.user, locale=r.lang)
            ctx = _Ctx(self, self.knowledge, t, None, codec, r.platform, r.user)
            ctx.now = now
            key = ConversationKey(r.platform, r.scope, r.user)
            out.append(ReminderDelivery(r.id, key, reminders.reminder_reply(ctx, r), r.next_at))
        return out

    async def reminder_sent(self, reminder_id: str) -> None:
        """The platform accepted the reminder's message: delete it, so it is never sent again."""
        await self.store.complete_reminder(reminder_id)

    # ------------------------------------------------------------------ dispatch

    async def _get_codec(self) -> TokenCodec:
        if self._codec is None:
            self._codec = TokenCodec(await self.store.secret())
        return self._codec

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
        ctx = _Ctx(
            self,
            kb,
            t,
            event,
            await self._get_codec(),
            key.platform,
            key.user,
        )
        conv = await self.store.load(key)
        timed_out = False
        if conv and conv.node and self.clock() - conv.updated_at > self.session_timeout:
            await self.store.delete(key)
            conv, timed_out = None, True

        if event.kind is EventKind.CHOICE:
            reply = await ctx.on_choice(conv)
        elif event.kind is EventKind.COMMAND:
            reply = await ctx.on_command(conv)
        else:
            reply = await ctx.on_text(conv)
        if timed_out and reply.kind is not ReplyKind.WALKTHROUGH:
            reply.messages.insert(
                0,
                ctx.msg(
                    ctx.t.gettext(
                        "Your previous walkthrough was inactive for too long and has been cleared."
                    )
                ),
            )
        return reply

    def render_knowledge(
        self, kb: Knowledge, lang: Lang, day: dt.date, context: str, english: str
    ) -> Message:
        """A knowledge string translated, with the figures in force on `day`, parsed; cached per
        knowledge version and day.

        Knowledge strings hold no user text, so the parsed message is the same for everyone and
        immutable: rendering an outcome costs dictionary look-ups, not parsing.
        """
        cache_key = (kb.version, lang.code, day, context, english)
        message = self._render_cache.get(cache_key)
        if message is None:
            values = self.facts_for(kb, lang, day)
            try:
                message = parse(lang.pgettext(context, english), values)
            except MarkupError:
                # a broken translation must not break the answer: fall back to the checked English
                message = parse(english, values)
            if len(self._render_cache) > 20_000:  # old knowledge versions linger otherwise
                self._render_cache.clear()
            self._render_cache[cache_key] = message
        return message

    def facts_for(self, kb: Knowledge, lang: Lang, day: dt.date) -> dict[str, str]:
        """The figures in force on `day`, formatted for `lang` (see `fact_values`)."""
        cache_key = (kb.version, lang.code, day)
        values = self._fact_cache.get(cache_key)
        if values is None:
            values = fact_values(kb.facts, lang, day)
            self._fact_cache = {
                k: v for k, v in self._fact_cache.items() if k[0] == kb.version and k[2] == day
            }
            self._fact_cache[cache_key] = values
        return values


class _Ctx:
    """Everything one event's handling needs; lives for one event."""

    def __init__(
        self,
        engine: Engine,
        kb: Knowledge,
        t: Lang,
        event: Event | None,
        codec: TokenCodec,
        platform: str,
        user: str,
    ) -> None:
        self.engine = engine
        self.kb = kb
        self.t = t
        self.event = event
        self.codec = codec
        self.owner = codec.owner(platform, user)
        self.private = event.private if event else True
        self.now = engine.clock()
        self._wbase: tuple[tuple[int, int, str], str] | None = None  # this step's signed prefix

    # ---------------------------------------------------------------- helpers

    def reply(self, kind: ReplyKind, *messages: Message, **kw) -> Reply:
        return Reply(messages=list(messages), kind=kind, lang=self.t.code, **kw)

    def msg(self, template: str, **values: str | Inline) -> Message:
        """A code string (already translated) parsed with `values` as inert text."""
        return parse(template, values)

    def knowledge_text(self, context: str, english: str) -> Message:
        """A knowledge string in the user's language, facts filled in (parsed once, then cached)."""
        return self.engine.render_knowledge(self.kb, self.t, self.today(), context, english)

    def inlines(self, message: Message) -> tuple[Inline, ...]:
        out: list[Inline] = []
        for block in message:
            if isinstance(block, Paragraph):
                if out:
                    out.append(Text(" "))
                out.extend(block.children)
        return tuple(out)

    def sources_block(self, ids: tuple[str, ...]) -> Paragraph:
        """ "Sources: A (published date; checked date) · B …", built once per knowledge version
        and language."""
        cache_key = (self.kb.version, self.t.code, "sources", ".".join(ids))
        block = self.engine._render_cache.get(cache_key)
        if block is None:
            block = self.engine._render_cache[cache_key] = (self._sources_block(ids),)
        return block[0]

    def _sources_block(self, ids: tuple[str, ...]) -> Paragraph:
        t = self.t
        parts: list[Inline] = [Text(t.gettext("Sources:") + " ")]
        for i, sid in enumerate(ids):
            src = self.kb.sources[sid]
            if i:
                parts.append(Text(" · "))
            link = Link((Text(t.pgettext(source_context(sid), src.short)),), src.url)
            published = format_since(src.published, t) if src.published else ""
            checked = t.date(src.checked) if src.checked else ""
            if published and checked:
                template = t.gettext("{source} (published {published}; checked {checked})")
            elif published:
                template = t.gettext("{source} (published {published})")
            elif checked:
                template = t.gettext("{source} (checked {checked})")
            else:
                template = "{source}"
            parts.extend(
                self.inlines(self.msg(template, source=link, published=published, checked=checked))
            )
        return Paragraph(tuple(parts))

    def changes_block(self, texts: tuple[str, ...]) -> Message:
        """A note for each figure in `texts` that changed in the last year ("€150 since May
        2026; €75 before"), so a student who paid the old amount is not told they were wrong."""
        used: set[str] = set()
        for text in texts:
            used |= {p.split(".")[0] for p in placeholders(text)}
        day = self.today()
        changed = recent_changes(self.kb.facts, used, day)
        if not changed:
            return ()
        t = self.t
        values = self.engine.facts_for(self.kb, t, day)
        lines = []
        for fid in changed:
            fact = self.kb.facts[fid]
            since = fact.at(day).start
            template = (
                t.gettext("{label}: {value} since {month}; {before} before.")
                if since is not None and since.month_only
                else t.gettext("{label}: {value} since {date}; {before} before.")
            )
            lines.append(
                self.inlines(
                    self.msg(
                        template,
                        label=t.pgettext(fact_context(fid), fact.label),
                        value=values[fid],
                        month=values[f"{fid}.since"],
                        date=values[f"{fid}.since"],
                        before=values[f"{fid}.before"],
                    )
                )
            )
        heading = Paragraph((Bold((Text(t.gettext("🆕 Changed recently")),)),))
        return (heading, BulletList(tuple(lines)))

    def wtoken(self, conv: Conversation, node: Node, option: str) -> str:
        """The token of one button of this step: the step's signed prefix, then the option."""
        key = (conv.step, node.index, conv.nonce)
        if self._wbase is None or self._wbase[0] != key:
            base = self.codec.encode(
                "w", (self.kb.flow.version, str(conv.step), str(node.index), conv.nonce), self.owner
            )
            self._wbase = (key, base)
        return f"{self._wbase[1]}.{option}"

    def ftoken(self, action: str, index: int) -> str:
        return self.codec.encode("f", (self.kb.version, action, str(index)), self.owner)

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

    def expired(self) -> Reply:
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

    # ---------------------------------------------------------------- commands

    async def on_command(self, conv: Conversation | None) -> Reply:
        assert self.event is not None
        cmd, args = self.event.command, self.event.text.strip()
        if cmd == "start":
            if args == "aps":
                return await self.start_walkthrough(conv)
            if args.startswith("faq_"):
                entry = self.kb.faq.by_id.get(args[4:])
                if entry:
                    return self.faq_entry_reply(entry, detail=True)
            return self.help(welcome=True)
        if cmd == "help":
            return self.help(welcome=False)
        if cmd == "aps":
            return await self.start_walkthrough(conv)
        if cmd == "faq":
            if not args:
                return self.topics_reply(
                    self.t.gettext("Pick a topic, or type your question after /faq.")
                )
            return await self.on_question(args)
        if cmd == "lang":
            return await self.set_lang(args)
        if cmd == "privacy":
            return self.privacy()
        if cmd == "mydata":
            return await self.mydata()
        if cmd == "forget":
            return await self.forget()
        if cmd == "remind":
            return await reminders.on_remind(self, conv, args)
        if cmd == "reminders":
            return await reminders.on_reminders(self)
        if cmd == "checklist":
            return await checklist.on_command(self, conv)
        if cmd in ADMIN_COMMANDS and self.engine.is_admin(self.event.key):
            return await (self.reload() if cmd == "reload" else self.stats())
        if cmd in ("cancel", "back", "restart"):
            if not conv or not conv.node:
                return self.reply(
                    ReplyKind.INFO,
                    self.msg(
                        self.t.gettext(
                            "There is no walkthrough in progress. Send /aps to start one."
                        )
                    ),
                )
            return await self.navigate(conv, {"cancel": "c", "back": "b", "restart": "r"}[cmd])
        return self.reply(
            ReplyKind.ERROR,
            self.msg(
                self.t.gettext(
                    "I don't know the command /{command}. Send /help to see what I can do."
                ),
                command=cmd[:32],
            ),
        )

    async def reload(self) -> Reply:
        t = self.t
        try:
            kb = self.engine.reload_from_disk()
        except KnowledgeError as exc:
            shown = exc.problems[:MAX_PROBLEMS_SHOWN]
            return self.reply(
                ReplyKind.ERROR,
                self.msg(
                    t.ngettext(
                        "The new knowledge has {count} problem; I kept the current version:",
                        "The new knowledge has {count} problems; I kept the current version:",
                        len(exc.problems),
                    ),
                    count=str(len(exc.problems)),
                ),
                (BulletList(tuple((Text(str(p)),) for p in shown)),),
            )
        return self.reply(
            ReplyKind.INFO,
            self.msg(
                t.gettext(
                    "Knowledge reloaded: version {version}, {entries} FAQ entries, {nodes} walkthrough steps."
                ),
                version=kb.version,
                entries=str(len(kb.faq.entries)),
                nodes=str(len(kb.flow.nodes)),
            ),
        )

    async def stats(self) -> Reply:
        t = self.t
        report = await insight.gather(self.engine.store)
        counts, misses = report.stored, report.top_missed
        blocks: list = list(
            self.msg(
                t.gettext(
                    "**Statistics**\n- Conversations stored: {conversations}\n- Users with a language set: {users}\n- Unanswered questions: {misses} ({distinct} different)"
                ),
                conversations=str(counts["conversations"]),
                users=str(counts["users"]),
                misses=str(counts["misses_total"]),
                distinct=str(counts["misses_distinct"]),
            )
        )
        if misses:
            blocks.append(
                Paragraph((Bold((Text(t.gettext("Most frequent unanswered questions")),)),))
            )
            blocks.append(BulletList(tuple((Text(f"{text} ({n})"),) for text, n in misses)))
        q = report.questions
        blocks.extend(
            self.msg(
                t.gettext(
                    "**Questions:** {asked} asked, {answered} answered, {unsure} unsure, "
                    "{missed} missed"
                ),
                asked=str(q["asked"]),
                answered=str(q["answered"]),
                unsure=str(q["unsure"]),
                missed=str(q["missed"]),
            )
        )
        sections = (
            (t.gettext("Walkthrough outcomes"), [f"{k}: {n}" for k, n in report.outcomes]),
            (t.gettext("Languages"), [f"{k}: {n}" for k, n in report.languages]),
            (
                t.gettext("Helpful votes"),
                [f"{k}: 👍 {up} 👎 {down}" for k, up, down in report.votes],
            ),
        )
        for heading, lines in sections:
            if lines:
                blocks.append(Paragraph((Bold((Text(heading),)),)))
                blocks.append(BulletList(tuple((Text(line),) for line in lines)))
        return self.reply(ReplyKind.INFO, tuple(blocks))

    def help(self, welcome: bool) -> Reply:
        t = self.t
        messages = []
        if welcome:
            messages.append(
                self.msg(
                    t.gettext(
                        "Hello! I help international students in France who finish their studies: the "
                        "**job-search / business-creation residence card (RECE)**, still often called "
                        '"APS", and the bilateral APS (India, Tunisia, Gabon…).\n\n'
                        "I give general information with sources, not legal advice: for a decision about "
                        "your own case, check with your préfecture, your university's welcome desk or a "
                        "lawyer."
                    )
                )
            )
        if self.event is not None and self.event.key.platform == "discord":
            # slash commands only: no free text, and the walkthrough has its own Cancel button
            text = t.gettext(
                "What I can do:\n"
                "- /aps: a short walkthrough of your situation, with your deadline and checklist\n"
                '- /faq: ask a question ("how much does it cost?"), with suggestions as you type\n'
                "- /lang: choose English or French\n"
                "- /checklist: your document checklist, to tick off\n"
                "- /remind: reminders before your deadline; /reminders lists them\n"
                "- /privacy: what I store about you; /mydata shows it; /forget deletes it\n"
                "- Right-click a message, Apps, Ask aps-bot: answer someone's question publicly"
            )
        else:
            text = t.gettext(
                "What I can do:\n"
                "- /aps: a short walkthrough of your situation, with your deadline and checklist\n"
                '- /faq: ask a question, or just type it ("how much does it cost?")\n'
                "- /lang: choose English or French\n"
                "- /checklist: your document checklist, to tick off\n"
                "- /remind DATE: reminders before your deadline; /reminders lists them\n"
                "- /privacy: what I store about you; /mydata shows it; /forget deletes it\n"
                "- /cancel: stop the walkthrough"
            )
        messages.append(self.msg(text))
        r = self.reply(ReplyKind.INFO, *messages)
        r.choices = [
            Choice(self.ftoken("w", 0), t.gettext("Start the walkthrough")),
            Choice(self.ftoken("T", 0), t.gettext("Browse the topics")),
        ]
        return r

    async def set_lang(self, args: str) -> Reply:
        assert self.event is not None
        code = self.engine.catalogs.supported(args) if args else None
        if not code:
            r = self.reply(ReplyKind.INFO, self.msg(self.t.gettext("Choose your language:")))
            r.choices = [
                Choice(self.codec.encode("l", (c,), self.owner), _language_name(c))
                for c in self.engine.catalogs.languages
            ]
            return r
        return await self.apply_lang(code)

    async def apply_lang(self, code: str) -> Reply:
        assert self.event is not None
        key = self.event.key
        await self.engine.store.set_lang(key.platform, key.user, code, self.now)
        self.t = self.engine.catalogs.get(code)
        return self.reply(
            ReplyKind.INFO, self.msg(self.t.gettext("From now on I will answer in English."))
        )

    def privacy(self) -> Reply:
        return self.reply(
            ReplyKind.INFO,
            self.msg(
                self.t.gettext(
                    "**What I store, and why**\n"
                    "- Your place in the walkthrough and the answers it needs (for example your "
                    "nationality group, your diploma type and the expiry date of your titre), so you "
                    "can pick up where you left off. Deleted when you cancel, after {days} days "
                    "without activity, or with /forget.\n"
                    "- The language you chose with /lang.\n"
                    "- The reminders you ask for (/remind): the date they are about, when to send them, "
                    "the chat to send them to and their language. Deleted once sent, when you cancel "
                    "them (/reminders), {days} days after they were due, or with /forget.\n"
                    "- Your document checklist: the numbers of the items that apply to you and of "
                    "those you ticked. Deleted after {days} days without change, or with /forget.\n"
                    "- Questions I could not answer, stored as normalised words with a count, without "
                    "any name or user id, so the knowledge base can be improved.\n"
                    "- Counts of questions, walkthrough results, languages and 👍/👎 votes, without "
                    "any name or user id, so moderators can see what works.\n\n"
                    "I do not store your name, your messages or your phone number, and I do not log "
                    "what you write. /mydata shows what I have about you; /forget deletes it all."
                ),
                days=str(self.engine.retention_days),
            ),
        )

    async def mydata(self) -> Reply:
        assert self.event is not None
        key = self.event.key
        data = await self.engine.store.user_data(key.platform, key.user)
        t = self.t
        if not any(data.get(k) for k in ("language", "conversations", "reminders", "checklists")):
            return self.reply(
                ReplyKind.INFO, self.msg(t.gettext("I have nothing stored about you."))
            )
        items: list[tuple[Inline, ...]] = []
        if data["language"]:
            items.append(
                (
                    Text(
                        t.gettext("Language: {language}").format(
                            language=_language_name(data["language"])
                        )
                    ),
                )
            )
        for c in data["conversations"]:
            state: Conversation = c["state"]
            node = self.kb.flow.nodes.get(state.node or "")
            where = (
                self.t.pgettext(
                    flow_context(node.id, "title" if node.kind == "outcome" else "ask"),
                    node.title or node.ask,
                )
                if node
                else t.gettext("no walkthrough")
            )
            answers = ", ".join(f"{k}={v}" for k, v in sorted(state.answers.items())) or "-"
            last = self.t.date(dt.datetime.fromtimestamp(state.updated_at, dt.UTC).date())
            items.append(
                (
                    Text(
                        t.gettext(
                            "Walkthrough: at “{step}”; answers: {answers}; last active {date}"
                        ).format(step=where.splitlines()[0][:80], answers=answers, date=last)
                    ),
                )
            )
        for reminder in data.get("reminders", []):
            items.append(
                (
                    Text(
                        t.gettext("Reminder on {date}: {what}").format(
                            date=t.date(reminders.day_of(reminder.due)),
                            what=reminders.describe(self, reminder),
                        )
                    ),
                )
            )
        for kept in data.get("checklists", []):
            node = self.kb.flow.nodes.get(kept.outcome)
            title = t.pgettext(flow_context(node.id, "title"), node.title) if node else kept.outcome
            items.append(
                (
                    Text(
                        t.gettext("Checklist “{title}”: {done}/{total} ticked").format(
                            title=title, done=len(kept.ticked), total=len(kept.items)
                        )
                    ),
                )
            )
        return self.reply(
            ReplyKind.INFO,
            (
                Paragraph((Bold((Text(t.gettext("What I have stored about you:")),)),)),
                BulletList(tuple(items)),
            ),
            self.msg(t.gettext("Send /forget to delete all of it.")),
        )

    async def forget(self) -> Reply:
        assert self.event is not None
        key = self.event.key
        n = await self.engine.store.forget(key.platform, key.user)
        self.t = self.engine.catalogs.get(
            language.choose(self.engine.catalogs, locale=self.event.locale)
        )
        return self.reply(
            ReplyKind.INFO,
            self.msg(
                self.t.ngettext(
                    "Done: I deleted {count} record about you. I no longer know anything about you.",
                    "Done: I deleted {count} records about you. I no longer know anything about you.",
                    n,
                ),
                count=str(n),
            ),
            actions=[Action(ActionKind.END)],
        )

    # ---------------------------------------------------------------- free text

    async def on_text(self, conv: Conversation | None) -> Reply:
        assert self.event is not None
        if conv and conv.node and self.private:
            if conv.flow_version != self.kb.flow.version:
                old_node = conv.node
                if parse_date(self.event.text) is not None or old_node not in self.kb.flow.nodes:
                    return await self.start_walkthrough(
                        conv
                    )  # an answer to a question that changed
            node = self.kb.flow.nodes.get(conv.node)
            if node and node.kind == "input" and conv.flow_version == self.kb.flow.version:
                return await self.on_input(conv, node, self.event.text)
        return await self.on_question(self.event.text)

    async def on_question(self, text: str) -> Reply:
        result = self.kb.faq.index.search(text)
        store = self.engine.store
        if not result.matches and result.query:
            await store.record_miss(normalised(text), self.now)
        outcome = (
            insight.ANSWERED
            if result.confident
            else insight.UNSURE
            if result.matches
            else insight.MISSED
        )
        await store.bump(insight.ASKED, outcome, insight.LANG + self.t.code)
        return self.faq_reply(result, private=self.private)

    def faq_reply(self, result: SearchResult, private: bool) -> Reply:
        t = self.t
        faq = self.kb.faq
        if result.confident:
            return self.faq_entry_reply(
                faq.by_id[result.matches[0].entry_id], detail=False, private=private
            )
        if result.matches:
            r = self.reply(
                ReplyKind.FAQ, self.msg(t.gettext("I'm not sure I understood. Did you mean:"))
            )
            r.choices = [
                Choice(
                    self.ftoken("a", faq.by_id[m.entry_id].index), self.title(faq.by_id[m.entry_id])
                )
                for m in result.matches[:3]
            ]
            return r
        return self.topics_reply(
            t.gettext(
                "Sorry, I don't have an answer to that yet. I noted the question so the knowledge base "
                "can be improved. Here are the topics I know:"
            )
        )

    def title(self, entry: FaqEntry) -> str:
        return self.t.pgettext(faq_context(entry.id, "title"), entry.title)

    def faq_entry_reply(
        self, entry: FaqEntry, detail: bool, private: bool = True, votes: bool = True
    ) -> Reply:
        """An FAQ answer; `votes` adds 👍/👎 (not in inline mode: its buttons come back with
        no message to answer)."""
        t = self.t
        header = Paragraph((Bold((Text(self.title(entry)),)),))
        body = self.knowledge_text(faq_context(entry.id, "answer"), entry.answer)
        blocks: list = [header, *body]
        if detail and entry.more:
            blocks += list(self.knowledge_text(faq_context(entry.id, "more"), entry.more))
        blocks += self.changes_block((entry.answer, entry.more) if detail else (entry.answer,))
        blocks.append(self.sources_block(entry.sources))
        r = self.reply(ReplyKind.FAQ, tuple(blocks), faq_id=entry.id)
        vote_buttons = feedback.vote_choices(self, entry, private) if votes else []
        if not private:
            r.choices.extend(vote_buttons)
            r.actions.append(
                Action(ActionKind.CONTINUE_PRIVATE, f"faq_{entry.id}", t.gettext("More in private"))
            )
            return r
        if entry.more and not detail:
            r.choices.append(Choice(self.ftoken("m", entry.index), t.gettext("Tell me more")))
        for rid in entry.related[:MAX_RELATED]:
            rel = self.kb.faq.by_id[rid]
            r.choices.append(Choice(self.ftoken("a", rel.index), self.title(rel)))
        r.choices.extend(vote_buttons)
        return r

    def topics_reply(self, intro: str) -> Reply:
        r = self.reply(ReplyKind.FAQ, self.msg(intro))
        r.choices = [
            Choice(self.ftoken("t", i), self.t.pgettext(TOPICS_CONTEXT, label))
            for i, label in enumerate(self.kb.faq.topics.values())
        ]
        return r

    def topic_reply(self, index: int) -> Reply:
        topics = list(self.kb.faq.topics.items())
        if not 0 <= index < len(topics):
            return self.expired()
        tid, label = topics[index]
        r = self.reply(
            ReplyKind.FAQ, (Paragraph((Bold((Text(self.t.pgettext(TOPICS_CONTEXT, label)),)),)),)
        )
        r.choices = [
            Choice(self.ftoken("a", e.index), self.title(e))
            for e in self.kb.faq.entries
            if e.topic == tid
        ]
        return r

    # ---------------------------------------------------------------- choices

    async def on_choice(self, conv: Conversation | None) -> Reply:
        assert self.event is not None
        token = self.codec.decode(self.event.token)
        if token is None:
            return self.expired()
        anyones_vote = token.kind == "v" and token.owner == feedback.ANYONE
        if token.owner != self.owner and not anyones_vote:
            r = self.reply(ReplyKind.NOT_YOURS)
            r.alert = self.t.gettext(
                "These buttons belong to someone else. Send /aps or /faq for your own."
            )
            return r
        f = token.fields
        if token.kind == "l" and len(f) == 1 and self.engine.catalogs.supported(f[0]):
            return await self.apply_lang(f[0])
        if token.kind == "v" and len(f) == 4:
            return await feedback.on_vote(self, f)
        if token.kind == "r":
            return await reminders.on_choice(self, f)
        if token.kind == "c":
            return await checklist.on_choice(self, f)
        if token.kind == "f" and len(f) == 3 and f[0] == self.kb.version and f[2].isdigit():
            action, index = f[1], int(f[2])
            entries = self.kb.faq.entries
            if action == "w":
                return await self.start_walkthrough(conv)
            if action == "T":
                return self.topics_reply(self.t.gettext("Pick a topic:"))
            if action == "t":
                return self.topic_reply(index)
            if action in ("a", "m") and index < len(entries):
                return self.faq_entry_reply(
                    entries[index], detail=action == "m", private=self.private
                )
        if token.kind == "w" and len(f) == 4:
            version, step, node_index, nonce = f
            option = token.tail
            if (
                conv is not None
                and conv.node is not None
                and version == conv.flow_version != self.kb.flow.version
                and nonce == conv.nonce
            ):
                # the knowledge was reloaded with a new walkthrough while this one was running
                return await self.start_walkthrough(conv)
            if (
                conv is None
                or conv.node is None
                or version != self.kb.flow.version
                or conv.flow_version != version
                or nonce != conv.nonce
                or step != str(conv.step)
            ):
                return self.expired()
            node = self.kb.flow.by_index(int(node_index)) if node_index.isdigit() else None
            if node is None or node.id != conv.node:
                return self.expired()
            if option in ("b", "r", "c"):
                return await self.navigate(conv, option)
            if option == "s" and node.kind == "input" and node.skip:
                return await self.advance(conv, node.skip, {})
            if option.isdigit() and node.kind == "question" and int(option) < len(node.options):
                chosen = node.options[int(option)]
                return await self.advance(conv, chosen.next, dict(chosen.set))
        return self.expired()

    # ---------------------------------------------------------------- walkthrough

    async def start_walkthrough(self, conv: Conversation | None) -> Reply:
        assert self.event is not None
        t = self.t
        if not self.private:
            return self.reply(
                ReplyKind.INFO,
                self.msg(
                    t.gettext(
                        "The walkthrough asks about your personal situation, so let's continue in a "
                        "private chat."
                    )
                ),
                actions=[
                    Action(ActionKind.CONTINUE_PRIVATE, "aps", t.gettext("Continue in private"))
                ],
            )
        flow = self.kb.flow
        if conv and conv.node and conv.flow_version == flow.version and conv.node in flow.nodes:
            r = self.show(conv)
            r.messages.insert(0, self.msg(t.gettext("Let's continue where you left off.")))
            return r
        changed = bool(conv and conv.node and conv.flow_version != flow.version)
        conv = Conversation(
            node=self.route(flow.start, {}),
            flow_version=flow.version,
            nonce=secrets.token_urlsafe(6)[:6].replace(".", "_"),
            step=0,
            updated_at=self.now,
        )
        await self.engine.store.save(self.event.key, conv)
        r = self.show(conv)
        if changed:
            r.messages.insert(
                0,
                self.msg(
                    t.gettext(
                        "The walkthrough was updated since you started it, so let's start again from the "
                        "first question. Sorry for the detour!"
                    )
                ),
            )
            return r
        r.messages.insert(
            0,
            self.msg(
                t.gettext(
                    "Let's look at your situation: a few questions, one tap each. This is general "
                    "information with sources, not legal advice. You can go back, restart or cancel at any "
                    "step."
                )
            ),
        )
        return r

    async def navigate(self, conv: Conversation, option: str) -> Reply:
        assert self.event is not None
        if option == "c":
            await self.engine.store.delete(self.event.key)
            return self.reply(
                ReplyKind.WALKTHROUGH,
                self.msg(
                    self.t.gettext(
                        "Walkthrough cancelled. Send /aps to start again, or ask a question."
                    )
                ),
                actions=[Action(ActionKind.END)],
            )
        if option == "r":
            conv.history, conv.answers = [], {}
            conv.node = self.route(self.kb.flow.start, {})
        elif option == "b":
            if not conv.history:
                conv.node = self.route(self.kb.flow.start, {})
            else:
                conv.node = conv.history.pop()
                self.forget_answers_from(conv)
        return await self.commit(conv)

    def forget_answers_from(self, conv: Conversation) -> None:
        """Going back over a question un-answers it and everything set after it."""
        keep = set()
        for nid in conv.history:
            node = self.kb.flow.nodes[nid]
            keep |= {k for o in node.options for k in o.set}
            if node.store:
                keep.add(node.store)
        conv.answers = {k: v for k, v in conv.answers.items() if k in keep}

    async def advance(self, conv: Conversation, target: str, answers: dict[str, str]) -> Reply:
        conv.history.append(conv.node or self.kb.flow.start)
        conv.answers.update(answers)
        conv.node = self.route(target, conv.answers)
        return await self.commit(conv)

    def route(self, target: str, answers: dict[str, str]) -> str:
        """Follow branch nodes (never shown) to the next node to show."""
        nodes = self.kb.flow.nodes
        for _ in range(len(nodes)):  # validated acyclic in practice; bounded regardless
            node = nodes[target]
            if node.kind != "branch":
                return target
            target = node.cases.get(answers.get(node.on, ""), node.default)
        return target

    async def commit(self, conv: Conversation) -> Reply:
        assert self.event is not None
        conv.step += 1
        conv.updated_at = self.now
        # the one write of this transition; it fails if another instance advanced meanwhile
        if not await self.engine.store.save(self.event.key, conv, expected_step=conv.step - 1):
            return self.expired()
        node = self.kb.flow.nodes.get(conv.node or "")
        if node is not None and node.kind == "outcome":  # reached now: counted once per transition
            await self.engine.store.bump(insight.OUTCOME + node.id, insight.LANG + self.t.code)
        return self.show(conv)

    async def on_input(self, conv: Conversation, node: Node, text: str) -> Reply:
        t = self.t
        value = parse_date(text)
        if value is None:
            r = self.show(conv)
            r.kind = ReplyKind.ERROR
            r.messages.insert(
                0,
                self.msg(
                    t.gettext(
                        "I couldn't read that as a date. Please write it like 15/03/2027, 2027-03-15 or "
                        "15 March 2027."
                    )
                ),
            )
            return r
        target = node.next
        if node.if_past and value < self.today():
            target = node.if_past
        elif node.if_older and value < self.older_limit(node):
            target = node.if_older
        return await self.advance(conv, target, {node.store: value.isoformat()})

    def older_limit(self, node: Node) -> dt.date:
        """The oldest date `node` accepts before routing to `if_older` (a diploma obtained more
        than 4 years ago, say), from the fact in force today."""
        amount = int(self.kb.facts[node.older_than].at(self.today()).value)  # type: ignore[arg-type]
        months = amount * 12 if node.older_unit == "years" else amount
        return countdown.add_months(self.today(), -months)

    def today(self) -> dt.date:
        return dt.datetime.fromtimestamp(self.now, dt.UTC).date()

    def show(self, conv: Conversation) -> Reply:
        node = self.kb.flow.nodes[conv.node or self.kb.flow.start]
        r = self.reply(ReplyKind.WALKTHROUGH)
        if node.kind == "outcome":
            r.messages.append(self.outcome_message(node, conv.answers))
            r.actions.append(Action(ActionKind.END))
            extras = (
                checklist.open_choice(self, node, conv.answers),
                reminders.outcome_choice(self, node, conv.answers),
            )
            r.choices.extend(c for c in extras if c is not None)
            buttons: tuple[tuple[str, str, ChoiceKind], ...] = ()
        else:
            message, buttons = self.step_view(node)
            r.messages.append(message)
        nav = self.nav_view()
        base = f"{self.wtoken(conv, node, '')}"  # the step's signed prefix, ending with "."
        r.choices.extend(Choice(base + option, label, kind) for option, label, kind in buttons)
        r.choices.extend(
            Choice(base + option, label, kind)
            for option, label, kind in (nav if conv.history else nav[-1:])
        )
        return r

    def step_view(self, node: Node) -> tuple[Message, tuple[tuple[str, str, ChoiceKind], ...]]:
        """A question's message and its buttons (option, label, kind), in the user's language:
        the same for everyone at this step, so built once per knowledge version and language."""
        cache_key = (self.kb.version, self.t.code, self.today(), "step", node.id)
        view = self.engine._render_cache.get(cache_key)
        if view is None:
            t = self.t
            blocks = list(self.knowledge_text(flow_context(node.id, "ask"), node.ask))
            if node.help:
                blocks += list(self.knowledge_text(flow_context(node.id, "help"), node.help))
            buttons = [
                (str(i), t.pgettext(flow_context(node.id, "options"), opt.label), ChoiceKind.OPTION)
                for i, opt in enumerate(node.options)
            ]
            if node.kind == "input" and node.skip:
                buttons.append(("s", t.gettext("Skip this question"), ChoiceKind.OPTION))
            view = self.engine._render_cache[cache_key] = (tuple(blocks), tuple(buttons))
        return view

    def nav_view(self) -> tuple[tuple[str, str, ChoiceKind], ...]:
        """Back, Restart, Cancel in the user's language (Cancel alone on the first step)."""
        cache_key = ("", self.t.code, "nav", "")
        nav = self.engine._render_cache.get(cache_key)
        if nav is None:
            t = self.t
            nav = self.engine._render_cache[cache_key] = (
                ("b", t.gettext("« Back"), ChoiceKind.NAV),
                ("r", t.gettext("Restart"), ChoiceKind.NAV),
                ("c", t.gettext("Cancel"), ChoiceKind.NAV),
            )
        return nav

    def outcome_message(self, node: Node, answers: dict[str, str]) -> Message:
        """The outcome, personalised. Everything but the computed deadline depends only on the
        knowledge, the language and the answers its items test, so those parts are cached."""
        when_keys = sorted(
            {
                k
                for items in (node.steps, node.documents, node.pitfalls, node.uncertain)
                for i in items
                for k in i.when
            }
        )
        cache_key = (
            self.kb.version,
            self.t.code,
            self.today(),
            "outcome",
            node.id,
            tuple(answers.get(k, "") for k in when_keys),
        )
        parts = self.engine._render_cache.get(cache_key)
        if parts is None:
            parts = self.engine._render_cache[cache_key] = self._outcome_parts(node, answers)
        head, tail = parts
        if not node.countdown:
            return head + tail
        return (
            head
            + countdown.message(self, node.countdown, answers.get(node.countdown_date, ""))
            + tail
        )

    def _outcome_parts(self, node: Node, answers: dict[str, str]) -> tuple[Message, Message]:
        """The outcome's blocks before and after the place of the computed deadline."""
        t = self.t
        blocks: list = [
            Paragraph((Bold((Text(t.pgettext(flow_context(node.id, "title"), node.title)),)),))
        ]
        blocks += list(self.knowledge_text(flow_context(node.id, "status"), node.status))

        def section(heading: str, items: tuple[Item, ...], field: str) -> None:
            shown = [i for i in items if i.applies(answers)]
            if not shown:
                return
            blocks.append(Paragraph((Bold((Text(heading),)),)))
            blocks.append(
                BulletList(
                    tuple(
                        self.inlines(self.knowledge_text(flow_context(node.id, field), i.text))
                        for i in shown
                    )
                )
            )

        def paragraph_section(heading: str, field: str, text: str) -> None:
            if text:
                blocks.append(Paragraph((Bold((Text(heading),)),)))
                blocks.extend(self.knowledge_text(flow_context(node.id, field), text))

        section(t.gettext("What to do next"), node.steps, "steps")
        section(t.gettext("Documents to prepare"), node.documents, "documents")
        paragraph_section(t.gettext("Cost"), "cost", node.cost)
        paragraph_section(t.gettext("Where and how to apply"), "where", node.where)
        paragraph_section(t.gettext("Deadline"), "deadline", node.deadline)
        head = tuple(blocks)
        blocks.clear()
        section(t.gettext("Watch out"), node.pitfalls, "pitfalls")
        section(t.gettext("⚠️ Not settled: check before relying on it"), node.uncertain, "uncertain")
        shown = [node.status, node.cost, node.where, node.deadline]
        for items in (node.steps, node.documents, node.pitfalls, node.uncertain):
            shown += [i.text for i in items if i.applies(answers)]
        blocks += self.changes_block(tuple(shown))
        blocks.append(self.sources_block(node.sources))
        return head, tuple(blocks)


def _language_name(code: str) -> str:
    from babel import Locale

    try:
        return Locale.parse(code).get_display_name(code).capitalize()
    except (ValueError, TypeError):
        return code
