"""The FAQ: /faq, typed questions, topics, answers and their buttons.

A typed question goes through the FAQ index and `bot.search.decide`, which says what the first
reply shows (one decision for every front end):

- an **answer**: the entry's question as the headline, its answer, "Related" buttons for the
  runners-up and "Not what I asked" (counted for moderators, without who asked);
- a **composed** reply: two or three close entries (or the two parts of a two-part question),
  each with its question, its short answer and its own "More" button;
- "**did you mean**", bare titles, only when nothing is close enough to compose;
- "**I don't know**", counted (without who asked) so the knowledge can grow, with the nearest
  entries the search found as buttons (one tap away, never presented as the answer), else the
  topics.

The asker's walkthrough answers, kept in the conversation, tell the search their situation (a
holder of the card, a nationality): nothing new is stored for it. FAQ buttons carry a
`FaqButton`: an answer ("More", "Related", did you mean), its detail ("Tell me more"), the topics,
one topic, or the walkthrough (from /help). Each is posted anew: the reply it sits under stays.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from bot.engine import insight
from bot.engine.citations import changes_block, sources_block
from bot.engine.commands import N_, Arg, ArgKind, pgettext
from bot.engine.features import feedback
from bot.engine.features.walkthrough import navigation
from bot.engine.reply import Action, ActionKind, Choice, Reply, ReplyKind
from bot.engine.router import Router
from bot.engine.shorts import short_answer
from bot.engine.tokens import FaqAction, FaqButton
from bot.knowledge.model import TOPICS_CONTEXT, FaqEntry, faq_context
from bot.markup import Bold, Paragraph, Text
from bot.search.decide import ANSWER, COMPOSED, SUGGEST, UNKNOWN, Decision, decide

if TYPE_CHECKING:
    from bot.engine.turn import Turn
    from bot.knowledge.model import Knowledge
    from bot.storage.records import Conversation

router = Router("faq")
MAX_RELATED = 3
MAX_DID_YOU_MEAN = 3
MAX_NEAREST = 3  # under "I don't know": the nearest entries, then "Browse the topics"
MAX_COMPOSED_BUTTONS = 5  # "More" for each composed entry, then runners-up up to this many

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
    return await question(turn, conv, args)


@router.text
async def on_text(turn: Turn, conv: Conversation | None, text: str) -> Reply:
    """Any other typed text is a question."""
    return await question(turn, conv, text)


OUTCOMES = {
    ANSWER: insight.ANSWERED,
    COMPOSED: insight.COMPOSED,
    SUGGEST: insight.UNSURE,
    UNKNOWN: insight.MISSED,
}


async def question(turn: Turn, conv: Conversation | None, text: str) -> Reply:
    """Answer a typed question, and count how it went. The walkthrough answers the conversation
    already keeps (a holder of the card, a nationality) tell the search the asker's situation."""
    index = turn.kb.faq.index
    decision = decide(index, text, answers=conv.answers if conv else None, lang=turn.t.code)
    store = turn.store
    if decision.kind == UNKNOWN and decision.result.query:
        await store.record_miss(index.normalised(text, decision.result.lang), turn.now)
    await store.bump(insight.ASKED, OUTCOMES[decision.kind], insight.LANG + turn.t.code)
    return faq_reply(turn, decision, private=turn.private)


@router.button(FaqButton)
async def on_button(turn: Turn, conv: Conversation | None, button: FaqButton) -> Reply:
    if button.version != turn.kb.version:
        return turn.expired()
    action, index = button.action, button.index
    entries = turn.kb.faq.entries
    if action is FaqAction.WALKTHROUGH:
        return await navigation.start(turn, conv)
    if action is FaqAction.TOPICS:
        return topics_reply(turn, turn.t.gettext("Pick a topic:"))
    if action is FaqAction.TOPIC:
        return topic_reply(turn, index)
    if index < len(entries):  # an answer, or its detail
        detail = action is FaqAction.DETAIL
        return entry_reply(turn, entries[index], detail=detail, private=turn.private)
    return turn.expired()


