"""Admin commands (``APS_BOT_ADMINS``): /reload the knowledge, /stats. Never listed anywhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.engine import insight
from bot.engine.reply import Reply, ReplyKind
from bot.engine.router import Router
from bot.knowledge.yamlfile import KnowledgeError
from bot.markup import Bold, BulletList, Paragraph, Text

if TYPE_CHECKING:
    from bot.engine.turn import Turn
    from bot.storage.records import Conversation

router = Router("admin")
MAX_PROBLEMS_SHOWN = 5


@router.command("reload", admin=True)
async def reload(turn: Turn, conv: Conversation | None, args: str) -> Reply:
    """Load the knowledge folder again; keep the current knowledge if the new one is invalid."""
    t = turn.t
    try:
        kb = turn.engine.reload_from_disk()
    except KnowledgeError as exc:
        shown = exc.problems[:MAX_PROBLEMS_SHOWN]
        return turn.reply(
            ReplyKind.ERROR,
            turn.msg(
                t.ngettext(
                    "The new knowledge has {count} problem; I kept the current version:",
                    "The new knowledge has {count} problems; I kept the current version:",
                    len(exc.problems),
                ),
                count=str(len(exc.problems)),
            ),
            (BulletList(tuple((Text(str(p)),) for p in shown)),),
        )
    return turn.reply(
        ReplyKind.INFO,
        turn.msg(
            t.gettext(
                "Knowledge reloaded: version {version}, {entries} FAQ entries, {nodes} walkthrough steps."
            ),
            version=kb.version,
            entries=str(len(kb.faq.entries)),
            nodes=str(len(kb.flow.nodes)),
        ),
    )


@router.command("stats", admin=True)
async def stats(turn: Turn, conv: Conversation | None, args: str) -> Reply:
    """Aggregated counters: questions, misses, outcomes, languages, votes, failed deliveries
    and unreadable updates; never who."""
    t = turn.t
    report = await insight.gather(turn.store)
    counts, misses = report.stored, report.top_missed
    blocks: list = list(
        turn.msg(
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
        blocks.append(Paragraph((Bold((Text(t.gettext("Most frequent unanswered questions")),)),)))
        blocks.append(BulletList(tuple((Text(f"{text} ({n})"),) for text, n in misses)))
    q = report.questions
    blocks.extend(
        turn.msg(
            t.gettext(
                "**Questions:** {asked} asked, {answered} answered, {composed} composed, "
                "{unsure} unsure, {missed} missed"
            ),
            asked=str(q["asked"]),
            answered=str(q["answered"]),
            composed=str(q["composed"]),
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
        (
            t.gettext("Replies that could not be delivered"),
            [f"{k}: {n}" for k, n in report.failed_deliveries],
        ),
        (
            t.gettext("Updates skipped as unreadable"),
            [f"{k}: {n}" for k, n in report.unreadable],
        ),
        (t.gettext("Not what I asked"), [f"{k}: {n}" for k, n in report.not_asked]),
    )
    for heading, lines in sections:
        if lines:
            blocks.append(Paragraph((Bold((Text(heading),)),)))
            blocks.append(BulletList(tuple((Text(line),) for line in lines)))
    return turn.reply(ReplyKind.INFO, tuple(blocks))
