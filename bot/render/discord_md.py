"""Discord rendering: the neutral markup as Discord Markdown, split to fit, or as an embed.

Every `Text` node is escaped here (Markdown and mentions), so nothing a user or a translator typed
is ever read as formatting or pings anyone; senders also pass ``AllowedMentions.none()``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import discord
from discord.utils import escape_markdown, escape_mentions

from bot.markup import Bold, BulletList, Inline, Link, Message, Paragraph, Text, plain_text, shorten

MAX_CONTENT = 2000
MAX_EMBED_TITLE = 256
MAX_EMBED_DESCRIPTION = 4096
MAX_EMBED_FOOTER = 2048
MAX_EMBED_TOTAL = 6000
MAX_FIELD_NAME = 256
MAX_FIELD_VALUE = 1024
MAX_FIELDS = 25
EMBED_COLOUR = discord.Colour(0x2B6CB0)

_ZWSP = "\u200b"
_HEADING = re.compile(r"^\*\*[^\n]+\*\*$")
_MENTION = re.compile(r"<(?=[@#:]|/|a:|t:)")  # <@user>, <@&role>, <#channel>, </cmd:id>, <:emoji:>
# an escape pair, or a bracket: discord.py escapes only the first "[" of a text, so "a [x](u)
# [y](v)" kept a live masked link; every bracket not yet escaped gets a backslash
_BRACKET_OR_ESCAPE = re.compile(r"\\.|[\[\]]", re.DOTALL)


def no_mentions() -> discord.AllowedMentions:
    """What every send passes: nobody is ever pinged by the bot's messages."""
    return discord.AllowedMentions.none()


def escape(text: str) -> str:
    """`text` as literal Discord Markdown: no formatting, no mention, no masked link."""
    text = _escape_brackets(escape_markdown(text, as_needed=False, ignore_links=True))
    text = escape_mentions(text)
    return _MENTION.sub("<" + _ZWSP, text)


def _escape_brackets(markdown: str) -> str:
    """Escape every "[" and "]" of `markdown` that is not escaped already (idempotent)."""
    return _BRACKET_OR_ESCAPE.sub(lambda m: m[0] if len(m[0]) == 2 else "\\" + m[0], markdown)


def _url(url: str) -> str:
    # inside <…> a URL ends at ">" or whitespace; such characters are percent-encoded
    return re.sub(r"[\s<>]", lambda m: f"%{ord(m.group(0)):02X}", url)


def render_inlines(inlines: tuple[Inline, ...]) -> str:
    out: list[str] = []
    for node in inlines:
        if isinstance(node, Text):
            out.append(escape(node.text))
        elif isinstance(node, Bold):
            inner = render_inlines(node.children)
            out.append(f"**{inner}**" if inner.strip() else inner)
        elif isinstance(node, Link):
            label = _escape_brackets(render_inlines(node.children))
            if not node.url.lower().startswith(("http://", "https://")):
                # Discord links only http(s); any other target is shown as text, never linked
                out.append(f"{label} ({escape(node.url)})" if label else escape(node.url))
                continue
            # <url> keeps Discord from unfurling a preview under every answer
            out.append(f"[{label}](<{_url(node.url)}>)" if label else f"<{_url(node.url)}>")
    return "".join(out)


def render_block(block: Paragraph | BulletList) -> str:
    if isinstance(block, Paragraph):
        return render_inlines(block.children)
    return "\n".join("- " + render_inlines(item) for item in block.items)


def render_message(message: Message) -> str:
    """One message as Discord Markdown (may exceed 2000 characters: see `split`)."""
    return "\n\n".join(render_block(b) for b in message)


def split(text: str, limit: int = MAX_CONTENT) -> list[str]:
    """`text` in pieces of at most `limit` characters, cut at paragraphs, then lines, then words.

    A paragraph that is only a bold heading stays with the paragraph after it.
    """
    units: list[str] = []
    for para in text.split("\n\n"):
        if units and _HEADING.match(units[-1]) and len(units[-1]) + 2 + len(para) <= limit:
            units[-1] += "\n\n" + para
        else:
            units.append(para)
    pieces: list[str] = []
    for unit in units:
        for chunk in _cut(unit, limit, ("\n\n", "\n", " ")):
            if pieces and len(pieces[-1]) + 2 + len(chunk) <= limit:
                pieces[-1] += "\n\n" + chunk
            else:
                pieces.append(chunk)
    return [p for p in pieces if p.strip()] or [""]


