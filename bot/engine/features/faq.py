"""The FAQ: /faq, typed questions, topics, answers and their buttons.

A typed question goes through the FAQ index (`bot.search`): a confident match is answered, a
near one gets "did you mean", no match lists the topics and is counted (without who asked) so the
knowledge base can grow. FAQ buttons carry ``f`` tokens: an answer (``a``), its detail (``m``),
the topics (``T``), one topic (``t``), or the walkthrough (``w``, from /help).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.engine import insight
from bot.engine.citations import changes_block, sources_block
from bot.engine.commands import N_, Arg, ArgKind, pgettext
from bot.engine.features import feedback
from bot.engine.features.walkthrough import navigation
from bot.engine.reply import Action, ActionKind, Choice, Reply, ReplyKind
from bot.engine.router import Router
from bot.knowledge.model import TOPICS_CONTEXT, FaqEntry, faq_context
from bot.markup import Bold, Paragraph, Text

if TYPE_CHECKING:
    from bot.engine.tokens import Token
    from bot.engine.turn import Turn
    from bot.search.index import SearchResult
    from bot.storage.records import Conversation

router = Router("faq")
MAX_RELATED = 3
MAX_DID_YOU_MEAN = 3
# what an "f" token asks for
ANSWER, DETAIL, TOPICS, TOPIC, WALKTHROUGH = "a", "m", "T", "t", "w"

router.hint(N_("You can also just type your question."), hidden_on=("discord",))
router.hint(
    N_("Right-click a message, Apps, Ask aps-bot: answer someone's question publicly"),
    only_on=("discord",),
)


@router.command(
    pgettext("command name", "faq"),
    N_("Ask a question, or browse the topics"),
    groups=True,
    arg=Arg(
        pgettext("option name", "question"),
        N_("Your question, or pick one from the list"),
        ArgKind.QUESTION,
    ),
)
async def faq(turn: Turn, conv: Conversation | None, args: str) -> Reply:
    if not args:
        return topics_reply(turn, turn.t.gettext("Pick a topic, or type your question after /faq."))
    return await question(turn, args)


@router.text
async def on_text(turn: Turn, conv: Conversation | None, text: str) -> Reply:
    """Any other typed text is a question."""
    return await question(turn, text)


async def question(turn: Turn, text: str) -> Reply:
    """Answer a typed question, and count how it went."""
    result = turn.kb.faq.index.search(text)
    store = turn.store
    if not result.matches and result.query:
        await store.record_miss(turn.kb.faq.index.normalised(text), turn.now)
    if result.confident:
        outcome = insight.ANSWERED
    else:
        outcome = insight.UNSURE if result.matches else insight.MISSED
    await store.bump(insight.ASKED, outcome, insight.LANG + turn.t.code)
    return faq_reply(turn, result, private=turn.private)


@router.button("f")
async def on_button(turn: Turn, conv: Conversation | None, token: Token) -> Reply:
    f = token.fields
    if not (len(f) == 3 and f[0] == turn.kb.version and f[2].isdigit()):
        return turn.expired()
    action, index = f[1], int(f[2])
    entries = turn.kb.faq.entries
    if action == WALKTHROUGH:
        return await navigation.start(turn, conv)
    if action == TOPICS:
        return topics_reply(turn, turn.t.gettext("Pick a topic:"))
    if action == TOPIC:
        return topic_reply(turn, index)
    if action in (ANSWER, DETAIL) and index < len(entries):
        return entry_reply(turn, entries[index], detail=action == DETAIL, private=turn.private)
    return turn.expired()


def ftoken(turn: Turn, action: str, index: int = 0) -> str:
    return turn.token("f", (turn.kb.version, action, str(index)))


def faq_reply(turn: Turn, result: SearchResult, private: bool) -> Reply:
    """The answer to a search: the entry, "did you mean", or the topics."""
    t = turn.t
    faq = turn.kb.faq
    if result.confident:
        # the runners-up the search found come first among the "Related" buttons: a question
        # that fits two entries gets the best one and, one tap away, the other
        nearby = tuple(m.entry_id for m in result.matches[1:])
        return entry_reply(
            turn,
            faq.by_id[result.matches[0].entry_id],
            detail=False,
            private=private,
            nearby=nearby,
        )
    if result.matches:
        r = turn.reply(
            ReplyKind.FAQ, turn.msg(t.gettext("I'm not sure I understood. Did you mean:"))
        )
        r.choices = [
            Choice(
                ftoken(turn, ANSWER, faq.by_id[m.entry_id].index),
                title(turn, faq.by_id[m.entry_id]),
            )
            for m in result.matches[:MAX_DID_YOU_MEAN]
        ]
        return r
    return topics_reply(
        turn,
        t.gettext(
            "Sorry, I don't have an answer to that yet. I noted the question so the knowledge base "
            "can be improved. Here are the topics I know:"
        ),
    )


def title(turn: Turn, entry: FaqEntry) -> str:
    return turn.t.pgettext(faq_context(entry.id, "title"), entry.title)


def entry_reply(
    turn: Turn,
    entry: FaqEntry,
    detail: bool,
    private: bool = True,
    votes: bool = True,
    nearby: tuple[str, ...] = (),
) -> Reply:
    """An FAQ answer; `votes` adds 👍/👎 (not in inline mode: its buttons come back with no
    message to answer); `nearby` entries (the search's runners-up) lead the related buttons."""
    t = turn.t
    header = Paragraph((Bold((Text(title(turn, entry)),)),))
    body = turn.knowledge_text(faq_context(entry.id, "answer"), entry.answer)
    blocks: list = [header, *body]
    if detail and entry.more:
        blocks += list(turn.knowledge_text(faq_context(entry.id, "more"), entry.more))
    blocks += changes_block(turn, (entry.answer, entry.more) if detail else (entry.answer,))
    blocks.append(sources_block(turn, entry.sources))
    r = turn.reply(ReplyKind.FAQ, tuple(blocks), faq_id=entry.id)
    vote_buttons = feedback.vote_choices(turn, entry, private) if votes else []
    if not private:
        r.choices.extend(vote_buttons)
        r.actions.append(
            Action(ActionKind.CONTINUE_PRIVATE, f"faq_{entry.id}", t.gettext("More in private"))
        )
        return r
    if entry.more and not detail:
        r.choices.append(Choice(ftoken(turn, DETAIL, entry.index), t.gettext("Tell me more")))
    related = [r for r in dict.fromkeys((*nearby, *entry.related)) if r != entry.id]
    for rid in related[:MAX_RELATED]:
        rel = turn.kb.faq.by_id[rid]
        r.choices.append(Choice(ftoken(turn, ANSWER, rel.index), title(turn, rel)))
    r.choices.extend(vote_buttons)
    return r


def topics_reply(turn: Turn, intro: str) -> Reply:
    r = turn.reply(ReplyKind.FAQ, turn.msg(intro))
    r.choices = [
        Choice(ftoken(turn, TOPIC, i), turn.t.pgettext(TOPICS_CONTEXT, label))
        for i, label in enumerate(turn.kb.faq.topics.values())
    ]
    return r


def topic_reply(turn: Turn, index: int) -> Reply:
    topics = list(turn.kb.faq.topics.items())
    if not 0 <= index < len(topics):
        return turn.expired()
    tid, label = topics[index]
    r = turn.reply(
        ReplyKind.FAQ, (Paragraph((Bold((Text(turn.t.pgettext(TOPICS_CONTEXT, label)),)),)),)
    )
    r.choices = [
        Choice(ftoken(turn, ANSWER, e.index), title(turn, e))
        for e in turn.kb.faq.entries
        if e.topic == tid
    ]
    return r
