"""The walkthrough's steps as pages: a question and its options, or a date's form and the
routes a date takes (bot.site.walk says which steps become pages)."""

from __future__ import annotations

from bot.i18n import Lang
from bot.knowledge.model import Node
from bot.markup import Bold, Inline, Message, Paragraph, Text, plain_text, shorten
from bot.render.html import escape, render_inlines, render_message, render_sectioned
from bot.site.content import Content
from bot.site.layout import PageSpec
from bot.site.walk import DATE_NEXT, DATE_OLDER, DATE_PAST, SKIP, Page

START_PAGE = "index"  # the walkthrough's first page is walkthrough/index.html
DESCRIPTION_CHARS = 200  # a step's meta description: its question and the start of what it says


class WalkthroughPages:
    """Args:
    content: the steps' replies, through the engine.
    t: the language.
    walk_pages: every page of the walkthrough, the first one first.
    """

    def __init__(self, content: Content, t: Lang, walk_pages: list[Page]) -> None:
        self.content = content
        self.kb = content.kb
        self.t = t
        self.code = t.code
        self.page_names = {
            p.name: START_PAGE if i == 0 else p.name for i, p in enumerate(walk_pages)
        }

    async def step(self, page: Page) -> PageSpec:
        """The page of one step: its heading, what leads to it, its options or date form."""
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
        said = plain_text(rest) or plain_text(messages[0])
        return PageSpec(
            f"walkthrough/{self.page_names[page.name]}.html",
            title,
            "\n".join(p for p in parts if p),
            description=shorten(f"{title} {said}", DESCRIPTION_CHARS, at_word=True),
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
