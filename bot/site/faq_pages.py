"""The FAQ's pages in one language: home, search, one page per entry and per topic, and the
search index's fields for each entry."""

from __future__ import annotations

from bot.engine.shorts import short_line
from bot.i18n import Lang
from bot.knowledge.model import TOPICS_CONTEXT
from bot.markup import Message, plain_text, shorten
from bot.render.html import escape, render_message, render_sectioned
from bot.search.export import ranking_tables
from bot.site import search_index
from bot.site.content import Content
from bot.site.layout import Chrome, PageSpec, json_ld
from bot.site.search_index import INDEX_FILE
from bot.site.walk_pages import START_PAGE

SNIPPET_CHARS = 240  # a whole short answer (at most 220 characters, figures filled in)
DESCRIPTION_CHARS = 200  # a meta description made of a list (a topic's questions)


class FaqPages:
    """Args:
    content: the answers, through the engine.
    t: the language.
    chrome: the page frame in that language (its title and search form).
    answers: every FAQ entry's answer in that language, by entry id.
    """

    def __init__(self, content: Content, t: Lang, chrome: Chrome, answers: dict[str, Message]):
        self.content = content
        self.kb = content.kb
        self.t = t
        self.code = t.code
        self.chrome = chrome
        self.answers = answers

    def title(self, entry_id: str) -> str:
        return self.content.faq_title(self.code, entry_id)

    def topic_label(self, tid: str) -> str:
        return self.t.pgettext(TOPICS_CONTEXT, self.kb.faq.topics[tid])

    def body_blocks(self, entry_id: str) -> Message:
        """The answer without its title (the page's heading) and its sources (listed apart)."""
        return self.answers[entry_id][1:-1]

    def snippet(self, entry_id: str) -> str:
        """The entry's short answer (its answer's lead when it has none), on one line."""
        entry = self.kb.faq.by_id[entry_id]
        return short_line(
            entry,
            lambda context, english: self.content.knowledge_text(self.code, context, english),
            SNIPPET_CHARS,
        )

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
        titles = [self.title(e.id) for e in self.kb.faq.entries if e.topic == tid]
        return PageSpec(
            f"topics/{tid}.html",
            label,
            body,
            description=shorten(f"{label}: " + " · ".join(titles), DESCRIPTION_CHARS, at_word=True),
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
        head = []
        home = self.chrome.url(self.code, "index.html")
        if home:  # search engines may offer the site's search from their results
            search = self.chrome.url(self.code, "search.html")
            head.append(
                json_ld(
                    {
                        "@context": "https://schema.org",
                        "@type": "WebSite",
                        "name": self.chrome.site_title(),
                        "url": home,
                        "inLanguage": self.code,
                        "potentialAction": {
                            "@type": "SearchAction",
                            "target": {
                                "@type": "EntryPoint",
                                "urlTemplate": f"{search}?q={{search_term_string}}",
                            },
                            "query-input": "required name=search_term_string",
                        },
                    }
                )
            )
        return PageSpec(
            "index.html",
            self.chrome.site_title(),
            body,
            description=intro,
            kind="home",
            head_extra=head,
            header_search=False,  # the page's own search form is enough
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
        description = t.gettext(
            "Search the questions about the RECE card and the APS: the same answers as the "
            "aps-bot chat bot, with their sources."
        )
        return PageSpec(
            "search.html",
            heading,
            body,
            description=description,
            kind="search",
            header_search=False,
        )

    def search_index(self) -> dict:
        """The search index in this language: the bot's ranking, this language's titles."""
        shown = {
            e.id: (self.title(e.id), f"faq/{e.id}.html", self.snippet(e.id))
            for e in self.kb.faq.entries
        }
        bot = self.kb.faq.index
        index = bot.index_of(self.code)  # the bot's index of this language
        return search_index.build_index(
            self.code, ranking_tables(index), index.analyzer, shown, bot.reading_table()
        )
