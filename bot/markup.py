"""The neutral markup every reply is written in.

A message is a tuple of blocks (paragraphs and bullet lists); a block holds inlines (text, bold,
links). Renderers for each platform walk this tree, so escaping happens in exactly one place per
platform, and a user's text is always a `Text` node: it is never parsed as markup.

Knowledge and catalog strings use a tiny source syntax, parsed by `parse`:

- a blank line separates paragraphs; lines starting with ``- `` form a bullet list;
- ``**bold**`` and ``[label](https://url)``;
- ``{name}`` is replaced by the value given for ``name``, inserted as inert text;
- ``{{`` and ``}}`` are literal braces.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Text:
    """Literal text; renderers escape it."""

    text: str


@dataclass(frozen=True, slots=True)
class Bold:
    """Bold inlines."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink; ``url`` is only ever http(s)."""

    children: tuple[Inline, ...]
    url: str


Inline = Text | Bold | Link


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of inlines."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class BulletList:
    """A bullet list; each item is a tuple of inlines."""

    items: tuple[tuple[Inline, ...], ...]


Block = Paragraph | BulletList
Message = tuple[Block, ...]

_SAFE_URL = re.compile(r"^(https?://|tg://|mailto:)", re.IGNORECASE)
_TOKEN = re.compile(r"\{\{|\}\}|\{([a-zA-Z_][a-zA-Z0-9_]*(?:\.[a-z]+)?)\}|\*\*|\[|\]\(|\)")


class MarkupError(ValueError):
    """A template is malformed (unbalanced bold, a link without URL, an unknown placeholder)."""


def text(value: str) -> Message:
    """A one-paragraph message holding `value` as literal text."""
    return (Paragraph((Text(value),)),)


def paragraph(*inlines: Inline | str) -> Paragraph:
    """Build a paragraph; plain ``str`` arguments become `Text` nodes."""
    return Paragraph(tuple(Text(i) if isinstance(i, str) else i for i in inlines))


def parse(template: str, values: Mapping[str, str | Inline] | None = None) -> Message:
    """Parse `template` into a message, substituting ``{name}`` with ``values[name]``.

    Values are never parsed: a user's text stays a `Text` node whatever it contains.

    Raises:
        MarkupError: on unbalanced ``**``, a malformed link or a placeholder missing from `values`.
    """
    values = values or {}
    blocks: list[Block] = []
    bullets: list[tuple[Inline, ...]] = []
    para: list[str] = []

    def flush_para() -> None:
        if para:
            blocks.append(Paragraph(_inlines(" ".join(para), values)))
            para.clear()

    def flush_bullets() -> None:
        if bullets:
            blocks.append(BulletList(tuple(bullets)))
            bullets.clear()

    for raw in template.strip().splitlines():
        line = raw.strip()
        if not line:
            flush_para()
            flush_bullets()
        elif line.startswith("- "):
            flush_para()
            bullets.append(_inlines(line[2:].strip(), values))
        elif bullets and raw[:1].isspace():
            # an indented continuation of the previous bullet
            last = bullets.pop()
            bullets.append((*last, Text(" "), *_inlines(line, values)))
        else:
            flush_bullets()
            para.append(line)
    flush_para()
    flush_bullets()
    return tuple(blocks)


def placeholders(template: str) -> set[str]:
    """The placeholder names used in `template`."""
    return {m.group(1) for m in _TOKEN.finditer(template) if m.group(1)}


def _inlines(source: str, values: Mapping[str, str | Inline]) -> tuple[Inline, ...]:
    stack: list[tuple[str, list[Inline]]] = [("root", [])]
    pos = 0
    for m in _TOKEN.finditer(source):
        if m.start() < pos:
            continue  # inside a link URL already consumed
        if m.start() > pos:
            _append_text(stack[-1][1], source[pos : m.start()])
        pos = m.end()
        tok = m.group(0)
        kind, children = stack[-1]
        if tok == "{{":
            _append_text(children, "{")
        elif tok == "}}":
            _append_text(children, "}")
        elif m.group(1):
            name = m.group(1)
            if name not in values:
                raise MarkupError(f"unknown placeholder {{{name}}}")
            value = values[name]
            if isinstance(value, str):
                _append_text(children, value)
            else:
                children.append(value)
        elif tok == "**":
            if kind == "bold":
                stack.pop()
                stack[-1][1].append(Bold(tuple(children)))
            else:
                stack.append(("bold", []))
        elif tok == "[":
            stack.append(("link", []))
        elif tok == "](":
            if kind != "link":
                _append_text(children, tok)
                continue
            end = source.find(")", pos)
            if end < 0:
                raise MarkupError("link without closing parenthesis")
            url = source[pos:end].strip()
            url = _substitute_url(url, values)
            if not _SAFE_URL.match(url):
                raise MarkupError(f"link URL must start with http(s)://: {url!r}")
            stack.pop()
            stack[-1][1].append(Link(tuple(children), url))
            pos = end + 1
        else:  # a lone ")" outside a link
            _append_text(children, tok)
    if pos < len(source):
        _append_text(stack[-1][1], source[pos:])
    if len(stack) != 1:
        raise MarkupError(f"unclosed {stack[-1][0]} in {source!r}")
    return tuple(stack[0][1])


