"""FAQ answers for inline mode (``@bot fee`` in any chat), outside any conversation.

Inline mode posts a ready answer into a chat the bot may not even be in, so each result is the
short group form of an FAQ answer (with its "more in private" deep link), in the asking user's
language, described by its short answer. The query gets the same decision as a typed question
(`bot.search.decide`): an answer comes first; when two or three entries are close, the first
result is their composed reply; "I don't know" gives no result. An empty query lists the first
entry of each topic, then the rest, in knowledge order.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine import language
from bot.engine.engine import Engine
from bot.engine.features import faq
from bot.engine.reply import Reply
from bot.engine.shorts import short_line
from bot.knowledge.model import TOPICS_CONTEXT, FaqEntry
from bot.markup import plain_text, shorten
from bot.search.decide import COMPOSED, decide

MAX_INLINE_RESULTS = 10
DESCRIPTION_CHARS = 120


@dataclass(frozen=True)
class InlineAnswer:
    """One postable FAQ answer.

    Attributes:
        entry_id: the FAQ entry's stable id (a composed result: the first entry's).
        title: the entry's title in the user's language ("Two answers may fit" for a composed one).
        description: a one-line preview (topic for an empty query, else the short answer; the
            entries' titles for a composed one).
        reply: the short answer, with a CONTINUE_PRIVATE action ``faq_<id>`` (one per entry for
            a composed one).
        lang: the language it is written in.
        key: unique among the results (``c-<entry indexes>`` for a composed one).
    """

    entry_id: str
    title: str
    description: str
    reply: Reply
    lang: str
    key: str = ""


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

    answers: list[InlineAnswer] = []
    entries: list[FaqEntry]
    if query.strip():
        decision = decide(kb.faq.index, query, lang=t.code)
        ids = dict.fromkeys((*decision.shown, *decision.offered))
        entries = [kb.faq.by_id[i] for i in ids][:limit]
        if decision.kind == COMPOSED:
            reply = faq.composed_reply(turn, decision, private=False, inline=True)
            shown = [kb.faq.by_id[i] for i in decision.shown]
            answers.append(
                InlineAnswer(
                    shown[0].id,
                    plain_title(reply),
                    shorten(" · ".join(faq.title(turn, e) for e in shown), DESCRIPTION_CHARS),
                    reply,
                    t.code,
                    "c-" + "-".join(str(e.index) for e in shown),
                )
            )
    else:
        entries = _top_entries(kb.faq.entries, tuple(kb.faq.topics), limit)

    for entry in entries[: limit - len(answers)]:
        reply = faq.entry_reply(turn, entry, detail=False, private=False, votes=False)
        if query.strip():
            description = short_line(entry, turn.knowledge_text, DESCRIPTION_CHARS)
        else:
            description = t.pgettext(TOPICS_CONTEXT, kb.faq.topics.get(entry.topic, ""))
        answers.append(
            InlineAnswer(entry.id, faq.title(turn, entry), description, reply, t.code, entry.id)
        )
    return answers


def plain_title(reply: Reply) -> str:
    """A composed reply's opening line ("Two answers may fit:"), as a result's title."""
    first = reply.messages[0][0]
    return plain_text((first,)).rstrip(":： ").strip()


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
