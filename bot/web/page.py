"""The chat page (the widget an iframe shows), phone first: a one-line header with the menu of
commands, the conversation taking all the height left, and the field to type in.

It works without JavaScript: every form posts to the page, which answers with the next page;
``widget.js`` turns it into a chat without reloads that survives a reload. The menu's buttons
are the command table's commands for the web (`bot.web.chat.web_commands`).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import Lang
from bot.render.html import escape
from bot.web.render import form_action, hidden
from bot.web.settings import HISTORY_HOURS, HISTORY_TURNS

BRAND = "aps-bot · RECE / APS"  # the page's heading: names, the same in every language


def greeting_html(
    t: Lang, *, hidden_fields: str, action: str, commands: list[str], continuing: bool
) -> str:
    """What a returning visitor sees first, without asking the engine: a line, then either the
    step they left (shown after it) or buttons to start."""
    if continuing:
        text = t.gettext("Welcome back. Let's continue where you left off.")
        return f'<div class="msg bot" lang="{t.code}"><p>{escape(text)}</p></div>'
    text = t.gettext("Welcome back. Type your question below, or:")
    labels = {"aps": t.gettext("Start the walkthrough"), "faq": t.gettext("Browse the topics")}
    buttons = "".join(
        f'<button type="submit" name="command" value="{name}" class="choice option">'
        f"{escape(labels[name])}</button>"
        for name in commands
        if name in labels
    )
    return (
        f'<div class="msg bot" lang="{t.code}"><p>{escape(text)}</p></div>'
        f'<form class="choices" method="post" action="{action}">{hidden_fields}{buttons}</form>'
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
    session: str,
    lang_param: str,
    exchanges: list[Exchange],
    commands: list[tuple[str, str]],
    max_chars: int,
    error: str = "",
    draft: str = "",
) -> str:
    """The whole page. `commands` are (name, translated summary) for the menu; `draft` is put
    back in the text field (a message that was refused is never lost); `error` is shown under it."""
    title = t.gettext("aps-bot: questions about the RECE card and the APS")
    description = t.gettext(
        "Ask about the job-search residence card (RECE, often still called APS) and the "
        "bilateral APS after your studies in France: answers with sources, and a walkthrough "
        "of your own situation."
    )
    you = t.gettext("You")
    log_label = t.gettext("Conversation")
    field_label = t.gettext("Your question")
    hint = t.gettext("Type a question, or /aps for the walkthrough.")
    send = t.gettext("Send")
    menu, menu_label = t.gettext("Menu"), t.gettext("Commands")
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
        "continue": t.gettext("Welcome back. Let's continue where you left off."),
        "you": you,
        "max": str(max_chars),
        "session": session,
        "keep": str(HISTORY_TURNS),
        "hours": str(HISTORY_HOURS),
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
    fields = hidden(csrf, lang_param, session)
    action = form_action(lang_param)
    buttons = "".join(
        f'<button type="submit" name="command" value="{escape(name)}">'
        f'<span class="cmd">/{escape(name)}</span> {escape(summary)}</button>'
        for name, summary in commands
    )
    return (
        "<!doctype html>\n"
        f'<html lang="{t.code}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        f'<meta name="description" content="{escape(description)}">\n'
        '<link rel="icon" href="data:,">\n'
        '<link rel="stylesheet" href="static/widget.css">\n'
        '<script src="static/widget.js" defer></script>\n</head>\n'
        '<body>\n<main class="chat" id="main">\n'
        f'<header class="bar"><h1 class="title">{escape(BRAND)}</h1>'
        f'<details class="menu"><summary>{escape(menu)}</summary>'
        f'<form class="tools" method="post" action="{action}" aria-label="{escape(menu_label)}">'
        f"{fields}{buttons}</form></details></header>\n"
        f'<div id="log" class="log" role="log" aria-live="polite" aria-label="{escape(log_label)}" '
        f'tabindex="0">\n{"".join(log)}\n</div>\n'
        f'<form id="send" class="send" method="post" action="{action}"{data}>{fields}'
        f'<label for="text" class="hidden-label">{escape(field_label)}</label>'
        f'<p id="hint" class="hidden-label">{escape(hint)}</p>'
        f'<textarea id="text" name="text" rows="1" required placeholder="{escape(field_label)}" '
        f'aria-describedby="hint send-error">{escape(draft)}</textarea>'
        f'<button type="submit">{escape(send)}</button>'
        f'<p id="send-error" class="error" role="alert">{escape(error)}</p></form>\n'
        f'<p class="disclaimer">{escape(disclaimer)}</p>\n'
        "</main>\n</body>\n</html>\n"
    )