def _substitute_url(url: str, values: Mapping[str, str | Inline]) -> str:
    def repl(m: re.Match[str]) -> str:
        value = values.get(m.group(1))
        if not isinstance(value, str):
            raise MarkupError(f"unknown placeholder {{{m.group(1)}}} in a link")
        return value

    return re.sub(r"\{([a-zA-Z_][a-zA-Z0-9_]*)\}", repl, url)


def _append_text(children: list[Inline], value: str) -> None:
    if not value:
        return
    if children and isinstance(children[-1], Text):
        children[-1] = Text(children[-1].text + value)
    else:
        children.append(Text(value))


def shorten(text: str, limit: int, *, one_line: bool = True, at_word: bool = False) -> str:
    """`text` cut to at most `limit` characters, ending with "…" when it was longer: the one
    helper for button labels, choice names, previews and titles on every platform.

    Args:
        one_line: first make every run of white space (line breaks too) a single space.
        at_word: cut at the last space before the limit rather than inside a word.
    """
    if one_line:
        text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if at_word and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"


def plain_text(message: Message) -> str:
    """The message's text with no formatting (for search snippets, previews and logs-free tests)."""
    out: list[str] = []
    for block in message:
        if isinstance(block, Paragraph):
            out.append(_plain_inlines(block.children))
        else:
            out.append("\n".join("• " + _plain_inlines(item) for item in block.items))
    return "\n\n".join(out)


def _plain_inlines(inlines: tuple[Inline, ...]) -> str:
    parts: list[str] = []
    for node in inlines:
        if isinstance(node, Text):
            parts.append(node.text)
        else:
            parts.append(_plain_inlines(node.children))
    return "".join(parts)


LEAD_CHARS = 200  # a lead: "one or two sentences, about 200 characters"
LEAD_MIN_CHARS = 60  # a first sentence shorter than this ("No.") takes the next one too
WARNING_SIGN = "⚠️"
# the end of a sentence: ".", "!" or "?" before a space or the end, not after a lone letter ("e.g.")
_SENTENCE_END = re.compile(r"(?<![\s(.][A-Za-z])[.!?](?=\s|$)")


def preview(text: str, limit: int) -> str:
    """`text` on one line, cut at a word to `limit` characters; when the cut drops a ⚠️, the
    preview starts with one (an unsettled point never looks settled in a preview)."""
    cut = shorten(text, limit, at_word=True)
    if WARNING_SIGN in text and WARNING_SIGN not in cut:
        cut = WARNING_SIGN + " " + shorten(text, limit - len(WARNING_SIGN) - 1, at_word=True)
    return cut


def lead(message: Message, limit: int = LEAD_CHARS) -> Message:
    """The first sentence of `message`'s first paragraph (two when the first is very short), as a
    one-paragraph message: a preview that still reads as an answer. Longer than `limit`, it is cut
    at a word and ends with "…".
    When `message` holds a ⚠️ the preview left out, the preview starts with one: an unsettled
    point never looks settled in a preview."""
    para = next((b for b in message if isinstance(b, Paragraph)), None)
    if para is None:
        return ()
    out: list[Inline] = []
    length = 0
    for node in para.children:
        if isinstance(node, Text):
            text, end = node.text, None
            for found in _SENTENCE_END.finditer(text):
                if length + found.end() >= LEAD_MIN_CHARS:
                    end = found
                    break
            if end:
                text = text[: end.end()]
            if length + len(text) > limit:
                room = text[: max(limit - length - 1, 0)]
                room = room.rsplit(" ", 1)[0] if " " in room else ""
                out.append(Text(room.rstrip() + "…"))
                break
            out.append(Text(text))
            length += len(text)
            if end:
                break
        else:
            size = len(_plain_inlines(node.children))
            if length + size > limit:
                out.append(Text("…"))
                break
            out.append(node)
            length += size
    if WARNING_SIGN in plain_text(message) and WARNING_SIGN not in _plain_inlines(tuple(out)):
        out.insert(0, Text(WARNING_SIGN + " "))
    return (Paragraph(tuple(out)),)
