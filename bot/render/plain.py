"""Plain-text rendering, for the console and ``aps-bot ask``."""

from __future__ import annotations

import textwrap
import unicodedata

from bot.engine.reply import Reply
from bot.markup import Bold, BulletList, Inline, Link, Message, Paragraph, Text

BOLD_ON, BOLD_OFF = "\x1b[1m", "\x1b[0m"


def render_message(message: Message, *, ansi: bool = False, width: int = 0) -> str:
    """A message as plain text: bullets as "•", links as "label (url)", bold as ANSI when asked.

    User text reaches a terminal here, so control characters are made visible instead of being
    interpreted (an escape sequence typed by a user cannot move the cursor or recolour the screen).
    """
    out: list[str] = []
    for block in message:
        if isinstance(block, Paragraph):
            out.append(_wrap(_inlines(block.children, ansi), width, ""))
        elif isinstance(block, BulletList):
            out.append("\n".join(_wrap(_inlines(item, ansi), width, "• ") for item in block.items))
    return "\n\n".join(out)


def render_reply(reply: Reply, *, ansi: bool = False, width: int = 0) -> str:
    """Every message, then the choices numbered from 1 (as the console accepts them)."""
    parts = [render_message(m, ansi=ansi, width=width) for m in reply.messages]
    if reply.alert and not reply.messages:
        parts.append(_clean(reply.alert))
    if reply.choices:
        parts.append("\n".join(f"  {i}. {_clean(c.label)}" for i, c in enumerate(reply.choices, 1)))
    for action in reply.actions:
        if action.label:
            parts.append(f"  → {_clean(action.label)}")
    return "\n\n".join(p for p in parts if p)


def _wrap(text: str, width: int, bullet: str) -> str:
    if not width:
        return bullet + text
    indent = " " * len(bullet)
    return textwrap.fill(
        text,
        width,
        initial_indent=bullet,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _clean(text: str) -> str:
    # control characters (ESC, BEL, CR…) would drive the terminal; show them instead
    return "".join(
        f"\\x{ord(c):02x}" if unicodedata.category(c) == "Cc" and c != "\n" else c for c in text
    )


def _inlines(inlines: tuple[Inline, ...], ansi: bool) -> str:
    parts: list[str] = []
    for node in inlines:
        if isinstance(node, Text):
            parts.append(_clean(node.text))
        elif isinstance(node, Bold):
            inner = _inlines(node.children, ansi)
            parts.append(f"{BOLD_ON}{inner}{BOLD_OFF}" if ansi else inner)
        elif isinstance(node, Link):
            label = _inlines(node.children, ansi)
            parts.append(label if label == node.url else f"{label} ({_clean(node.url)})")
    return "".join(parts)
