"""The chat's routes: the page and its forms (``/``, without JavaScript), ``/api/message`` and
``/api/resume``.

A visitor's message becomes an `Event` keyed ``("web", "web", <session id>)``, `Engine.handle`
answers it, and the `Reply` is rendered by `bot.web.render`. Showing the page again (a reload, or
the next page of the site around an embedded chat) is not a message: the welcome and the step
waiting for an answer are read without handling an event (`bot.engine.suggest`), so page views
never count against the engine's flood control.
"""

from __future__ import annotations

import json
import math

from aiohttp import web

from bot.engine import Command, ConversationKey, Event, Reply, ReplyKind
from bot.engine.commands import offered_on
from bot.engine.suggest import pending_step, welcome
from bot.i18n import Lang
from bot.markup import parse
from bot.web.app_keys import CODEC, ENGINE, SETTINGS
from bot.web.page import Exchange, chat_page, greeting_html
from bot.web.refusal import Refusal, json_dumps, refusal_response
from bot.web.render import form_action, hidden, reply_html, reply_json
from bot.web.session import COOKIE
from bot.web.settings import FORM_MAX_BYTES, HISTORY_HOURS, HISTORY_TURNS
from bot.web.validation import check_origin, check_rate, validate_text
from bot.web.visitor import (
    PLATFORM,
    accept_language,
    set_session_cookie,
    visitor_lang,
    visitor_session,
)

NOT_UNDERSTOOD = "The request was not understood. Reload the page and try again."


def web_commands(request: web.Request) -> list[Command]:
    """The commands the page offers as buttons: the table's, for the web."""
    return offered_on(request.app[ENGINE].commands, PLATFORM)


def page_commands(request: web.Request) -> list[str]:
    return [c.name for c in web_commands(request)]


async def handle(request: web.Request, event: Event) -> Reply:
    """The engine's reply to `event`. The web adds a word about what the browser keeps under
    /privacy, and turns the engine's flood control into a refusal that says how long to wait
    (the message stays in the field: nothing is dropped silently)."""
    engine = request.app[ENGINE]
    reply = await engine.handle(event)
    if reply.kind is ReplyKind.THROTTLED:
        raise _throttled(request, event, reply)
    if event.command == "privacy":
        t = engine.catalogs.get(reply.lang)
        reply.messages.append(
            parse(
                t.gettext(
                    "On this web page, your browser keeps a random session id, signed so that "
                    "nobody can forge it (in the cookie {cookie} where your browser allows it), "
                    "and, so that a reload shows the conversation again, your last {turns} "
                    "messages and my replies, in this tab only. They go when you close the tab, "
                    "after {hours} hours, or with /forget. Nothing of it follows you to other "
                    "sites."
                ),
                {"cookie": COOKIE, "turns": str(HISTORY_TURNS), "hours": str(HISTORY_HOURS)},
            )
        )
    return reply


def _throttled(request: web.Request, event: Event, reply: Reply) -> Refusal:
    engine = request.app[ENGINE]
    t = engine.catalogs.get(reply.lang)
    wait = engine.flood.retry_after(PLATFORM, event.key.user) if engine.flood else 1.0
    seconds = max(1, math.ceil(wait))
    message = t.ngettext(
        "You are sending messages very quickly. Wait {count} second, then send yours again: "
        "it is still here.",
        "You are sending messages very quickly. Wait {count} seconds, then send yours again: "
        "it is still here.",
        seconds,
    ).format(count=t.number(seconds))
    return Refusal(429, "throttled", message, retry_after=seconds)


def _key(session_id: str) -> ConversationKey:
    return ConversationKey(PLATFORM, PLATFORM, session_id)


async def page_get(request: web.Request) -> web.StreamResponse:
    """The page: the welcome for a new visitor; for a returning one, a short greeting and the
    walkthrough step waiting for an answer, if any."""
    session_id, issued = visitor_session(request)
    lang_param = request.query.get("lang", "")[:16]
    t = await visitor_lang(request, session_id, lang_param)
    check_rate(request, t)
    engine = request.app[ENGINE]
    locale = lang_param or accept_language(request)
    if issued:
        first = await welcome(engine, _key(session_id), locale)
        return _page_response(request, session_id, issued, lang_param, [("", first)])
    pending = await pending_step(engine, _key(session_id), locale)
    codec = request.app[CODEC]
    greeting = greeting_html(
        t,
        hidden_fields=hidden(codec.csrf(session_id), lang_param, codec.sign(session_id)),
        action=form_action(lang_param),
        commands=[c for c in ("aps", "faq") if c in page_commands(request)],
        continuing=pending is not None,
    )
    shown = [("", pending)] if pending else []
    return _page_response(
        request, session_id, None, lang_param, shown, lang=t.code, first=[Exchange("", greeting)]
    )


