"""What closes an answer: its sources, and the figures it uses that changed recently."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.engine.turn import inlines
from bot.knowledge.facts import format_since, recent_changes
from bot.knowledge.model import fact_context, source_context
from bot.markup import Bold, BulletList, Inline, Link, Message, Paragraph, Text, parse, placeholders

if TYPE_CHECKING:
    from bot.engine.turn import Turn


def sources_block(turn: Turn, ids: tuple[str, ...]) -> Paragraph:
    """ "Sources: A (published date; checked date) · B …", built once per knowledge version and
    language."""
    key = (turn.kb.version, turn.t.code, "sources", ".".join(ids))
    return turn.cached(key, lambda: _sources_block(turn, ids))


def _sources_block(turn: Turn, ids: tuple[str, ...]) -> Paragraph:
    t = turn.t
    parts: list[Inline] = [Text(t.gettext("Sources:") + " ")]
    for i, sid in enumerate(ids):
        src = turn.kb.sources[sid]
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
        values = {"source": link, "published": published, "checked": checked}
        parts.extend(inlines(parse(template, values)))
    return Paragraph(tuple(parts))


def changes_block(turn: Turn, texts: tuple[str, ...]) -> Message:
    """A note for each figure in `texts` that changed in the last year ("€150 since May 2026; €75
    before"), so a student who paid the old amount is not told they were wrong."""
    used: set[str] = set()
    for text in texts:
        used |= {p.split(".")[0] for p in placeholders(text)}
    day = turn.today()
    changed = recent_changes(turn.kb.facts, used, day)
    if not changed:
        return ()
    t = turn.t
    values = turn.engine.texts.facts(turn.kb, t, day)
    lines = []
    for fid in changed:
        fact = turn.kb.facts[fid]
        since = fact.at(day).start
        template = (
            t.gettext("{label}: {value} since {month}; {before} before.")
            if since is not None and since.month_only
            else t.gettext("{label}: {value} since {date}; {before} before.")
        )
        message = turn.msg(
            template,
            label=t.pgettext(fact_context(fid), fact.label),
            value=values[fid],
            month=values[f"{fid}.since"],
            date=values[f"{fid}.since"],
            before=values[f"{fid}.before"],
        )
        lines.append(inlines(message))
    heading = Paragraph((Bold((Text(t.gettext("🆕 Changed recently")),)),))
    return (heading, BulletList(tuple(lines)))
