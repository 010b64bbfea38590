"""A `Reply` for the browser: as JSON for the widget's script, or as HTML for the page itself.

Messages go through `bot.render.html`, where every text node is escaped; labels are escaped here
(the script puts them in with ``textContent`` anyway). Buttons carry the engine's signed tokens
unchanged, so a forged or stale one reaches the engine, which answers "this menu has expired".
What the web cannot do (reminders) the engine does not offer here: the command table says so.

The reply's mode goes to the script, which takes the clicked buttons away when the reply replaces
their message (a walkthrough step): the page is a transcript, so the text stays.
"""

from __future__ import annotations

from bot.engine import Reply
from bot.render.html import escape, render_message


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
            {"token": c.token, "label": c.label, "kind": c.kind.value} for c in reply.choices
        ],
    }


def reply_html(reply: Reply, csrf: str, lang: str, session: str) -> str:
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
    if reply.choices:
        buttons = "".join(
            f'<button type="submit" name="token" value="{escape(c.token)}" '
            f'class="choice {c.kind.value}">{escape(c.label)}</button>'
            for c in reply.choices
        )
        parts.append(
            f'<form class="choices" method="post" action="{form_action(lang)}">'
            f"{hidden(csrf, lang, session)}"
            f"{buttons}</form>"
        )
    return "\n".join(parts)


def form_action(lang: str) -> str:
    """Where the page's forms post: the page itself, with its language in the address, so that
    even a refusal of a body too large to read is in the page's language."""
    return f"./?lang={escape(lang)}" if lang else "./"


def hidden(csrf: str, lang: str, session: str) -> str:
    """The hidden fields every form of the page posts: the CSRF token, the page's language, and
    the session token (inside another site's frame the browser may keep no cookie)."""
    out = (
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        f'<input type="hidden" name="session" value="{escape(session)}">'
    )
    if lang:
        out += f'<input type="hidden" name="lang" value="{escape(lang)}">'
    return out
