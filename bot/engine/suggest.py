"""Read-only helpers adapters need around `Engine.handle`: autocomplete, share tokens, languages,
and what a page shows again when it is reloaded (the welcome, the step waiting for an answer).

They never change state, so they run outside the per-conversation lock (autocomplete has to answer
within Discord's 3 seconds while a walkthrough step may be in progress), and they are not messages:
the engine's flood control does not count them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.engine import language
from bot.engine.engine import Engine
from bot.engine.events import ConversationKey
from bot.engine.features import start
from bot.engine.features.walkthrough import navigation
from bot.engine.features.walkthrough.nodes import KINDS, reads_text
from bot.engine.reply import Reply
from bot.engine.shorts import short_line
from bot.engine.tokens import FaqAction, FaqButton
from bot.i18n import Lang
from bot.knowledge.model import faq_context
from bot.search.decide import decide
from bot.search.normalise import fold

SHORT_CHARS = 100  # a suggestion's short answer, before a platform cuts it to its own limit


@dataclass(frozen=True)
class Suggestion:
    """An FAQ entry offered while the user types: its id, its title in the user's language, and
    its short answer (one line, in that language)."""

    entry_id: str
    title: str
    short: str = ""


async def language_for(engine: Engine, key: ConversationKey, locale: str | None) -> Lang:
    """The language the engine would answer `key` in: the /lang choice, else `locale`, else default."""
    return await language.of_user(
        engine.store, engine.catalogs, key.platform, key.user, locale=locale
    )


def faq_suggestions(engine: Engine, text: str, lang: Lang, limit: int = 25) -> list[Suggestion]:
    """FAQ entries matching what the user has typed so far, best first, titles in `lang`.

    Ordered as the first reply to the typed text would show them (`bot.search.decide`: the
    answer or the composed entries, then the runners-up); entries whose translated title
    contains the typed text come next, so a half-typed word still finds its entry. With nothing
    typed, every entry in knowledge order.
    """
    kb = engine.knowledge
    faq = kb.faq
    titles = {e.id: lang.pgettext(faq_context(e.id, "title"), e.title) for e in faq.entries}
    typed = fold(text).strip()
    if not typed:
        ids = [e.id for e in faq.entries]
    else:
        decision = decide(faq.index, text, lang=lang.code)
        ids = list(dict.fromkeys((*decision.shown, *decision.offered)))
        ids += [i for i, t in titles.items() if typed in fold(t) and i not in ids]
    today = dt.datetime.fromtimestamp(engine.clock(), dt.UTC).date()

    def render(context: str, english: str):
        return engine.render_knowledge(kb, lang, today, context, english)

    return [
        Suggestion(i, titles[i], short_line(faq.by_id[i], render, SHORT_CHARS)) for i in ids[:limit]
    ]


async def share_token(engine: Engine, key: ConversationKey, entry_id: str) -> str | None:
    """A choice token that answers FAQ entry `entry_id` for `key`'s user (None if it is unknown).

    Sent back as a CHOICE event with ``private=False``, it gives the public form of the answer.
    """
    kb = engine.knowledge
    entry = kb.faq.by_id.get(entry_id)
    if entry is None:
        return None
    codec = await engine.codec()
    owner = codec.owner(key.platform, key.user)
    return codec.pack(FaqButton(kb.version, FaqAction.ANSWER, entry.index), owner)


async def expects_text(engine: Engine, key: ConversationKey) -> bool:
    """Whether `key`'s walkthrough is waiting for typed text (a date) rather than a button."""
    conv = await engine.store.load(key)
    if conv is None or not conv.node or conv.flow_version != engine.knowledge.flow.version:
        return False
    node = engine.knowledge.flow.nodes.get(conv.node)
    return node is not None and reads_text(node)


async def welcome(engine: Engine, key: ConversationKey, locale: str | None) -> Reply:
    """The welcome (/start) for `key`'s user, its buttons theirs, without handling an event."""
    t = await language_for(engine, key, locale)
    turn = await engine.turn(engine.knowledge, t, None, key.platform, key.user)
    return start.help_reply(turn, welcome=True)


async def pending_step(engine: Engine, key: ConversationKey, locale: str | None) -> Reply | None:
    """The walkthrough step `key`'s user has still to answer, as it was shown, with its buttons;
    None when nothing waits (no walkthrough, an outcome reached, too long inactive, or the
    walkthrough changed since: the next /aps says so)."""
    conv = await engine.store.load(key)
    kb = engine.knowledge
    if conv is None or not conv.node or conv.flow_version != kb.flow.version:
        return None
    node = kb.flow.nodes.get(conv.node)
    if node is None or KINDS[node.kind].ends:
        return None
    if engine.clock() - conv.updated_at > engine.session_timeout:
        return None
    t = await language_for(engine, key, locale)
    turn = await engine.turn(kb, t, None, key.platform, key.user)
    return navigation.show(turn, conv)
