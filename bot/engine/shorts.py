"""An FAQ entry's short answer: the key fact in a sentence or two, for every preview.

Composed replies, Telegram's inline results, Discord's autocomplete and the site's search snippets
show it. An entry written before ``short:`` existed falls back to its answer's lead (the first
sentence, cut at a word; see `bot.markup.lead`), which keeps any ⚠️ of the answer: a preview never
shows an unsettled point as settled.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.knowledge.model import FaqEntry, faq_context
from bot.markup import Message, lead, plain_text, preview

# renders a knowledge string: (catalog context, English) → the message in the reader's language
Render = Callable[[str, str], Message]


def short_answer(entry: FaqEntry, render: Render) -> Message:
    """`entry`'s short answer in the reader's language (figures filled in), or its answer's lead."""
    if entry.short:
        return render(faq_context(entry.id, "short"), entry.short)
    return lead(render(faq_context(entry.id, "answer"), entry.answer))


def short_line(entry: FaqEntry, render: Render, limit: int) -> str:
    """`short_answer` as one line of plain text of at most `limit` characters (cut at a word,
    keeping its ⚠️)."""
    return preview(plain_text(short_answer(entry, render)), limit)
