"""/start and /help: the welcome, what the bot can do, and deep links into it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.engine.commands import N_, pgettext
from bot.engine.features import faq
from bot.engine.features.walkthrough import navigation
from bot.engine.reply import Choice, Reply, ReplyKind
from bot.engine.router import Router

if TYPE_CHECKING:
    from bot.engine.turn import Turn
    from bot.storage.records import Conversation

router = Router("start")


@router.command("start", offered=False)
async def start(turn: Turn, conv: Conversation | None, args: str) -> Reply:
    """The platform's /start, with a deep-link payload: ``aps`` (the walkthrough), ``faq_<id>``
    (one answer in detail), anything else or nothing (the welcome)."""
    if args == "aps":
        return await navigation.start(turn, conv)
    if args.startswith("faq_"):
        entry = turn.kb.faq.by_id.get(args[4:])
        if entry:
            return faq.entry_reply(turn, entry, detail=True)
    return help_reply(turn, welcome=True)


@router.command(pgettext("command name", "help"), N_("What I can do"), groups=True)
async def help_command(turn: Turn, conv: Conversation | None, args: str) -> Reply:
    return help_reply(turn, welcome=False)


def help_reply(turn: Turn, welcome: bool) -> Reply:
    t = turn.t
    messages = []
    if welcome:
        messages.append(
            turn.msg(
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
    if turn.platform == "discord":
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
    messages.append(turn.msg(text))
    r = turn.reply(ReplyKind.INFO, *messages)
    r.choices = [
        Choice(faq.ftoken(turn, faq.WALKTHROUGH), t.gettext("Start the walkthrough")),
        Choice(faq.ftoken(turn, faq.TOPICS), t.gettext("Browse the topics")),
    ]
    return r
