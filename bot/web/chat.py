"""The chat's routes: the page and its forms (``/``, without JavaScript) and ``/api/message``.

A visitor's message becomes an `Event` keyed ``("web", "web", <session id>)``, `Engine.handle`
answers it, and the `Reply` is rendered by `bot.web.render`.
"""

from __future__ import annotations

import json

from aiohttp import web

from bot.engine import ConversationKey, Event, Reply, ReplyKind
from bot.markup import parse
from bot.web.app_keys import CODEC, ENGINE, SETTINGS
from bot.web.page import Exchange, chat_page, greeting_html
from bot.web.refusal import Refusal, json_dumps, refusal_response
from bot.web.render import is_reminder, reply_html, reply_json
from bot.web.session import COOKIE
from bot.web.validation import check_origin, check_rate, validate_text
from bot.web.visitor import (
    PLATFORM,
    accept_language,
    set_session_cookie,
    visitor_lang,
    visitor_session,
)

NO_PUSH_COMMANDS = ("remind", "reminders")
PAGE_COMMANDS = ("aps", "faq", "privacy", "mydata", "forget")  # the page's command buttons


async def handle(request: web.Request, event: Event) -> Reply:
    """The engine's reply to `event`, with what only the web adds: no reminders (nothing can
    reach the visitor later), and a word about the cookie under /privacy."""
    engine = request.app[ENGINE]
    command = event.command if event.command else ""
    if command in NO_PUSH_COMMANDS or is_reminder(event.token):
        t = await visitor_lang(request, event.key.user, event.locale)
        return Reply(
            messages=[
                parse(
                    t.gettext(
                        "Reminders need a chat app that can write to you later, and this web "
                        "page cannot. Use aps-bot on Telegram or Discord for reminders, or note "
                        "your deadline in your calendar."
                    )
                )
            ],
            kind=ReplyKind.INFO,
            lang=t.code,
        )
    reply = await engine.handle(event)
    if command == "privacy":
        t = engine.catalogs.get(reply.lang)
        reply.messages.append(
            parse(
                t.gettext(
                    "On this web page I also keep one cookie, {cookie}: a random session id, "
                    "signed so that nobody can forge it. It holds no name and is not used to "
                    "follow you anywhere. /forget deletes your data and replaces the cookie."
                ),
                {"cookie": COOKIE},
            )
        )
    return reply


async def page_get(request: web.Request) -> web.StreamResponse:
    """A first visit gets the engine's welcome (/start). A returning visitor gets a short
    greeting without asking the engine: an embedded chat is loaded on every page of the site
    around it, and page views must not count as messages (the engine's flood control)."""
    session_id, new_cookie = visitor_session(request)
    lang_param = request.query.get("lang", "")[:16]
    t = await visitor_lang(request, session_id, lang_param)
    check_rate(request, t)
    if not new_cookie:
        greeting = Exchange("", greeting_html(t, request.app[CODEC].csrf(session_id), lang_param))
        return _page_response(
            request, session_id, None, lang_param, [], lang=t.code, shown=[greeting]
        )
    event = _event(
        request, session_id, text="/start", locale=lang_param or accept_language(request)
    )
    reply = await handle(request, event)
    return _page_response(request, session_id, new_cookie, lang_param, [("", reply)])


async def page_post(request: web.Request) -> web.StreamResponse:
    """The page's forms, without JavaScript. A refused message comes back in the text field."""
    session_id, new_cookie = visitor_session(request)
    form = await request.post()
    lang_param = str(form.get("lang", ""))[:16]
    t = await visitor_lang(request, session_id, lang_param)
    text = form.get("text")
    draft = text if isinstance(text, str) else ""
    locale = lang_param or accept_language(request)
    try:
        check_origin(request, t)
        check_rate(request, t)
        if new_cookie or not request.app[CODEC].check_csrf(session_id, str(form.get("csrf", ""))):
            raise Refusal(
                403,
                "expired_form",
                t.gettext(
                    "This page had expired, or your browser did not keep its cookie. Your "
                    "message is still here: send it again."
                ),
            )
        token, command = form.get("token"), form.get("command")
        if isinstance(token, str) and token:
            you = ""
            event = _event(request, session_id, token=token[:200], locale=locale)
        elif isinstance(command, str) and command in PAGE_COMMANDS:
            you = f"/{command}"
            event = _event(request, session_id, text=you, locale=locale)
        else:
            you = validate_text(request, text, t)
            event = _event(request, session_id, text=you, locale=locale)
    except Refusal as refusal:
        response = _page_response(
            request,
            session_id,
            new_cookie,
            lang_param,
            [],
            error=refusal.message,
            draft=draft,
            lang=t.code,
        )
        response.set_status(refusal.status)
        if refusal.retry_after:
            response.headers["Retry-After"] = str(refusal.retry_after)
        return response
    reply = await handle(request, event)
    session_id, new_cookie = _after(request, event, session_id, new_cookie)
    return _page_response(request, session_id, new_cookie, lang_param, [(you, reply)])


