"""Neutral markup → HTML, for the web chat and the static site.

Every `Text` node goes through `html.escape`, so nothing a user or a translator wrote is ever read
as a tag or an attribute. Links keep their target only for ``http(s)://`` and ``mailto:``; any other
scheme is shown as text. External links open in a new tab without handing over the opener or the
referrer. Paragraphs are ``<p>``, bullet lists ``<ul>``, bold ``<strong>``.
"""

from __future__ import annotations

import html
import re

from bot.markup import Block, Bold, Inline, Message, Paragraph, Text

_LINK_SCHEMES = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)


def escape(text: str) -> str:
    """`text` as inert HTML text (quotes escaped too, so it is also safe in an attribute)."""
    return html.escape(text, quote=True)


def render_inlines(inlines: tuple[Inline, ...]) -> str:
    return "".join(_inline(node) for node in inlines)


def _inline(node: Inline) -> str:
    if isinstance(node, Text):
        return escape(node.text)
    inner = render_inlines(node.children)
    if isinstance(node, Bold):
        return f"<strong>{inner}</strong>" if inner.strip() else inner
    if not _LINK_SCHEMES.match(node.url):
        # never a live link: the label, then the target as text when it says something more
        return inner if inner == escape(node.url) else f"{inner} ({escape(node.url)})"
    if node.url.lower().startswith("mailto:"):
        return f'<a href="{escape(node.url)}">{inner or escape(node.url)}</a>'
    return (
        f'<a href="{escape(node.url)}" rel="noopener noreferrer external" target="_blank">'
        f"{inner or escape(node.url)}</a>"
    )


def render_block(block: Block) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{render_inlines(block.children)}</p>"
    items = "".join(f"<li>{render_inlines(item)}</li>" for item in block.items)
    return f"<ul>{items}</ul>"


def render_message(message: Message) -> str:
    """One message as an HTML fragment (block elements, no wrapper)."""
    return "\n".join(render_block(block) for block in message)


def is_heading(block: Block) -> bool:
    """Whether `block` is a paragraph holding only bold text: the engine's way to title a part."""
    return (
        isinstance(block, Paragraph)
        and len(block.children) == 1
        and isinstance(block.children[0], Bold)
    )


def render_sectioned(message: Message, level: int = 2) -> str:
    """Like `render_message`, but a paragraph that is only bold becomes a heading ``<hN>``, so a
    long answer has an outline screen readers can jump through."""
    out = []
    for block in message:
        if is_heading(block) and isinstance(block, Paragraph):
            bold = block.children[0]
            assert isinstance(bold, Bold)
            out.append(f"<h{level}>{render_inlines(bold.children)}</h{level}>")
        else:
            out.append(render_block(block))
    return "\n".join(out)


__all__ = [
    "escape",
    "is_heading",
    "render_block",
    "render_inlines",
    "render_message",
    "render_sectioned",
]
