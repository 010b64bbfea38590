"""``sources.html``: every source the answers cite, when it was published and when we read it."""

from __future__ import annotations

from bot.i18n import Lang
from bot.knowledge.facts import format_since
from bot.knowledge.model import Knowledge, Source, source_context
from bot.markup import Link, Text
from bot.render.html import escape, render_inlines
from bot.site.layout import PageSpec


def source_link(kb: Knowledge, t: Lang, sid: str, prefix: str = "") -> str:
    """A link to the source's entry on sources.html, by its short name."""
    short = t.pgettext(source_context(sid), kb.sources[sid].short)
    return f'<a href="{prefix}sources.html#{sid}">{escape(short)}</a>'


def what_we_read(src: Source, t: Lang) -> str:
    """The most recent text of the source we read, said plainly."""
    read = src.best_read
    if read is None:
        return t.gettext("not read by us yet")
    if not read.copy:
        return t.gettext("the live page, on {date}").format(date=t.date(read.on))
    if read.version is None:
        return t.gettext("an undated copy, on {date}").format(date=t.date(read.on))
    return t.gettext("a copy of the version of {version}, read on {date}").format(
        version=format_since(read.version, t), date=t.date(read.on)
    )


def sources_page(kb: Knowledge, t: Lang) -> PageSpec:
    """Every source, with its publisher and dates, each with an anchor at its id."""
    heading = t.gettext("Sources")
    intro = t.gettext(
        "Every source the answers cite: when the page itself was published or last "
        "modified, and what someone on this project read of it: the live page on a date, or a "
        "copy holding an older version."
    )
    publisher, published, checked = (
        t.gettext("Publisher"),
        t.gettext("Published"),
        t.gettext("What we read"),
    )
    items = []
    for sid, src in kb.sources.items():
        short = t.pgettext(source_context(sid), src.short)
        facts = [
            f"<dt>{escape(publisher)}</dt><dd>{escape(src.publisher)}</dd>",
        ]
        if src.published:
            facts.append(
                f"<dt>{escape(published)}</dt><dd>{escape(format_since(src.published, t))}</dd>"
            )
        when = what_we_read(src, t)
        facts.append(f"<dt>{escape(checked)}</dt><dd>{escape(when)}</dd>")
        link = render_inlines((Link((Text(src.title),), src.url),))
        items.append(
            f'<li id="{sid}"><h2>{escape(short)}</h2><p>{link}</p><dl>{"".join(facts)}</dl></li>'
        )
    body = (
        f"<h1>{escape(heading)}</h1>\n<p>{escape(intro)}</p>\n"
        f'<ul class="sources-list">{"".join(items)}</ul>'
    )
    return PageSpec("sources.html", heading, body, description=intro, kind="sources")
