"""``aps-bot site OUT_DIR``: the knowledge as a static, bilingual, searchable site.

Layout of the output (``<lang>`` is each catalog's language)::

    index.html                      choose a language
    assets/site.css, assets/site.js
    <lang>/index.html               home: search, the walkthrough, every question by topic
    <lang>/search.html              search results (the search runs in the browser)
    <lang>/search-index.json        the prebuilt index (see bot.site.search_index)
    <lang>/faq/<entry id>.html      one page per FAQ entry, with FAQPage JSON-LD
    <lang>/topics/<topic id>.html   one page per topic
    <lang>/changes.html             every figure that changed, with its dates
    <lang>/sources.html             every source, with when it was published and checked
    <lang>/walkthrough/index.html   the walkthrough's first question; one page per step
                                    (see bot.site.walk for how steps become pages)
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from babel import Locale

from bot.i18n import Catalogs, Lang
from bot.knowledge.facts import fact_values, format_since
from bot.knowledge.model import (
    TOPICS_CONTEXT,
    Fact,
    Knowledge,
    Node,
    fact_context,
    faq_context,
    source_context,
)
from bot.markup import Bold, Inline, Link, Message, Paragraph, Text, plain_text
from bot.render.html import escape, render_inlines, render_message, render_sectioned
from bot.site import search_index
from bot.site.content import Content
from bot.site.layout import CSP, Chrome, PageSpec, json_ld
from bot.site.walk import DATE_NEXT, DATE_OLDER, DATE_PAST, SKIP, Page, walk

ASSETS = ("site.css", "site.js")
MARKER = ".aps-bot-site"  # in OUT_DIR: this folder was written by aps-bot site (safe to rebuild)
INDEX_FILE = "search-index.json"
START_PAGE = "index"  # the walkthrough's first page is walkthrough/index.html
SNIPPET_CHARS = 160


class SiteError(Exception):
    """OUT_DIR cannot take the site (it holds other files)."""


@dataclass
class SiteReport:
    """What was built: pages per kind and language, and the search index's size per language."""

    out_dir: Path
    languages: list[str]
    pages: dict[str, int] = field(default_factory=dict)  # kind -> pages in all languages
    walkthrough_pages: int = 0  # per language
    index_bytes: dict[str, int] = field(default_factory=dict)

    @property
    def total_pages(self) -> int:
        return sum(self.pages.values())


async def build_site(
    out_dir: Path,
    knowledge: Knowledge,
    catalogs: Catalogs,
    day: dt.date,
    languages: list[str] | None = None,
) -> SiteReport:
    """Write the site into `out_dir`: a new or empty folder, or one this function wrote before
    (its pages are removed first, so no page of an older walkthrough lingers).

    Raises:
        SiteError: `out_dir` holds files that are not a previous build.
    """
    languages = languages or catalogs.languages
    _prepare(out_dir)
    report = SiteReport(out_dir, languages)
    content = Content(knowledge, catalogs, day)
    walk_pages = walk(knowledge.flow)
    report.walkthrough_pages = len(walk_pages)
    assets = out_dir / "assets"
    assets.mkdir(exist_ok=True)
    for name in ASSETS:
        source = resources.files("bot.site").joinpath("assets", name)
        with resources.as_file(source) as path:
            shutil.copyfile(path, assets / name)
    for code in languages:
        builder = _LanguageSite(out_dir / code, content, catalogs.get(code), languages, walk_pages)
        await builder.build(report)
    _write(out_dir / "index.html", _root_page(content, languages))
    report.pages["root"] = 1
    return report


def _prepare(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise SiteError(f"{out_dir} exists and is not a folder")
    if out_dir.is_dir() and any(out_dir.iterdir()):
        if not (out_dir / MARKER).is_file():
            raise SiteError(
                f"{out_dir} is not empty and was not written by aps-bot site: choose a new or "
                "empty folder"
            )
        for child in out_dir.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / MARKER).write_text(
        "Written by aps-bot site; the next build replaces everything in this folder.\n",
        encoding="utf-8",
    )


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


