"""``changes.html``: every figure that changed or will change, with its dates and sources."""

from __future__ import annotations

import datetime as dt

from bot.i18n import Lang
from bot.knowledge.facts import fact_values, format_since
from bot.knowledge.model import Fact, fact_context
from bot.render.html import escape
from bot.site.content import Content
from bot.site.layout import PageSpec
from bot.site.sources_page import source_link


def changes_page(content: Content, t: Lang) -> PageSpec:
    """Every changing fact, most recent change first: one row per period, in force or planned."""
    day = content.day
    heading = t.gettext("What changed")
    intro = t.gettext(
        "Every figure the answers use that has changed, or will change, with the date each "
        "value applies from, most recent change first. Answers always use the value in force "
        "on {date}."
    ).format(date=t.date(day))
    col_from, col_value, col_sources = (
        t.gettext("From"),
        t.gettext("Value"),
        t.gettext("Sources"),
    )
    in_force, planned = t.gettext("in force"), t.gettext("planned")
    unsettled = t.gettext("⚠️ Not settled: check before relying on it")
    changing = [f for f in content.kb.facts.values() if f.changes]
    changing.sort(key=lambda f: (-_latest_start(f).toordinal(), f.id))
    sections = []
    for fact in changing:
        label = t.pgettext(fact_context(fact.id), fact.label)
        now = fact.period_at(day)
        rows = []
        for i in reversed(range(len(fact.periods))):
            period = fact.periods[i]
            value = fact_values(content.kb.facts, t, _period_day(fact, i))[fact.id]
            status = ""
            if i == now:
                status = f' <strong class="badge">{escape(in_force)}</strong>'
            elif period.start is not None and period.start.date > day:
                status = f' <span class="badge">{escape(planned)}</span>'
            links = ", ".join(source_link(content.kb, t, s) for s in period.sources)
            rows.append(
                f'<tr><th scope="row">{escape(format_since(period.start, t))}</th>'
                f"<td>{escape(value)}{status}</td><td>{links}</td></tr>"
            )
        note = f'<p class="warn">{escape(unsettled)}</p>' if fact.uncertain else ""
        sections.append(
            f'<section id="{fact.id}"><h2>{escape(label)}</h2>{note}'
            f'<div class="table"><table><thead><tr><th scope="col">{escape(col_from)}</th>'
            f'<th scope="col">{escape(col_value)}</th><th scope="col">{escape(col_sources)}'
            f"</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div></section>"
        )
    body = f"<h1>{escape(heading)}</h1>\n<p>{escape(intro)}</p>\n" + "\n".join(sections)
    return PageSpec("changes.html", heading, body, description=intro, kind="changes")


def _latest_start(fact: Fact) -> dt.date:
    starts = [p.start.date for p in fact.periods if p.start is not None]
    return max(starts, default=dt.date.min)


def _period_day(fact: Fact, i: int) -> dt.date:
    """A day on which period `i` of `fact` is in force."""
    start = fact.periods[i].start
    if start is not None:
        return start.date
    following = next((p.start.date for p in fact.periods[i + 1 :] if p.start is not None), None)
    return (following - dt.timedelta(days=1)) if following else dt.date.today()
