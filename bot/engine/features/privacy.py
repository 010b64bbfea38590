"""/privacy, /mydata, /forget: what is stored about the user, showing it, deleting it all."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from bot.engine import language
from bot.engine.commands import N_, pgettext
from bot.engine.features import reminders
from bot.engine.reminders import day_of, iso
from bot.engine.reply import Action, ActionKind, Reply, ReplyKind
from bot.engine.router import Router
from bot.knowledge.model import NodeKind, flow_context
from bot.markup import Bold, BulletList, Inline, Paragraph, Text, plain_text, shorten

if TYPE_CHECKING:
    from bot.engine.turn import Turn
    from bot.knowledge.model import Node
    from bot.storage.records import Conversation

router = Router("privacy")
STEP_CHARS = 80  # a step's question in /mydata, cut at a word


@router.command(pgettext("command name", "privacy"), N_("What I store about you, and why"))
async def privacy(turn: Turn, conv: Conversation | None, args: str) -> Reply:
    return turn.reply(
        ReplyKind.INFO,
        turn.msg(
            turn.t.gettext(
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
            days=str(turn.engine.retention_days),
        ),
    )


@router.command(pgettext("command name", "mydata"), N_("Show what I store about you"))
async def mydata(turn: Turn, conv: Conversation | None, args: str) -> Reply:
    key = turn.key
    data = await turn.store.user_data(key.platform, key.user)
    t = turn.t
    if not any(data.get(k) for k in ("language", "conversations", "reminders", "checklists")):
        return turn.reply(ReplyKind.INFO, turn.msg(t.gettext("I have nothing stored about you.")))
    items: list[tuple[Inline, ...]] = []
    if data["language"]:
        items.append(
            (
                Text(
                    t.gettext("Language: {language}").format(
                        language=turn.engine.catalogs.language_name(data["language"])
                    )
                ),
            )
        )
    for c in data["conversations"]:
        state: Conversation = c["state"]
        node = turn.kb.flow.nodes.get(state.node or "")
        where = step_name(turn, node) if node else t.gettext("no walkthrough")
        last = turn.t.date(dt.datetime.fromtimestamp(state.updated_at, dt.UTC).date())
        items.append(
            (
                Text(
                    t.gettext("Walkthrough: at “{step}”, last active {date}").format(
                        step=where, date=last
                    )
                ),
            )
        )
        answers = walkthrough_answers(turn, state)
        if answers:
            items.append(
                (Text(t.gettext("Your answers: {answers}").format(answers="; ".join(answers))),)
            )
    for reminder in data.get("reminders", []):
        items.append(
            (
                Text(
                    t.gettext("Reminder on {date}: {what}").format(
                        date=t.date(day_of(reminder.due)),
                        what=reminders.describe(turn, reminder),
                    )
                ),
            )
        )
    for kept in data.get("checklists", []):
        node = turn.kb.flow.nodes.get(kept.outcome)
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
    return turn.reply(
        ReplyKind.INFO,
        (
            Paragraph((Bold((Text(t.gettext("What I have stored about you:")),)),)),
            BulletList(tuple(items)),
        ),
        turn.msg(t.gettext("Send /forget to delete all of it.")),
    )


def step_name(turn: Turn, node: Node) -> str:
    """A step as /mydata names it: an outcome's title, or a question's own question (its bold
    lead, without the explanation after it), cut at a word."""
    t = turn.t
    if node.kind is NodeKind.OUTCOME:
        return t.pgettext(flow_context(node.id, "title"), node.title)
    ask = turn.knowledge_text(flow_context(node.id, "ask"), node.ask)
    first = ask[0] if ask else None
    if isinstance(first, Paragraph) and first.children and isinstance(first.children[0], Bold):
        text = plain_text((Paragraph(first.children[0].children),))
    else:
        text = plain_text(ask[:1])
    return shorten(text, STEP_CHARS, at_word=True)


def walkthrough_answers(turn: Turn, state: Conversation) -> list[str]:
    """The answers the walkthrough keeps, as the user gave them: the label of each option
    chosen, and each date typed, in the order of the questions."""
    t = turn.t
    flow = turn.kb.flow
    out = []
    for nid in dict.fromkeys(state.history):
        node = flow.nodes.get(nid)
        if node is None:
            continue
        if node.kind is NodeKind.QUESTION:
            chosen = next(
                (
                    o
                    for o in node.options
                    if o.set and all(state.answers.get(k) == v for k, v in o.set.items())
                ),
                None,
            )
            if chosen is not None:
                out.append(t.pgettext(flow_context(node.id, "options"), chosen.label))
        elif node.store and node.store in state.answers:
            day = iso(state.answers[node.store])
            if day is not None:
                out.append(f"{step_name(turn, node)} {t.date(day)}")
    return out


@router.command(pgettext("command name", "forget"), N_("Delete everything I store about you"))
async def forget(turn: Turn, conv: Conversation | None, args: str) -> Reply:
    key = turn.key
    n = await turn.store.forget(key.platform, key.user)
    catalogs = turn.engine.catalogs
    turn.t = catalogs.get(
        language.choose(catalogs, locale=turn.event.locale if turn.event else None)
    )
    return turn.reply(
        ReplyKind.INFO,
        turn.msg(
            turn.t.ngettext(
                "Done: I deleted {count} record about you. I no longer know anything about you.",
                "Done: I deleted {count} records about you. I no longer know anything about you.",
                n,
            ),
            count=str(n),
        ),
        actions=[Action(ActionKind.END)],
    )