class _LanguageSite:
    def __init__(
        self,
        folder: Path,
        content: Content,
        t: Lang,
        languages: list[str],
        walk_pages: list[Page],
    ) -> None:
        self.folder = folder
        self.content = content
        self.kb = content.kb
        self.t = t
        self.code = t.code
        self.walk_pages = walk_pages
        self.page_names = {
            p.name: START_PAGE if i == 0 else p.name for i, p in enumerate(walk_pages)
        }
        self.chrome = Chrome(t, languages, t.date(content.day), f"walkthrough/{START_PAGE}.html")
        self.answers: dict[str, Message] = {}

    def emit(self, report: SiteReport, page: PageSpec) -> None:
        _write(self.folder / page.path, self.chrome.render(page))
        report.pages[page.kind] = report.pages.get(page.kind, 0) + 1

    async def build(self, report: SiteReport) -> None:
        for entry in self.kb.faq.entries:
            self.answers[entry.id] = await self.content.faq_entry(self.code, entry.id)
        self.emit(report, self.home())
        self.emit(report, self.search())
        for entry in self.kb.faq.entries:
            self.emit(report, self.faq_page(entry.id))
        for tid in self.kb.faq.topics:
            self.emit(report, self.topic_page(tid))
        self.emit(report, self.changes_page())
        self.emit(report, self.sources_page())
        for page in self.walk_pages:
            self.emit(report, await self.walk_page(page))
        index = json.dumps(self.search_index(), ensure_ascii=False, separators=(",", ":"))
        _write(self.folder / INDEX_FILE, index)
        report.index_bytes[self.code] = len(index.encode("utf-8"))

    # ------------------------------------------------------------------ FAQ

    def title(self, entry_id: str) -> str:
        return self.content.faq_title(self.code, entry_id)

    def topic_label(self, tid: str) -> str:
        return self.t.pgettext(TOPICS_CONTEXT, self.kb.faq.topics[tid])

    def body_blocks(self, entry_id: str) -> Message:
        """The answer without its title (the page's heading) and its sources (listed apart)."""
        return self.answers[entry_id][1:-1]

    def snippet(self, entry_id: str) -> str:
        entry = self.kb.faq.by_id[entry_id]
        text = plain_text(
            self.content.knowledge_text(self.code, faq_context(entry_id, "answer"), entry.answer)
        )
        text = " ".join(text.split())
        if len(text) <= SNIPPET_CHARS:
            return text
        return text[:SNIPPET_CHARS].rsplit(" ", 1)[0] + "…"

    def faq_page(self, entry_id: str) -> PageSpec:
        t = self.t
        entry = self.kb.faq.by_id[entry_id]
        title = self.title(entry_id)
        message = self.answers[entry_id]
        sources = message[-1]
        related = "".join(
            f'<li><a href="{rid}.html">{escape(self.title(rid))}</a></li>' for rid in entry.related
        )
        related_label = t.gettext("Related questions")
        walk_label = t.gettext("Start the walkthrough")
        walk_hint = t.gettext("for the documents, cost and deadline that apply to you")
        body = (
            f"<article>\n<h1>{escape(title)}</h1>\n"
            f"{render_sectioned(self.body_blocks(entry_id), level=2)}\n"
            f'<div class="sources">{render_message((sources,))}</div>\n</article>\n'
        )
        if related:
            body += (
                f'<section aria-labelledby="related"><h2 id="related">{escape(related_label)}</h2>'
                f"<ul>{related}</ul></section>\n"
            )
        body += (
            f'<p class="cta"><a class="button" href="../walkthrough/{START_PAGE}.html">'
            f"{escape(walk_label)}</a> {escape(walk_hint)}</p>"
        )
        answer_text = plain_text(self.body_blocks(entry_id))
        ld = {
            "@context": "https://schema.org",
            "@type": "FAQPage",
            "inLanguage": self.code,
            "mainEntity": [
                {
                    "@type": "Question",
                    "name": title,
                    "acceptedAnswer": {"@type": "Answer", "text": answer_text},
                }
            ],
        }
        return PageSpec(
            f"faq/{entry_id}.html",
            title,
            body,
            description=self.snippet(entry_id),
            kind="faq",
            head_extra=[json_ld(ld)],
            breadcrumb=[
                (t.gettext("Home"), "index.html"),
                (self.topic_label(entry.topic), f"topics/{entry.topic}.html"),
            ],
        )

    def entry_list(self, tid: str, prefix: str, snippets: bool) -> str:
        items = []
        for e in self.kb.faq.entries:
            if e.topic != tid:
                continue
            link = f'<a href="{prefix}faq/{e.id}.html">{escape(self.title(e.id))}</a>'
            if snippets:
                link += f"<p>{escape(self.snippet(e.id))}</p>"
            items.append(f"<li>{link}</li>")
        return f'<ul class="entries">{"".join(items)}</ul>'

    def topic_page(self, tid: str) -> PageSpec:
        label = self.topic_label(tid)
        body = f"<h1>{escape(label)}</h1>\n{self.entry_list(tid, '../', snippets=True)}"
        return PageSpec(
            f"topics/{tid}.html",
            label,
            body,
            kind="topic",
            breadcrumb=[(self.t.gettext("Home"), "index.html")],
        )

    def topics_html(self, prefix: str, level: int) -> str:
        return "\n".join(
            f'<section><h{level}><a href="{prefix}topics/{tid}.html">'
            f"{escape(self.topic_label(tid))}</a></h{level}>"
            f"{self.entry_list(tid, prefix, snippets=False)}</section>"
            for tid in self.kb.faq.topics
        )

    # ------------------------------------------------------------------ home, search

    def home(self) -> PageSpec:
        t = self.t
        intro = t.gettext(
            "Finishing your studies in France and staying to look for a job or to create a "
            "business? Here are the usual questions about the RECE card (still often called "
            "APS) and the bilateral APS, with sources and the date they were checked."
        )
        walk_label = t.gettext("Start the walkthrough")
        walk_text = t.gettext(
            "A few questions, one click each, lead to what applies to you: the status, the "
            "documents, the cost and the deadline."
        )
        topics_label = t.gettext("Questions by topic")
        changes = t.gettext("What changed: the figures and their dates")
        sources = t.gettext("Every source, with the date it was checked")
        body = (
            f"<h1>{escape(self.chrome.site_title())}</h1>\n"
            f'<p class="lead">{escape(intro)}</p>\n'
            f'<p class="cta"><a class="button" href="walkthrough/{START_PAGE}.html">'
            f"{escape(walk_label)}</a> {escape(walk_text)}</p>\n"
            f"{self.chrome.search_form('')}\n"
            f'<h2 id="topics">{escape(topics_label)}</h2>\n{self.topics_html("", 3)}\n'
            f'<ul class="more"><li><a href="changes.html">{escape(changes)}</a></li>'
            f'<li><a href="sources.html">{escape(sources)}</a></li></ul>'
        )
        return PageSpec(
            "index.html", self.chrome.site_title(), body, description=intro, kind="home"
        )

    def search(self) -> PageSpec:
        t = self.t
        heading = t.gettext("Search")
        one = t.ngettext("{count} question found", "{count} questions found", 1)
        other = t.ngettext("{count} question found", "{count} questions found", 2)
        none = t.gettext("No question matches. Try other words, or browse the topics below.")
        empty = t.gettext("Type a question or a few words.")
        loading = t.gettext("Searching…")
        failed = t.gettext("The search index could not be loaded. Browse the topics below.")
        nojs = t.gettext(
            "The search runs in your browser and needs JavaScript. Browse the questions by topic "
            "instead:"
        )
        topics_label = t.gettext("Questions by topic")
        body = (
            f"<h1>{escape(heading)}</h1>\n{self.chrome.search_form('')}\n"
            f'<div id="results" class="results" data-index="{INDEX_FILE}" '
            f'data-one="{escape(one)}" data-other="{escape(other)}" data-none="{escape(none)}" '
            f'data-empty="{escape(empty)}" data-loading="{escape(loading)}" '
            f'data-failed="{escape(failed)}">'
            '<p class="status" role="status" aria-live="polite"></p><ol></ol></div>\n'
            f"<noscript><p>{escape(nojs)}</p></noscript>\n"
            f'<h2 id="topics">{escape(topics_label)}</h2>\n{self.topics_html("", 3)}'
        )
        return PageSpec("search.html", heading, body, kind="search", header_search=False)

    def search_index(self) -> dict:
        builder = search_index.IndexBuilder(self.code, self.kb.faq.index.analyzer)
        for entry in self.kb.faq.entries:
            fields: list[tuple[int, str]] = [(search_index.TITLE, self.title(entry.id))]
            fields += [(search_index.TITLE, title) for title in self._titles(entry.id)]
            fields += [(search_index.KEYWORD, k) for ks in entry.keywords.values() for k in ks]
            fields += [(search_index.EXAMPLE, q) for qs in entry.examples.values() for q in qs]
            fields.append((search_index.BODY, plain_text(self.body_blocks(entry.id))))
            builder.add(
                entry.id,
                self.title(entry.id),
                f"faq/{entry.id}.html",
                self.snippet(entry.id),
                fields,
                entry.related,
            )
        return builder.build()

    def _titles(self, entry_id: str) -> list[str]:
        """The entry's title in the site's other languages (as the bot indexes them all)."""
        entry = self.kb.faq.by_id[entry_id]
        others = [c for c in self.content.catalogs.languages if c != self.code]
        return [
            self.content.lang(c).pgettext(faq_context(entry_id, "title"), entry.title)
            for c in others
        ]

    # ------------------------------------------------------------------ changes, sources

    def source_link(self, sid: str, prefix: str = "") -> str:
        short = self.t.pgettext(source_context(sid), self.kb.sources[sid].short)
        return f'<a href="{prefix}sources.html#{sid}">{escape(short)}</a>'

    def changes_page(self) -> PageSpec:
        t = self.t
        day = self.content.day
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
        changing = [f for f in self.kb.facts.values() if f.changes]
        changing.sort(key=lambda f: (-_latest_start(f).toordinal(), f.id))
        sections = []
        for fact in changing:
            label = t.pgettext(fact_context(fact.id), fact.label)
            now = fact.period_at(day)
            rows = []
            for i in reversed(range(len(fact.periods))):
                period = fact.periods[i]
                value = fact_values(self.kb.facts, t, _period_day(fact, i))[fact.id]
                status = ""
                if i == now:
                    status = f' <strong class="badge">{escape(in_force)}</strong>'
                elif period.start is not None and period.start.date > day:
                    status = f' <span class="badge">{escape(planned)}</span>'
                links = ", ".join(self.source_link(s) for s in period.sources)
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

    def sources_page(self) -> PageSpec:
        t = self.t
        heading = t.gettext("Sources")
        intro = t.gettext(
            "Every source the answers cite: when the page itself was published or last "
            "modified, and when someone on this project last read it."
        )
        publisher, published, checked = (
            t.gettext("Publisher"),
            t.gettext("Published"),
            t.gettext("Checked on"),
        )
        unread = t.gettext("not read by us yet")
        items = []
        for sid, src in self.kb.sources.items():
            short = t.pgettext(source_context(sid), src.short)
            facts = [
                f"<dt>{escape(publisher)}</dt><dd>{escape(src.publisher)}</dd>",
            ]
            if src.published:
                facts.append(
                    f"<dt>{escape(published)}</dt><dd>{escape(format_since(src.published, t))}</dd>"
                )
            when = t.date(src.checked) if src.checked else unread
            facts.append(f"<dt>{escape(checked)}</dt><dd>{escape(when)}</dd>")
            link = render_inlines((Link((Text(src.title),), src.url),))
            items.append(
                f'<li id="{sid}"><h2>{escape(short)}</h2><p>{link}</p>'
                f"<dl>{''.join(facts)}</dl></li>"
            )
        body = (
            f"<h1>{escape(heading)}</h1>\n<p>{escape(intro)}</p>\n"
            f'<ul class="sources-list">{"".join(items)}</ul>'
        )
        return PageSpec("sources.html", heading, body, description=intro, kind="sources")

    # ------------------------------------------------------------------ walkthrough

    async def walk_page(self, page: Page) -> PageSpec:
        t = self.t
        node = self.kb.flow.nodes[page.node]
        messages, labels = await self.content.step(self.code, page)
        step = messages[-1]
        heading, rest = _split_heading(step)
        intro = "".join(render_message(m) for m in messages[:-1])
        parts = [f"<h1>{render_inlines(heading)}</h1>", intro, render_sectioned(rest, level=2)]
        if page.kind == "question":
            parts.append(self.options(page, labels))
        elif page.kind == "input":
            parts.append(self.date_routes(page, node, labels))
        restart, back = t.gettext("Restart"), t.gettext("« Back")
        ask = t.gettext("Search the questions")
        nav = [
            f'<button type="button" class="back" hidden>{escape(back)}</button>',
        ]
        if page.path:
            nav.append(f'<a href="{START_PAGE}.html">{escape(restart)}</a>')
        nav.append(f'<a href="../search.html">{escape(ask)}</a>')
        nav_label = t.gettext("Walkthrough")
        parts.append(f'<nav class="walknav" aria-label="{escape(nav_label)}">{"".join(nav)}</nav>')
        title = plain_text((Paragraph(heading),))
        return PageSpec(
            f"walkthrough/{self.page_names[page.name]}.html",
            title,
            "\n".join(p for p in parts if p),
            kind="walk",
        )

    def href(self, name: str) -> str:
        return f"{self.page_names[name]}.html"

    def options(self, page: Page, labels: list[str]) -> str:
        items = "".join(
            f'<li><a class="option" href="{self.href(target)}">{escape(labels[how])}</a></li>'
            for how, target in page.edges
            if isinstance(how, int)
        )
        return f'<ul class="options">{items}</ul>'

    def date_routes(self, page: Page, node: Node, labels: list[str]) -> str:
        t = self.t
        routes = dict(page.edges)
        choices: list[tuple[str, str]] = []
        older_months = amount = 0
        if node.if_older:
            amount = int(self.kb.facts[node.older_than].at(self.content.day).value)  # type: ignore[arg-type]
            older_months = amount * 12 if node.older_unit == "years" else amount
        # the routes a date takes first, skipping last (the walk takes them the other way round)
        for how, target in sorted(page.edges, key=lambda edge: edge[0] == SKIP):
            if how == DATE_NEXT and node.if_past:
                label = t.gettext("The date is still to come")
            elif how == DATE_NEXT and node.if_older:
                label = _ago(t, node.older_unit, amount, older=False)
            elif how == DATE_NEXT:
                label = t.gettext("I know the date")
            elif how == DATE_PAST:
                label = t.gettext("The date has already passed")
            elif how == DATE_OLDER:
                label = _ago(t, node.older_unit, amount, older=True)
            elif how == SKIP:
                label = labels[-1] if labels else t.gettext("Skip this question")
            else:
                continue
            choices.append((target, label))
        which = t.gettext("Which is true for you?")
        why = t.gettext(
            "These pages remember nothing about you: the date only decides which page comes next."
        )
        date_label, go = t.gettext("Date"), t.gettext("Continue")
        invalid = t.gettext("Please enter a whole date, for example 15/03/2027.")
        attrs = "".join(
            f' data-{how}="{self.href(routes[how])}"'
            for how in (DATE_NEXT, DATE_PAST, DATE_OLDER)
            if how in routes
        )
        if older_months:
            attrs += f' data-older-months="{older_months}"'
        form = (
            f'<form class="date-route" hidden{attrs} data-invalid="{escape(invalid)}" novalidate>'
            f'<label for="date">{escape(date_label)}</label>'
            '<input id="date" name="date" type="date" required aria-describedby="date-error">'
            f'<button type="submit">{escape(go)}</button>'
            '<p id="date-error" class="error" role="alert"></p></form>'
        )
        items = "".join(
            f'<li><a class="option" href="{self.href(target)}">{escape(label)}</a></li>'
            for target, label in choices
        )
        return (
            f'{form}<h2 class="which">{escape(which)}</h2><ul class="options">{items}</ul>'
            f'<p class="note">{escape(why)}</p>'
        )


