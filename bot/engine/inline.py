"""FAQ answers for inline mode (``@bot fee`` in any chat), outside any conversation.

Inline mode posts a ready answer into a chat the bot may not even be in, so each result is the
short group form of an FAQ answer (with its "more in private" deep link), in the asking user's
language. An empty query lists the first entry of each topic, then the rest, in knowledge order.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine import language
from bot.engine.engine import Engine
from bot.engine.features import faq
from bot.engine.reply import Reply
from bot.knowledge.model import TOPICS_CONTEXT, FaqEntry, faq_context
from bot.markup import plain_text, shorten

MAX_INLINE_RESULTS = 10
DESCRIPTION_CHARS = 120


@dataclass(frozen=True)
class InlineAnswer:
    """One postable FAQ answer.

    Attributes:
        entry_id: the FAQ entry's stable id.
        title: the entry's title in the user's language.
        description: a one-line preview (topic for an empty query, else the answer's start).
        reply: the short answer, with a CONTINUE_PRIVATE action ``faq_<id>``.
        lang: the language it is written in.
    """

    entry_id: str
    title: str
    description: str
    reply: Reply
    lang: str


async def inline_answers(
    engine: Engine,
    query: str,
    *,
    platform: str,
    user: str,
    locale: str | None = None,
    limit: int = MAX_INLINE_RESULTS,
) -> list[InlineAnswer]:
    """FAQ answers matching `query` (best first), or the top entries when `query` is blank.

    The language is the user's explicit choice (/lang), else `locale`, else the default, as in
    `Engine.handle`. Nothing is stored: an inline query is not a conversation.
    """
    kb = engine.knowledge
    t = engine.catalogs.get(await inline_lang(engine, platform=platform, user=user, locale=locale))
    # an inline answer has no buttons of its own to authenticate; the context only renders
    turn = await engine.turn(kb, t, None, platform, user)

    entries: list[FaqEntry]
    if query.strip():
        result = kb.faq.index.search(query, limit=limit)
        entries = [kb.faq.by_id[m.entry_id] for m in result.matches]
    else:
        entries = _top_entries(kb.faq.entries, tuple(kb.faq.topics), limit)

    answers = []
    for entry in entries:
        reply = faq.entry_reply(turn, entry, detail=False, private=False, votes=False)
        if query.strip():
            body = turn.knowledge_text(faq_context(entry.id, "answer"), entry.answer)
            description = shorten(plain_text(body), DESCRIPTION_CHARS, at_word=True)
        else:
            description = t.pgettext(TOPICS_CONTEXT, kb.faq.topics.get(entry.topic, ""))
        answers.append(InlineAnswer(entry.id, faq.title(turn, entry), description, reply, t.code))
    return answers


async def inline_lang(engine: Engine, *, platform: str, user: str, locale: str | None) -> str:
    """The user's language: their /lang choice, else the platform's locale, else the default."""
    return (
        await language.of_user(engine.store, engine.catalogs, platform, user, locale=locale)
    ).code


def _top_entries(entries: tuple[FaqEntry, ...], topics: tuple[str, ...], limit: int) -> list:
    firsts = [next((e for e in entries if e.topic == topic), None) for topic in topics]
    picked = [e for e in firsts if e is not None]
    picked += [e for e in entries if e not in picked]
    return picked[:limit]
