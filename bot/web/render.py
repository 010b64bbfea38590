"""A `Reply` for the browser: as JSON for the widget's script, or as HTML for the page itself.

Messages go through `bot.render.html`, where every text node is escaped; labels are escaped here
(the script puts them in with ``textContent`` anyway). Buttons carry the engine's signed tokens
unchanged, so a forged or stale one reaches the engine, which answers "this menu has expired".
The reply's mode goes to the script, which takes the clicked buttons away when the reply replaces
their message (a walkthrough step): the page is a transcript, so the text stays.
"""

from __future__ import annotations

from bot.engine import Choice, Reply
from bot.engine.tokens import ReminderButton, claims
from bot.render.html import escape, render_message


def is_reminder(token: str) -> bool:
    """A reminder button: the web has no way to send a message later, so those buttons are not
    shown here (see `bot.web.chat`, /remind)."""
    return claims(token, ReminderButton)


def shown_choices(reply: Reply) -> list[Choice]:
    return [c for c in reply.choices if not is_reminder(c.token)]


def reply_json(reply: Reply) -> dict:
    """The reply as the widget's script receives it."""
    return {
        "kind": reply.kind.value,
        "mode": reply.mode.value,  # "replace": the clicked buttons' message is replaced
        # the first reply to a question: answer, composed, suggest or unknown (bot.search.decide)
        "faq_kind": reply.faq_kind,
        "lang": reply.lang,
        "messages": [render_message(m) for m in reply.messages],
        "alert": reply.alert if not reply.messages else None,
        "choices": [
            {"token": c.token, "label": c.label, "kind": c.kind.value} for c in shown_choices(reply)
        ],
    }


def reply_html(reply: Reply, csrf: str, lang: str) -> str:
    """The reply as page HTML: its messages, then its buttons in a form that posts the token."""
    kind = f" {escape(reply.faq_kind)}" if reply.faq_kind else ""  # a class: composed…
    parts = [
        f'<div class="msg bot{kind}" lang="{escape(reply.lang)}">{render_message(m)}</div>'
        for m in reply.messages
    ]
    if reply.alert and not reply.messages:
        parts.append(
            f'<div class="msg note" lang="{escape(reply.lang)}"><p>{escape(reply.alert)}</p></div>'
        )
    choices = shown_choices(reply)
    if choices:
        buttons = "".join(
            f'<button type="submit" name="token" value="{escape(c.token)}" '
            f'class="choice {c.kind.value}">{escape(c.label)}</button>'
            for c in choices
        )
        parts.append(
            f'<form class="choices" method="post" action="./">{hidden(csrf, lang)}{buttons}</form>'
        )
    return "\n".join(parts)


def hidden(csrf: str, lang: str) -> str:
    """The hidden fields every form of the page posts."""
    out = f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
    if lang:
        out += f'<input type="hidden" name="lang" value="{escape(lang)}">'
    return out
