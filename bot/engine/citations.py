"""What closes an answer: its sources, and the figures it uses that changed recently."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.engine.turn import inlines
from bot.knowledge.facts import format_since, recent_changes
from bot.knowledge.model import fact_context, source_context
from bot.markup import Bold, BulletList, Inline, Link, Message, Paragraph, Text, parse, placeholders

if TYPE_CHECKING:
    from bot.engine.turn import Turn
    from bot.i18n import Lang
    from bot.knowledge.model import Source


def sources_block(turn: Turn, ids: tuple[str, ...]) -> Paragraph:
    """ "Sources: A (version of date) · B (read on date) …", built once per knowledge version and
    language."""
    key = (turn.kb.version, turn.t.code, "sources", ".".join(ids))
    return turn.cached(key, lambda: _sources_block(turn, ids))


def source_dates(src: Source, t: Lang) -> tuple[str, dict[str, str]]:
    """What a student can trust of a source: the template to show after its name and the dates
    it needs. A live read says when we read the page; a copy says which version it held (the
    date the page showed), never "checked" on the day we read an older copy."""
    published = format_since(src.published, t) if src.published else ""
    read = src.best_read
    values = {"published": published}
    if read is None:
        template = t.gettext("{source} (published {published})") if published else "{source}"
        return template, values
    values["read"] = t.date(read.on)
    if not read.copy:
        if published:
            return t.gettext("{source} (published {published}; read on {read})"), values
        return t.gettext("{source} (read on {read})"), values
    if read.version is None:
        if published:
            return t.gettext(
                "{source} (published {published}; undated copy read on {read})"
            ), values
        return t.gettext("{source} (undated copy read on {read})"), values
    values["version"] = format_since(read.version, t)
    if src.published and src.published.date > read.version.date:
        return t.gettext(
            "{source} (published {published}; we read the version of {version})"
        ), values
    return t.gettext("{source} (version of {version})"), values


def _sources_block(turn: Turn, ids: tuple[str, ...]) -> Paragraph:
    t = turn.t
    parts: list[Inline] = [Text(t.gettext("Sources:") + " ")]
    for i, sid in enumerate(ids):
        src = turn.kb.sources[sid]
        if i:
            parts.append(Text(" · "))
        link = Link((Text(t.pgettext(source_context(sid), src.short)),), src.url)
        template, values = source_dates(src, t)
        parts.extend(inlines(parse(template, {"source": link, **values})))
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