def ftoken(turn: Turn, action: FaqAction, index: int = 0) -> str:
    return turn.token(FaqButton(turn.kb.version, action, index))


def faq_reply(turn: Turn, decision: Decision, private: bool) -> Reply:
    """The first reply to a question, as `decision` says: an answer, a composed reply, "did you
    mean" or "I don't know" and the topics."""
    t = turn.t
    faq = turn.kb.faq
    if decision.kind == ANSWER:
        r = entry_reply(
            turn,
            faq.by_id[decision.shown[0]],
            detail=False,
            private=private,
            nearby=decision.offered,
            missed=True,
        )
    elif decision.kind == COMPOSED:
        r = composed_reply(turn, decision, private)
    elif decision.kind == SUGGEST:
        intro = t.gettext("I'm not sure I understood. Did you mean:")
        r = titles_reply(turn, intro, decision.offered[:MAX_DID_YOU_MEAN])
    elif decision.offered:
        # not an answer, and not "did you mean": the nearest questions it can answer, one tap away
        intro = t.gettext(
            "Sorry, I don't have an answer to that yet. I noted the question so the "
            "knowledge base can be improved. The nearest questions I can answer:"
        )
        r = titles_reply(turn, intro, decision.offered[:MAX_NEAREST])
        r.choices.append(Choice(ftoken(turn, FaqAction.TOPICS), t.gettext("Browse the topics")))
    else:
        r = topics_reply(
            turn,
            t.gettext(
                "Sorry, I don't have an answer to that yet. I noted the question so the knowledge "
                "base can be improved. Here are the topics I know:"
            ),
        )
    r.faq_kind = decision.kind
    r.faq_shown = decision.shown
    return r


def composed_reply(turn: Turn, decision: Decision, private: bool, inline: bool = False) -> Reply:
    """Two or three entries in one message: each one's question in bold and its short answer,
    then the first source of each (the "More" answer cites them all); a "More" button for each,
    then the runners-up. `inline` (Telegram's inline mode, where buttons cannot come back): a
    "More" link into the private chat for each instead."""
    t = turn.t
    faq = turn.kb.faq
    entries = [faq.by_id[i] for i in decision.shown]
    if decision.parts:
        intro = t.gettext("Your question has several parts:")
    elif len(entries) == 2:
        intro = t.gettext("Two answers may fit:")
    else:
        intro = t.gettext("Three answers may fit:")
    blocks: list = [Paragraph((Text(intro),))]
    for entry in entries:
        blocks.append(Paragraph((Bold((Text(title(turn, entry)),)),)))
        blocks += list(short_answer(entry, turn.knowledge_text))
    # a changed figure's note, for the figures the short answers show (a lead is not parsed
    # for them: the "More" answer carries its notes)
    blocks += changes_block(turn, tuple(e.short for e in entries if e.short))
    blocks.append(sources_block(turn, tuple(dict.fromkeys(e.sources[0] for e in entries))))
    r = turn.reply(ReplyKind.FAQ, tuple(blocks))
    for entry in entries:
        label = t.gettext("More: {question}").format(question=title(turn, entry))
        if inline:
            r.actions.append(Action(ActionKind.CONTINUE_PRIVATE, f"faq_{entry.id}", label))
        else:
            r.choices.append(entry_choice(turn, entry, label))
    if inline:
        return r
    r.choices += [entry_choice(turn, faq.by_id[rid]) for rid in composed_related(decision)]
    if not private:
        r.actions.append(
            Action(
                ActionKind.CONTINUE_PRIVATE, f"faq_{entries[0].id}", t.gettext("More in private")
            )
        )
    return r


def composed_related(decision: Decision) -> tuple[str, ...]:
    """The runners-up offered under a composed reply, after its "More" buttons."""
    return decision.offered[: max(MAX_COMPOSED_BUTTONS - len(decision.shown), 0)]