def _cut(text: str, limit: int, separators: tuple[str, ...]) -> list[str]:
    if len(text) <= limit:
        return [text]
    if not separators:
        cut = limit - 1 if text[limit - 1] == "\\" else limit  # never split an escape in two
        return [text[:cut], *_cut(text[cut:], limit, ())]
    sep, rest = separators[0], separators[1:]
    out: list[str] = []
    for part in text.split(sep):
        for chunk in _cut(part, limit, rest):
            if out and len(out[-1]) + len(sep) + len(chunk) <= limit:
                out[-1] += sep + chunk
            else:
                out.append(chunk)
    return out


def render_messages(messages: list[Message], limit: int = MAX_CONTENT) -> list[str]:
    """The messages as Discord Markdown, as few Discord messages as fit (each ≤ `limit`)."""
    return split("\n\n".join(render_message(m) for m in messages), limit)


@dataclass(frozen=True)
class SourceLink:
    label: str
    url: str


def faq_embed(message: Message) -> tuple[discord.Embed, list[SourceLink]] | None:
    """An FAQ answer as an embed: the bold heading as title, the sources in the footer.

    Footers cannot hold links, so the sources' links are returned for link buttons. None when the
    message does not have that shape or would not fit an embed (the caller then sends text).
    """
    if len(message) < 2:
        return None
    head, *body, last = message
    if not (
        isinstance(head, Paragraph)
        and len(head.children) == 1
        and isinstance(head.children[0], Bold)
    ):
        return None
    if not (isinstance(last, Paragraph) and any(isinstance(n, Link) for n in last.children)):
        return None
    title = shorten(plain_text((head,)), MAX_EMBED_TITLE, one_line=False)
    description = render_message(tuple(body))
    footer = shorten(plain_text((last,)), MAX_EMBED_FOOTER, one_line=False)
    if len(description) > MAX_EMBED_DESCRIPTION:
        return None
    if len(title) + len(description) + len(footer) > MAX_EMBED_TOTAL:
        footer = shorten(footer, MAX_EMBED_TOTAL - len(title) - len(description), one_line=False)
    embed = discord.Embed(title=title, description=description, colour=EMBED_COLOUR)
    embed.set_footer(text=footer)
    links = [
        SourceLink(shorten(plain_text((Paragraph(n.children),)), 80, one_line=False), n.url)
        for n in last.children
        if isinstance(n, Link) and n.url.lower().startswith(("http://", "https://"))
    ]
    return embed, links


def sections_embed(message: Message) -> tuple[discord.Embed, list[SourceLink]] | None:
    """A composed answer as an embed: its first paragraph as the title, one field per section
    (a bold heading and what follows it: a question and its short answer), the sources in the
    footer (their links returned for link buttons, as `faq_embed` does). None when the message
    does not have that shape or would not fit (the caller then sends text)."""
    if len(message) < 3:
        return None
    intro, *body, last = message
    if not isinstance(intro, Paragraph) or not _links_only(last):
        return None
    fields: list[tuple[str, list]] = []
    for block in body:
        if _is_heading(block):
            fields.append((plain_text((block,)), []))
        elif fields:
            fields[-1][1].append(block)
        else:
            return None
    if not fields or len(fields) > MAX_FIELDS:
        return None
    embed = discord.Embed(title=shorten(plain_text((intro,)), MAX_EMBED_TITLE), colour=EMBED_COLOUR)
    for name, blocks in fields:
        value = render_message(tuple(blocks)) or _ZWSP
        if len(value) > MAX_FIELD_VALUE:
            return None
        embed.add_field(name=shorten(name, MAX_FIELD_NAME), value=value, inline=False)
    embed.set_footer(text=shorten(plain_text((last,)), MAX_EMBED_FOOTER, one_line=False))
    if len(embed) > MAX_EMBED_TOTAL:
        return None
    return embed, _source_links(last)


def _is_heading(block: Paragraph | BulletList) -> bool:
    return (
        isinstance(block, Paragraph)
        and len(block.children) == 1
        and isinstance(block.children[0], Bold)
    )


def _links_only(block: Paragraph | BulletList) -> bool:
    return isinstance(block, Paragraph) and any(isinstance(n, Link) for n in block.children)


def _source_links(block: Paragraph) -> list[SourceLink]:
    return [
        SourceLink(shorten(plain_text((Paragraph(n.children),)), 80, one_line=False), n.url)
        for n in block.children
        if isinstance(n, Link) and n.url.lower().startswith(("http://", "https://"))
    ]
