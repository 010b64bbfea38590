"""The chat page (the widget an iframe shows). It works without JavaScript: every form posts to
the page, which answers with the next page; ``widget.js`` turns it into a chat without reloads."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import Lang
from bot.render.html import escape
from bot.web.render import hidden


def greeting_html(t: Lang, csrf: str, lang_param: str) -> str:
    """What a returning visitor sees first: a line and two command buttons (no engine call)."""
    text = t.gettext("Welcome back. Type your question below, or:")
    walk, topics = t.gettext("Start the walkthrough"), t.gettext("Browse the topics")
    return (
        f'<div class="msg bot" lang="{t.code}"><p>{escape(text)}</p></div>'
        f'<form class="choices" method="post" action="./">{hidden(csrf, lang_param)}'
        f'<button type="submit" name="command" value="aps" class="choice option">{escape(walk)}'
        f'</button><button type="submit" name="command" value="faq" class="choice option">'
        f"{escape(topics)}</button></form>"
    )


@dataclass
class Exchange:
    """What the page shows in its log: what the visitor sent (if anything), then the reply."""

    you: str
    reply_html: str


def chat_page(
    t: Lang,
    *,
    csrf: str,
    lang_param: str,
    exchanges: list[Exchange],
    max_chars: int,
    error: str = "",
    draft: str = "",
) -> str:
    """The whole page. `draft` is put back in the text field (a message that was refused is
    never lost); `error` is shown under it."""
    title = t.gettext("aps-bot: questions about the RECE card and the APS")
    you = t.gettext("You")
    log_label = t.gettext("Conversation")
    field_label = t.gettext("Your question")
    hint = t.gettext("Type a question, or /aps for the walkthrough.")
    send = t.gettext("Send")
    data_label = t.gettext("Your data")
    privacy, mydata, forget = t.gettext("Privacy"), t.gettext("My data"), t.gettext("Forget me")
    disclaimer = t.gettext("General information with sources, not legal advice.")
    js = {
        "empty": t.gettext("Type a question first."),
        "too-long": t.gettext(
            "Your message is {length} characters long; the limit is {limit}. Shorten it and send "
            "it again."
        ),
        "network": t.gettext(
            "aps-bot cannot be reached. Check your connection: your message is still here."
        ),
        "sending": t.gettext("Sending…"),
        "you": you,
        "max": str(max_chars),
    }
    data = "".join(f' data-{k}="{escape(v)}"' for k, v in js.items())
    log = []
    for exchange in exchanges:
        if exchange.you:
            log.append(
                f'<div class="msg you"><p><span class="who">{escape(you)}</span> '
                f"{escape(exchange.you)}</p></div>"
            )
        log.append(exchange.reply_html)
    fields = hidden(csrf, lang_param)
    return (
        "<!doctype html>\n"
        f'<html lang="{t.code}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        '<link rel="icon" href="data:,">\n'
        '<link rel="stylesheet" href="static/widget.css">\n'
        '<script src="static/widget.js" defer></script>\n</head>\n'
        '<body>\n<main class="chat" id="main">\n'
        f'<h1 class="title">{escape(title)}</h1>\n'
        f'<div id="log" class="log" role="log" aria-live="polite" aria-label="{escape(log_label)}" '
        f'tabindex="0">\n{"".join(log)}\n</div>\n'
        f'<form id="send" class="send" method="post" action="./"{data}>{fields}'
        f'<label for="text">{escape(field_label)}</label>'
        f'<p id="hint" class="hint">{escape(hint)}</p>'
        f'<textarea id="text" name="text" rows="2" required aria-describedby="hint send-error">'
        f"{escape(draft)}</textarea>"
        f'<button type="submit">{escape(send)}</button>'
        f'<p id="send-error" class="error" role="alert">{escape(error)}</p></form>\n'
        f'<form class="tools" method="post" action="./" aria-label="{escape(data_label)}">{fields}'
        f'<button type="submit" name="command" value="privacy">{escape(privacy)}</button>'
        f'<button type="submit" name="command" value="mydata">{escape(mydata)}</button>'
        f'<button type="submit" name="command" value="forget">{escape(forget)}</button></form>\n'
        f'<p class="disclaimer">{escape(disclaimer)}</p>\n'
        "</main>\n</body>\n</html>\n"
    )
