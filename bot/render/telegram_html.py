"""Neutral markup → Telegram HTML (``parse_mode="HTML"``), split into messages Telegram accepts.

Every text node goes through `html.escape`, so nothing a user or a translator wrote is ever read
as a tag. Links keep their target only for ``http(s)://`` and ``tg://``; any other scheme is shown
as plain text. Bullets are written "• ", as Telegram has no list markup.

Telegram refuses a message over 4096 characters (counted in UTF-16 code units). `render_chunks`
packs whole blocks into messages under `limit`, splitting bullet lists between items, and cuts a
single huge paragraph between words (between characters as a last resort), closing and reopening
``<b>``/``<a>`` around the cut so a chunk is always well-formed HTML.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterator

from bot.markup import Bold, BulletList, Inline, Link, Message, Paragraph, Text

MAX_MESSAGE_LENGTH = 4096
BULLET = "• "
_LINK_SCHEMES = re.compile(r"^(https?|tg)://", re.IGNORECASE)
_WORDS = re.compile(r"\S+\s*|\s+")
RENDER_CACHE_SIZE = 2048  # distinct messages kept rendered


def size(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def render_message(message: Message) -> str:
    """The whole message as one HTML string (no length limit applied)."""
    return "\n\n".join(_block_html(block) for block in message)


def render_chunks(message: Message, limit: int = MAX_MESSAGE_LENGTH) -> list[str]:
    """The message as HTML strings of at most `limit` UTF-16 units each, cut at block boundaries.

    Blocks (paragraphs, bullet items) are kept whole when they fit; a block that does not fit on
    its own is cut between words with its formatting tags closed and reopened.
    """
    if limit < 64:
        raise ValueError("limit too small to hold a link's tags")
    return list(_chunks(message, limit))


@functools.lru_cache(maxsize=RENDER_CACHE_SIZE)
def _chunks(message: Message, limit: int) -> tuple[str, ...]:
    # Messages are immutable (frozen dataclasses in tuples), and most are the same few texts
    # (knowledge rendered once by the engine), so the rendering is cached.
    chunks: list[str] = []
    current, current_size = "", 0
    for inlines, prefix, sep in _pieces(message):
        piece = prefix + render_inlines(inlines)
        piece_size = size(piece)
        if current:
            candidate_size = current_size + size(sep) + piece_size
            if candidate_size <= limit:
                current, current_size = f"{current}{sep}{piece}", candidate_size
                continue
            chunks.append(current)
            current, current_size = "", 0
        if piece_size <= limit:
            current, current_size = piece, piece_size
        else:
            parts = _hard_split(inlines, prefix, limit)
            chunks.extend(parts[:-1])
            current = parts[-1] if parts else ""
            current_size = size(current)
    if current:
        chunks.append(current)
    return tuple(chunks)


def render_inlines(inlines: tuple[Inline, ...]) -> str:
    """Inline nodes as HTML."""
    return "".join([_inline_html(node) for node in inlines])


def _inline_html(node: Inline) -> str:
    # the same HTML as joining `_tokens_html(_tokens(...))`, without cutting text into words
    if isinstance(node, Text):
        return html.escape(node.text, quote=False)
    inner = render_inlines(node.children)
    if isinstance(node, Bold):
        return f"<b>{inner}</b>"
    if _LINK_SCHEMES.match(node.url):
        return f'<a href="{html.escape(node.url, quote=True)}">{inner}</a>'
    if inner != html.escape(node.url, quote=False):
        return inner + html.escape(f" ({node.url})", quote=False)
    return inner


# ---------------------------------------------------------------------------- blocks


def _block_html(block: Paragraph | BulletList) -> str:
    if isinstance(block, Paragraph):
        return render_inlines(block.children)
    return "\n".join(BULLET + render_inlines(item) for item in block.items)


def _pieces(message: Message) -> Iterator[tuple[tuple[Inline, ...], str, str]]:
    """(inlines, prefix, separator before it): a paragraph, or one bullet item, at a time."""
    sep = ""
    for block in message:
        if isinstance(block, Paragraph):
            yield block.children, "", sep
        else:
            for i, item in enumerate(block.items):
                yield item, BULLET, "\n" if i else sep
        sep = "\n\n"


# ---------------------------------------------------------------------------- hard split

# A flat token stream: ("open", tag, closing), ("text", escaped html, ""), ("close", "", "").
_Token = tuple[str, str, str]


def _tokens(inlines: tuple[Inline, ...]) -> Iterator[_Token]:
    for node in inlines:
        if isinstance(node, Text):
            for word in _WORDS.findall(node.text):
                yield ("text", word, "")
        elif isinstance(node, Bold):
            yield ("open", "<b>", "</b>")
            yield from _tokens(node.children)
            yield ("close", "", "")
        elif isinstance(node, Link):
            if _LINK_SCHEMES.match(node.url):
                yield ("open", f'<a href="{html.escape(node.url, quote=True)}">', "</a>")
                yield from _tokens(node.children)
                yield ("close", "", "")
            else:
                yield from _tokens(node.children)
                if render_inlines(node.children) != html.escape(node.url, quote=False):
                    yield ("text", f" ({node.url})", "")


def _tokens_html(tokens: Iterator[_Token]) -> Iterator[str]:
    closing: list[str] = []
    for kind, value, close in tokens:
        if kind == "open":
            closing.append(close)
            yield value
        elif kind == "close":
            yield closing.pop()
        else:
            yield html.escape(value, quote=False)


def _hard_split(inlines: tuple[Inline, ...], prefix: str, limit: int) -> list[str]:
    """Cut one paragraph (or bullet item) into well-formed chunks of at most `limit` units."""
    chunks: list[str] = []
    stack: list[tuple[str, str]] = []  # (opening tag, closing tag) of the elements now open
    body = prefix
    has_text = False

    def closing() -> str:
        return "".join(close for _, close in reversed(stack))

    def fits(extra: str) -> bool:
        return size(body + extra + closing()) <= limit

    def flush() -> None:
        nonlocal body, has_text
        if has_text:
            chunks.append(body + closing())
        body, has_text = "".join(open_ for open_, _ in stack), False

    for kind, value, close in _tokens(inlines):
        if kind == "open":
            stack.append((value, close))
            body += value
        elif kind == "close":
            body += stack.pop()[1]
        else:
            escaped = html.escape(value, quote=False)
            if not fits(escaped):
                flush()
            if fits(escaped):
                body, has_text = body + escaped, True
                continue
            # one word longer than a message: cut between characters, never inside an entity
            for char in value:
                escaped_char = html.escape(char, quote=False)
                if not fits(escaped_char):
                    flush()
                body, has_text = body + escaped_char, True
    flush()
    return [c for c in chunks if _visible(c)]


def _visible(chunk: str) -> bool:
    return bool(re.sub(r"<[^>]*>", "", chunk).strip())