def _ago(t: Lang, unit: str, amount: int, older: bool) -> str:
    if unit == "months":
        if older:
            text = t.ngettext("{count} month ago or more", "{count} months ago or more", amount)
        else:
            text = t.ngettext("Less than {count} month ago", "Less than {count} months ago", amount)
    elif older:
        text = t.ngettext("{count} year ago or more", "{count} years ago or more", amount)
    else:
        text = t.ngettext("Less than {count} year ago", "Less than {count} years ago", amount)
    return text.format(count=amount)


def _split_heading(message: Message) -> tuple[tuple[Inline, ...], Message]:
    """The step's heading (its leading bold text) and the rest of the step."""
    if not message:
        return (Text(""),), message
    first = message[0]
    if isinstance(first, Paragraph) and first.children and isinstance(first.children[0], Bold):
        heading = first.children[0].children
        tail = first.children[1:]
        if tail and isinstance(tail[0], Text):
            tail = (Text(tail[0].text.lstrip()), *tail[1:])
        rest: Message = (Paragraph(tail),) if plain_text((Paragraph(tail),)).strip() else ()
        return heading, rest + message[1:]
    return first.children if isinstance(first, Paragraph) else (Text(""),), message[1:]


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


def _root_page(content: Content, languages: list[str]) -> str:
    """The site's root: one link per language, each written in its language."""
    links = []
    for code in languages:
        t = content.lang(code)
        title = t.gettext("RECE / APS after your studies in France")
        name = Locale.parse(code).get_display_name(code) or code  # "français" inside a sentence
        enter = t.gettext("Read in {language}").format(language=name)
        links.append(
            f'<li lang="{code}"><a href="{code}/index.html" hreflang="{code}">'
            f"<strong>{escape(enter)}</strong><span>{escape(title)}</span></a></li>"
        )
    first = languages[0]
    return (
        "<!doctype html>\n"
        f'<html lang="{first}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        "<title>aps-bot · RECE / APS</title>\n"
        '<link rel="icon" href="data:,">\n'
        '<link rel="stylesheet" href="assets/site.css">\n'
        '<script src="assets/site.js" defer></script>\n</head>\n'
        '<body class="root">\n<main id="main">\n<h1>aps-bot · RECE / APS</h1>\n'
        f'<ul class="languages">{"".join(links)}</ul>\n</main>\n</body>\n</html>\n'
    )