def _after(
    request: web.Request, event: Event, session_id: str, new_cookie: str | None
) -> tuple[str, str | None]:
    """After /forget, the visitor gets a new session: nothing links them to the old one."""
    if event.command == "forget":
        return request.app[CODEC].new()
    return session_id, new_cookie


def _page_response(
    request: web.Request,
    session_id: str,
    new_cookie: str | None,
    lang_param: str,
    exchanges: list[tuple[str, Reply]],
    *,
    error: str = "",
    draft: str = "",
    lang: str = "",
    shown: list[Exchange] | None = None,
) -> web.Response:
    engine = request.app[ENGINE]
    csrf = request.app[CODEC].csrf(session_id)
    t = engine.catalogs.get(exchanges[-1][1].lang if exchanges else lang)
    html = chat_page(
        t,
        csrf=csrf,
        lang_param=lang_param,
        exchanges=(shown or [])
        + [Exchange(you, reply_html(reply, csrf, lang_param)) for you, reply in exchanges],
        max_chars=request.app[SETTINGS].max_text_chars,
        error=error,
        draft=draft,
    )
    response = web.Response(text=html, content_type="text/html")
    if new_cookie:
        set_session_cookie(request, response, new_cookie)
    return response


async def api_message(request: web.Request) -> web.StreamResponse:
    """The script's JSON: ``{"text"}`` or ``{"token"}`` in, the reply (or a refusal) out."""
    session_id, new_cookie = visitor_session(request)
    t = await visitor_lang(request, session_id)
    try:
        check_origin(request, t)
        check_rate(request, t)
        if request.content_type != "application/json":
            raise Refusal(
                415,
                "not_json",
                t.gettext("The request was not understood. Reload the page and try again."),
            )
        try:
            body = json.loads(await request.text())
        except (ValueError, UnicodeDecodeError, RecursionError):  # nested deeper than Python
            body = None
        if not isinstance(body, dict):
            raise Refusal(
                400,
                "bad_json",
                t.gettext("The request was not understood. Reload the page and try again."),
            )
        lang_param = body.get("lang") if isinstance(body.get("lang"), str) else ""
        locale = lang_param[:16] or accept_language(request)
        if lang_param:
            t = await visitor_lang(request, session_id, lang_param)
        token = body.get("token")
        if token is not None:
            if not isinstance(token, str) or not token:
                raise Refusal(
                    400,
                    "bad_token",
                    t.gettext("The request was not understood. Reload the page and try again."),
                )
            event = _event(request, session_id, token=token[:200], locale=locale)
        else:
            text = validate_text(request, body.get("text"), t)
            event = _event(request, session_id, text=text, locale=locale)
    except Refusal as refusal:
        response = refusal_response(request, refusal)
        if new_cookie:
            set_session_cookie(request, response, new_cookie)
        return response
    reply = await handle(request, event)
    session_id, rotated = _after(request, event, session_id, new_cookie)
    response = web.json_response({"ok": True, "reply": reply_json(reply)}, dumps=json_dumps)
    if rotated:
        set_session_cookie(request, response, rotated)
    return response


def _event(
    request: web.Request, session_id: str, *, text: str = "", token: str = "", locale: str | None
) -> Event:
    key = ConversationKey(PLATFORM, PLATFORM, session_id)
    if token:
        return Event.choice_of(key, token, locale=locale)
    stripped = text.strip()
    if stripped.startswith("/") and len(stripped) > 1:
        name, _, args = stripped[1:].partition(" ")
        return Event.command_of(key, name, args, locale=locale)
    return Event.text_of(key, text, locale=locale)
