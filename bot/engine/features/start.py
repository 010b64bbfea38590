"""/start and /help: the welcome, what the bot can do, and deep links into it.

/help is generated from the command table: each command offered on the user's platform, with its
summary, then the hints features add (how to ask without a command).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.engine.commands import N_, offered_on, pgettext
from bot.engine.features import faq, language
from bot.engine.features.walkthrough import navigation
from bot.engine.reply import Choice, Reply, ReplyKind
from bot.engine.router import Router
from bot.engine.tokens import FaqAction
from bot.engine.turn import inlines
from bot.markup import Bold, BulletList, Message, Paragraph, Text

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
        if turn.engine.catalogs.is_beta(t.code):  # a language in progress says so, once
            messages.append(language.beta_notice(turn))
    messages.append(capabilities(turn))
    r = turn.reply(ReplyKind.INFO, *messages)
    r.choices = [
        Choice(faq.ftoken(turn, FaqAction.WALKTHROUGH), t.gettext("Start the walkthrough")),
        Choice(faq.ftoken(turn, FaqAction.TOPICS), t.gettext("Browse the topics")),
    ]
    return r


def capabilities(turn: Turn) -> Message:
    """What I can do: one line per command the table offers on this platform, then the hints."""
    t = turn.t
    lines = tuple(
        inlines(
            turn.msg(
                t.gettext("/{command}: {summary}"), command=c.name, summary=t.gettext(c.summary)
            )
        )
        for c in offered_on(turn.engine.commands, turn.platform)
    )
    hints = [h for h in turn.engine.hints if h.shown_on(turn.platform)]
    return (
        Paragraph((Bold((Text(t.gettext("What I can do")),)),)),
        BulletList(lines),
        *(Paragraph((Text(t.gettext(h.text)),)) for h in hints),
    )