async def page_post(request: web.Request) -> web.StreamResponse:
    """The page's forms, without JavaScript. A refused message comes back in the text field."""
    # a long message is read (up to FORM_MAX_BYTES) so that the refusal can give it back
    form = await request.clone(client_max_size=FORM_MAX_BYTES).post()
    session_id, issued = visitor_session(request, form.get("session"))
    lang_param = str(form.get("lang", "") or request.query.get("lang", ""))[:16]
    t = await visitor_lang(request, session_id, lang_param)
    text = form.get("text")
    draft = text if isinstance(text, str) else ""
    locale = lang_param or accept_language(request)
    try:
        check_origin(request, t)
        check_rate(request, t)
        if issued or not request.app[CODEC].check_csrf(session_id, str(form.get("csrf", ""))):
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
            event = _event(session_id, token=token[:200], locale=locale)
        elif isinstance(command, str) and command in page_commands(request):
            you = f"/{command}"
            event = _event(session_id, text=you, locale=locale)
        else:
            you = validate_text(request, text, t)
            event = _event(session_id, text=you, locale=locale)
        reply = await handle(request, event)
    except Refusal as refusal:
        response = _page_response(
            request,
            session_id,
            issued,
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
    session_id, issued = _after(request, event, session_id, issued)
    return _page_response(request, session_id, issued, lang_param, [(you, reply)])


def _after(
    request: web.Request, event: Event, session_id: str, issued: str | None
) -> tuple[str, str | None]:
    """After /forget, the visitor gets a new session: nothing links them to the old one."""
    if event.command == "forget":
        return request.app[CODEC].new()
    return session_id, issued


def _page_response(
    request: web.Request,
    session_id: str,
    issued: str | None,
    lang_param: str,
    exchanges: list[tuple[str, Reply]],
    *,
    error: str = "",
    draft: str = "",
    lang: str = "",
    first: list[Exchange] | None = None,
) -> web.Response:
    engine = request.app[ENGINE]
    codec = request.app[CODEC]
    csrf = codec.csrf(session_id)
    token = codec.sign(session_id)
    t = engine.catalogs.get(exchanges[-1][1].lang if exchanges else lang)
    html = chat_page(
        t,
        csrf=csrf,
        session=token,
        lang_param=lang_param,
        exchanges=(first or [])
        + [Exchange(you, reply_html(reply, csrf, lang_param, token)) for you, reply in exchanges],
        commands=[(c.name, t.gettext(c.summary)) for c in web_commands(request)],
        max_chars=request.app[SETTINGS].max_text_chars,
        error=error,
        draft=draft,
    )
    response = web.Response(text=html, content_type="text/html")
    if issued:
        set_session_cookie(request, response, issued)
    return response


async def _json_body(request: web.Request, t: Lang) -> dict:
    if request.content_type != "application/json":
        raise Refusal(415, "not_json", t.gettext(NOT_UNDERSTOOD))
    try:
        body = json.loads(await request.text())
    except (ValueError, UnicodeDecodeError, RecursionError):  # nested deeper than Python
        body = None
    if not isinstance(body, dict):
        raise Refusal(400, "bad_json", t.gettext(NOT_UNDERSTOOD))
    return body


async def api_message(request: web.Request) -> web.StreamResponse:
    """The script's JSON: ``{"text"}`` or ``{"token"}`` in, the reply (or a refusal) out. The
    session token comes in the ``X-Aps-Session`` header and, when it is new, goes back in it."""
    session_id, issued = visitor_session(request)
    t = await visitor_lang(request, session_id)
    try:
        check_origin(request, t)
        check_rate(request, t)
        body = await _json_body(request, t)
        lang_param, locale = _asked_language(request, body)
        if lang_param:
            t = await visitor_lang(request, session_id, lang_param)
        token = body.get("token")
        if token is not None:
            if not isinstance(token, str) or not token:
                raise Refusal(400, "bad_token", t.gettext(NOT_UNDERSTOOD))
            event = _event(session_id, token=token[:200], locale=locale)
        else:
            text = validate_text(request, body.get("text"), t)
            event = _event(session_id, text=text, locale=locale)
        reply = await handle(request, event)
    except Refusal as refusal:
        response = refusal_response(request, refusal)
        if issued:
            set_session_cookie(request, response, issued)
        return response
    session_id, rotated = _after(request, event, session_id, issued)
    answer = {"ok": True, "reply": reply_json(reply), "forgotten": event.command == "forget"}
    response = web.json_response(answer, dumps=json_dumps)
    if rotated:
        set_session_cookie(request, response, rotated)
    return response


async def api_resume(request: web.Request) -> web.StreamResponse:
    """What the script shows when the page is shown again: ``known`` (the session token it kept
    is valid), the welcome and the walkthrough step waiting for an answer, with buttons of that
    session. Read without handling an event: not a message."""
    session_id, issued = visitor_session(request)
    t = await visitor_lang(request, session_id)
    try:
        check_origin(request, t)
        check_rate(request, t)
        body = await _json_body(request, t)
    except Refusal as refusal:
        return refusal_response(request, refusal)
    if issued:  # nothing kept, or a token that is not ours: the page's own session stays
        return web.json_response({"ok": True, "known": False}, dumps=json_dumps)
    _, locale = _asked_language(request, body)
    engine = request.app[ENGINE]
    pending = await pending_step(engine, _key(session_id), locale)
    first = await welcome(engine, _key(session_id), locale)
    answer = {
        "ok": True,
        "known": True,
        "lang": first.lang,
        "welcome": reply_json(first),
        "pending": reply_json(pending) if pending else None,
    }
    return web.json_response(answer, dumps=json_dumps)


def _asked_language(request: web.Request, body: dict) -> tuple[str, str | None]:
    """The body's ``lang`` (the page's language, "" when absent), and the locale to read: it, or
    the browser's Accept-Language."""
    lang = body.get("lang") if isinstance(body.get("lang"), str) else ""
    return lang, lang[:16] or accept_language(request)


def _event(session_id: str, *, text: str = "", token: str = "", locale: str | None) -> Event:
    key = _key(session_id)
    if token:
        return Event.choice_of(key, token, locale=locale)
    stripped = text.strip()
    if stripped.startswith("/") and len(stripped) > 1:
        name, _, args = stripped[1:].partition(" ")
        return Event.command_of(key, name, args, locale=locale)
    return Event.text_of(key, text, locale=locale)