def related_ids(kb: Knowledge, entry: FaqEntry, nearby: tuple[str, ...]) -> tuple[str, ...]:
    """The "Related" buttons under an answer: the search's runners-up first (a question that fits
    two entries gets the best one and, one tap away, the other), then the entry's own."""
    related = [r for r in dict.fromkeys((*nearby, *entry.related)) if r != entry.id]
    return tuple(r for r in related if r in kb.faq.by_id)[:MAX_RELATED]


def one_tap(kb: Knowledge, decision: Decision) -> tuple[str, ...]:
    """The entries one tap away from a reply in a private chat: its buttons (what ``make eval``
    counts as "one tap away")."""
    if decision.kind == ANSWER:
        return related_ids(kb, kb.faq.by_id[decision.shown[0]], decision.offered)
    if decision.kind == COMPOSED:
        return (*decision.shown, *composed_related(decision))
    if decision.kind == SUGGEST:
        return decision.offered[:MAX_DID_YOU_MEAN]
    return decision.offered[:MAX_NEAREST]  # "I don't know", and the nearest questions


def title(turn: Turn, entry: FaqEntry) -> str:
    return turn.t.pgettext(faq_context(entry.id, "title"), entry.title)


def entry_reply(
    turn: Turn,
    entry: FaqEntry,
    detail: bool,
    private: bool = True,
    votes: bool = True,
    nearby: tuple[str, ...] = (),
    missed: bool = False,
) -> Reply:
    """An FAQ answer; `votes` adds 👍/👎 (not in inline mode: its buttons come back with no
    message to answer); `nearby` entries (the search's runners-up) lead the related buttons;
    `missed` adds "Not what I asked" (under an answer to a typed question)."""
    t = turn.t
    header = Paragraph((Bold((Text(title(turn, entry)),)),))
    body = turn.knowledge_text(faq_context(entry.id, "answer"), entry.answer)
    blocks: list = [header, *body]
    if detail and entry.more:
        blocks += list(turn.knowledge_text(faq_context(entry.id, "more"), entry.more))
    blocks += changes_block(turn, (entry.answer, entry.more) if detail else (entry.answer,))
    blocks.append(sources_block(turn, entry.sources))
    r = turn.reply(ReplyKind.FAQ, tuple(blocks), faq_id=entry.id)
    r.faq_kind, r.faq_shown = ANSWER, (entry.id,)
    vote_buttons = feedback.vote_choices(turn, entry, private, missed=missed) if votes else []
    if not private:
        r.choices.extend(vote_buttons)
        r.actions.append(
            Action(ActionKind.CONTINUE_PRIVATE, f"faq_{entry.id}", t.gettext("More in private"))
        )
        return r
    if entry.more and not detail:
        r.choices.append(
            Choice(ftoken(turn, FaqAction.DETAIL, entry.index), t.gettext("Tell me more"))
        )
    for rid in related_ids(turn.kb, entry, nearby):
        r.choices.append(entry_choice(turn, turn.kb.faq.by_id[rid]))
    r.choices.extend(vote_buttons)
    return r


def entry_choice(turn: Turn, entry: FaqEntry, label: str | None = None) -> Choice:
    """A button that answers `entry`, labelled with its question unless `label` is given."""
    return Choice(ftoken(turn, FaqAction.ANSWER, entry.index), label or title(turn, entry))


def titles_reply(turn: Turn, intro: str, ids: Iterable[str]) -> Reply:
    """`intro`, then a button for each entry of `ids`, labelled with its question."""
    r = turn.reply(ReplyKind.FAQ, turn.msg(intro))
    r.choices = [entry_choice(turn, turn.kb.faq.by_id[i]) for i in ids]
    return r


def topics_reply(turn: Turn, intro: str) -> Reply:
    r = turn.reply(ReplyKind.FAQ, turn.msg(intro))
    r.choices = [
        Choice(ftoken(turn, FaqAction.TOPIC, i), turn.t.pgettext(TOPICS_CONTEXT, label))
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
    r.choices = [entry_choice(turn, e) for e in turn.kb.faq.entries if e.topic == tid]
    return r
