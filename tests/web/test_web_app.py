"""``aps-bot web``: the chat's HTTP surface, in process (aiohttp's test server on 127.0.0.1).

The same Event → Engine → Reply path as Telegram and Discord; what the web adds is checked here:
the signed session cookie, the JSON API and the no-JavaScript forms, refusals that explain
themselves and lose nothing, the security headers, and logs without message texts or the key.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import DummyCookieJar
from aiohttp.test_utils import TestClient, TestServer

from bot.config import ConfigError, Secret
from bot.engine import Engine
from bot.engine.commands import offered_on
from bot.engine.tokens import ReminderAction, ReminderButton
from bot.i18n import Catalogs
from bot.knowledge import DEFAULT_KNOWLEDGE_DIR, load_knowledge
from bot.knowledge.model import NodeKind
from bot.storage import MemoryStore
from bot.testing import SKIP, FakeClock, Step, step_of
from bot.web import WebSettings, create_app
from bot.web.app_keys import ENGINE
from bot.web.session import COOKIE, HEADER, SessionCodec
from bot.web.settings import KEY_FILE_SUFFIX

SECRET = "s3cret-" + "k" * 40


@pytest.fixture(scope="module")
def knowledge():
    return load_knowledge(DEFAULT_KNOWLEDGE_DIR)


def make_engine(knowledge, *, flood_control: bool = False) -> Engine:
    return Engine(
        knowledge, MemoryStore(), Catalogs(), clock=FakeClock(), flood_control=flood_control
    )


async def client_for(engine: Engine, **settings) -> TestClient:
    app = create_app(engine, WebSettings(secret=Secret(SECRET), **settings))
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    return client


@pytest.fixture
async def chat(knowledge) -> AsyncIterator[TestClient]:
    client = await client_for(make_engine(knowledge))
    yield client
    await client.close()


async def say(client: TestClient, **body) -> tuple[int, dict]:
    response = await client.post("/api/message", json=body)
    return response.status, await response.json()


RECE = {"nationality": "other", "finished": "done", "diploma": "master", "titre_status": "valid"}


async def shown(chat: TestClient, body: dict) -> Step:
    """The walkthrough step a reply shows, read from its buttons with the app's engine."""
    step = await step_of(chat.server.app[ENGINE], [c["token"] for c in body["reply"]["choices"]])
    assert step is not None, body
    return step


async def option_token(client: TestClient, reply: dict, option_id: str) -> str:
    """The token of the button of option `option_id` (flow.yaml, or `SKIP`) of the step `reply`
    shows."""
    step = await step_of(client.server.app[ENGINE], [c["token"] for c in reply["choices"]])
    assert step is not None and option_id in step.tokens, (reply, option_id)
    return step.tokens[option_id]


async def walk(chat: TestClient, body: dict, answers: dict[str, str], until: str = "") -> dict:
    """Click through the steps by node and option id (`bot.testing.Step`) until node `until`
    or an outcome; the last answer."""
    for _ in range(20):
        step = await shown(chat, body)
        if step.node.id == until or step.node.kind is NodeKind.OUTCOME:
            return body
        token = step.token(step.choose(answers))
        _, body = await (say(chat, token=token) if token else say(chat, text=step.choose(answers)))
        assert body["ok"], body
        assert body["reply"]["mode"] == "replace"  # the script takes the clicked buttons away
    raise AssertionError("no outcome")


# ---------------------------------------------------------------------- page and headers


async def test_page_welcomes_in_the_visitors_language_with_strict_headers(chat: TestClient):
    response = await chat.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert response.status == 200
    html = await response.text()
    assert '<html lang="fr">' in html and "Bonjour" in html
    assert 'name="csrf"' in html and '<script src="static/widget.js" defer>' in html
    h = response.headers
    assert "script-src 'self'" in h["Content-Security-Policy"]
    assert "default-src 'none'" in h["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in h["Content-Security-Policy"]
    assert h["X-Frame-Options"] == "DENY"
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] == "no-referrer"
    assert h["Cache-Control"] == "no-store"
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None  # no inline script
    again = await (await chat.get("/?lang=en")).text()  # a returning visitor: no engine call
    assert '<html lang="en">' in again and "Welcome back" in again and "Hello!" not in again
    assert 'name="command" value="aps"' in again


async def test_static_files_and_embed_script(chat: TestClient):
    for name, kind in (("widget.js", "text/javascript"), ("widget.css", "text/css")):
        response = await chat.get(f"/static/{name}")
        assert response.status == 200 and response.content_type == kind
    embed = await chat.get("/embed.js")
    assert embed.status == 200 and embed.content_type == "text/javascript"
    assert embed.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    missing = await chat.get("/static/../../etc/passwd")
    assert missing.status == 404
    assert (await chat.get("/healthz")).status == 200


async def test_embedding_sites_get_a_partitioned_cross_site_cookie(knowledge):
    client = await client_for(
        make_engine(knowledge), frame_ancestors=("https://www.example.edu", "'self'")
    )
    try:
        response = await client.get("/")
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors https://www.example.edu 'self'" in csp
        assert "X-Frame-Options" not in response.headers
        raw = response.headers["Set-Cookie"]
        assert "SameSite=None" in raw and "Secure" in raw and "Partitioned" in raw
    finally:
        await client.close()


# ---------------------------------------------------------------------- the chat


async def test_a_typed_question_gets_the_faq_answer(chat: TestClient):
    status, body = await say(chat, text="combien coute la carte")
    assert status == 200 and body["ok"]
    reply = body["reply"]
    assert reply["kind"] == "faq" and reply["lang"] == "fr"
    assert "Combien ça coûte" in reply["messages"][0]
    assert any("👍" in c["label"] for c in reply["choices"])


async def test_each_kind_of_first_reply_reaches_the_browser(chat: TestClient, knowledge):
    """Issue 19: an answer with "Not what I asked", a composed reply, "did you mean", none."""
    _, body = await say(chat, text="how much does the rece card cost", lang="en")
    reply = body["reply"]
    assert reply["faq_kind"] == "answer" and "How much does it cost?" in reply["messages"][0]
    missed = next(c for c in reply["choices"] if c["label"] == "❓ Not what I asked")
    _, toast = await say(chat, token=missed["token"], lang="en")
    assert toast["reply"]["kind"] == "ack" and "Try other words" in toast["reply"]["alert"]

    _, body = await say(chat, text="how much does it cost? and where do I apply?", lang="en")
    reply = body["reply"]
    assert reply["faq_kind"] == "composed"
    assert reply["messages"][0].startswith("<p>Your question has several parts:</p>")
    assert "<strong>How much does it cost?</strong>" in reply["messages"][0]
    more = [c for c in reply["choices"] if c["label"].startswith("More: ")]
    assert len(more) == 2
    _, body = await say(chat, token=more[1]["token"], lang="en")
    assert body["reply"]["faq_kind"] == "answer"

    _, body = await say(chat, text="card papers", lang="en")
    assert body["reply"]["faq_kind"] == "suggest" and len(body["reply"]["choices"]) >= 2
    _, body = await say(chat, text="how do I open a bank account?", lang="en")
    assert body["reply"]["faq_kind"] == "unknown"
    topics = set(knowledge.faq.topics.values())
    assert {c["label"] for c in body["reply"]["choices"]} == topics


async def test_the_walkthrough_reaches_an_outcome_by_clicks(chat: TestClient):
    _, body = await say(chat, text="/aps", lang="en")
    body = await walk(chat, body, RECE)  # then skip the date
    assert "You can apply for the RECE card" in body["reply"]["messages"][0]


async def test_forged_stale_and_foreign_buttons_change_nothing(chat: TestClient, knowledge):
    _, first = await say(chat, text="/aps", lang="en")
    first = await walk(chat, first, {}, until="nationality")  # however many questions before it
    step1 = (await shown(chat, first)).tokens
    _, second = await say(chat, token=step1["other"])  # on to "have you finished?"
    assert "finished your course" in second["reply"]["messages"][0]

    _, forged = await say(chat, token=step1["other"][:-8] + "deadbeef.0")
    assert forged["reply"]["kind"] == "expired"
    _, stale = await say(chat, token=step1["india"])  # a button of the step before
    assert stale["reply"]["kind"] == "expired"
    _, garbage = await say(chat, token="<script>alert(1)</script>" * 20)
    assert garbage["reply"]["kind"] == "expired"
    assert "<script>" not in json.dumps(garbage)

    other = await client_for(make_engine(knowledge))
    try:
        # a token signed for someone else's session (the other engine's key differs anyway)
        _, foreign = await say(other, token=(await shown(chat, second)).tokens["done"])
        assert foreign["reply"]["kind"] in ("expired", "not_yours")
    finally:
        await other.close()

    # nothing changed: the current step's buttons still work
    _, third = await say(chat, token=(await shown(chat, second)).tokens["done"])
    done = next(o for o in knowledge.flow.nodes["finished"].options if o.id == "done")
    assert (await shown(chat, third)).node.id == done.next


async def test_user_text_comes_back_inert(chat: TestClient):
    hostile = '<img src=x onerror=alert(1)> /faq "><script>alert(1)</script>'
    _, body = await say(chat, text="/nosuchcommand" + hostile)
    html = "".join(body["reply"]["messages"])
    assert "<script>" not in html and "<img" not in html
    page = await chat.post("/", data={"text": hostile, "csrf": "wrong"})
    text = await page.text()
    assert "<script>alert(1)" not in text and "&lt;script&gt;" in text


# ---------------------------------------------------------------------- refusals


async def test_a_4000_character_message_gets_a_clear_error_in_french(chat: TestClient):
    response = await chat.post(
        "/api/message", json={"text": "é" * 4000}, headers={"Accept-Language": "fr"}
    )
    body = await response.json()
    assert response.status == 413
    assert body == {
        "ok": False,
        "error": "too_long",
        "message": "Votre message fait 4\u202f000 caractères ; la limite est de 1\u202f000. "
        "Raccourcissez-le et renvoyez-le.",
    }


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        (
            {"data": b'{"text": "hi"', "headers": {"Content-Type": "application/json"}},
            400,
            "bad_json",
        ),
        ({"data": b"[1, 2]", "headers": {"Content-Type": "application/json"}}, 400, "bad_json"),
        ({"data": b"text=hi", "headers": {"Content-Type": "text/plain"}}, 415, "not_json"),
        ({"json": {"text": 42}}, 400, "bad_request"),
        ({"json": {"text": "   "}}, 400, "empty"),
        ({"json": {"token": ""}}, 400, "bad_token"),
        ({"json": {"text": "x" * 70000}}, 413, "http_413"),
        ({"json": {"text": "hi"}, "headers": {"Origin": "https://evil.example"}}, 403, "origin"),
    ],
)
async def test_bad_requests_get_an_error_that_says_what_to_do(chat, kwargs, status, code):
    response = await chat.post("/api/message", **kwargs)
    body = await response.json()
    assert response.status == status
    assert body["ok"] is False and body["error"] == code
    assert len(body["message"]) > 15 and "Traceback" not in body["message"]
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


async def test_wrong_method_and_unknown_page(chat: TestClient):
    response = await chat.get("/api/message")
    assert response.status == 405
    assert (await response.json())["error"] == "http_405"
    missing = await chat.get("/nope")
    assert missing.status == 404 and "There is no such page" in await missing.text()


async def test_per_address_limit(knowledge):
    client = await client_for(make_engine(knowledge), ip_burst=3, ip_rate=0.01)
    try:
        for _ in range(3):
            assert (await say(client, text="fee"))[0] == 200
        response = await client.post("/api/message", json={"text": "fee"})
        assert response.status == 429 and int(response.headers["Retry-After"]) >= 1
        assert (await response.json())["error"] == "rate_limited"
    finally:
        await client.close()


async def test_flooding_is_told_how_long_to_wait_and_nothing_is_dropped(knowledge):
    """Issue 21: every throttled message gets a visible "wait N seconds" (the message stays in
    the field); nothing is silently dropped. A script sending twenty at once meets it."""
    client = await client_for(make_engine(knowledge, flood_control=True))
    try:
        answers = [await client.post("/api/message", json={"text": "fee"}) for _ in range(20)]
        statuses = [a.status for a in answers]
        burst = statuses.index(429)
        assert burst >= 5 and set(statuses[:burst]) == {200} and set(statuses[burst:]) == {429}
        for answer in answers[burst:]:
            body = await answer.json()
            assert body["error"] == "throttled" and int(answer.headers["Retry-After"]) >= 1
            assert re.search(
                r"Wait \d+ seconds?, then send yours again: it is still here", body["message"]
            )
        page = await (await client.get("/?lang=fr")).text()
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)[1]
        refused = await client.post("/", data={"text": "ma question", "csrf": csrf, "lang": "fr"})
        html = await refused.text()
        assert refused.status == 429 and "Attendez" in html and ">ma question</textarea>" in html
    finally:
        await client.close()


async def test_a_person_typing_fast_is_never_throttled(knowledge):
    """Forty messages a second and a half apart, then ten clicks through the walkthrough a third
    of a second apart: a person, however fast, never meets the flood control."""
    clock = FakeClock()
    engine = Engine(knowledge, MemoryStore(), Catalogs(), clock=clock, flood_control=True)
    client = await client_for(engine)
    try:
        for _ in range(40):
            status, body = await say(client, text="how much does it cost", lang="en")
            assert status == 200 and body["reply"]["kind"] == "faq"
            clock.advance(1.5)
        _, body = await say(client, text="/aps")
        for pick in (6, 0, 0, 0, 1, 0, 0, 0, 1, 0):  # forward and back: ten quick clicks
            clock.advance(0.33)
            tokens = [c["token"] for c in body["reply"]["choices"]]
            status, body = await say(client, token=tokens[min(pick, len(tokens) - 1)])
            assert status == 200, body
    finally:
        await client.close()


async def test_page_views_are_not_messages(knowledge):
    """An embedded chat loads with every page of the site around it: twenty page views in a
    row must not trip the engine's flood control."""
    client = await client_for(make_engine(knowledge, flood_control=True))
    try:
        for _ in range(20):
            assert (await client.get("/?lang=en")).status == 200
        _, body = await say(client, text="how much does it cost")
        assert body["reply"]["kind"] == "faq"
    finally:
        await client.close()


# ---------------------------------------------------------------------- session and privacy


async def test_a_forged_cookie_is_ignored_and_replaced(chat: TestClient):
    chat.session.cookie_jar.update_cookies({COOKIE: "abc.def"})
    response = await chat.post("/api/message", json={"text": "/mydata"})
    assert response.status == 200
    assert COOKIE in response.cookies and response.cookies[COOKIE].value != "abc.def"


async def test_privacy_mydata_and_forget(chat: TestClient):
    await say(chat, text="/lang fr")
    _, privacy = await say(chat, text="/privacy")
    assert "aps_sid" in privacy["reply"]["messages"][-1]  # the web's cookie, explained
    _, mine = await say(chat, text="/mydata")
    assert "Français" in mine["reply"]["messages"][0]
    before = chat.session.cookie_jar.filter_cookies(chat.make_url("/"))[COOKIE].value
    response = await chat.post("/api/message", json={"text": "/forget", "lang": "fr"})
    body = await response.json()
    assert "effacé" in body["reply"]["messages"][0]
    after = response.cookies[COOKIE].value
    assert after != before  # a new anonymous session: nothing links it to the old one
    _, empty = await say(chat, text="/mydata")
    assert "nothing stored" in empty["reply"]["messages"][0]


async def test_reminders_are_explained_not_silently_stored(chat: TestClient, knowledge):
    """The command table says /remind and /reminders do not work on the web: the web lists
    neither, answers them with why, and offers no reminder button under an outcome."""
    _, body = await say(chat, text="/remind 15/03/2027", lang="en")
    assert "Telegram or Discord" in body["reply"]["messages"][0]
    _, body = await say(chat, text="/help")
    assert "/remind" not in body["reply"]["messages"][0] and "/aps" in body["reply"]["messages"][0]
    page = await (await chat.get("/")).text()
    menu = re.findall(
        r'name="command" value="([a-z]+)"', page.split('class="menu"')[1].split("</details>")[0]
    )
    engine = chat.server.app[ENGINE]
    assert menu == [c.name for c in offered_on(engine.commands, "web")]
    assert "remind" not in menu and "reminders" not in menu
    _, body = await say(chat, text="/aps")
    body = await walk(chat, body, RECE, until="titre_expiry")
    _, body = await say(chat, text="2027-06-30")
    assert "RECE card" in body["reply"]["messages"][0]
    assert not [c for c in body["reply"]["choices"] if c["token"].startswith("r.")]
    # a reminder button signed for this visitor (from before the web joined the table) is
    # explained too, and stores nothing
    session = chat.session.cookie_jar.filter_cookies(chat.make_url("/"))[COOKIE].value
    codec = await engine.codec()
    owner = codec.owner("web", session.split(".")[0])
    _, body = await say(
        chat, token=codec.pack(ReminderButton(ReminderAction.OPT_IN_TITRE, "20270630"), owner)
    )
    assert "Telegram or Discord" in body["reply"]["messages"][0]
    assert not (await engine.store.user_data("web", session.split(".")[0])).get("reminders")


async def test_mydata_reads_like_every_other_reply(chat: TestClient):
    """Issue 21: /mydata showed raw ``**``, a question cut mid-word and ``agreement=none``."""
    _, body = await say(chat, text="/aps", lang="en")
    for option in ("other", "done"):
        _, body = await say(chat, token=await option_token(chat, body["reply"], option))
    _, mine = await say(chat, text="/mydata")
    html = mine["reply"]["messages"][0]
    assert "**" not in html and "=" not in html.replace('="', "")
    assert "Walkthrough: at “Which diploma do you have?”" in html or "at “Which diploma" in html
    assert "Your answers: Another nationality; Yes: I have the diploma" in html


# ---------------------------------------------------------------------- no cookies: the page's token


async def cookieless(engine: Engine, **settings) -> TestClient:
    """A browser that keeps no cookie at all (a third-party frame in Safari, Firefox's strict
    mode, Chrome's third-party cookie blocking, or plain HTTP where Secure cookies cannot be set)."""
    app = create_app(engine, WebSettings(secret=Secret(SECRET), **settings))
    client = TestClient(TestServer(app, host="127.0.0.1"), cookie_jar=DummyCookieJar())
    await client.start_server()
    return client


async def tell(client: TestClient, session: str | None, **body) -> tuple[str | None, dict]:
    """What the page's script does: the token it keeps in the header, the one returned kept."""
    headers = {HEADER: session} if session else {}
    response = await client.post("/api/message", json=body, headers=headers)
    return response.headers.get(HEADER, session), await response.json()


async def test_the_walkthrough_works_without_any_cookie(knowledge):
    """Issue 21: embedded on another site with third-party cookies blocked, the first click
    said "these buttons belong to someone else". The page's script keeps its own token."""
    client = await cookieless(make_engine(knowledge), frame_ancestors=("https://uni.example",))
    try:
        page = await (await client.get("/?lang=en")).text()
        token = re.search(r'data-session="([^"]+)"', page)[1]
        welcome_walk = re.search(r'name="token" value="([^"]+)"', page)[1]
        token, body = await tell(client, token, token=welcome_walk)  # "Start the walkthrough"
        assert "What is your nationality?" in body["reply"]["messages"][-1]
        for option in ("other", "done", "master", "valid", SKIP):
            token, body = await tell(
                client, token, token=await option_token(client, body["reply"], option)
            )
            assert body["reply"]["kind"] == "walkthrough", body
        assert "You can apply for the RECE card" in body["reply"]["messages"][0]
        # without the token, the same click is someone else's: it changes nothing
        _, other = await tell(client, None, token=welcome_walk)
        assert other["reply"]["kind"] in ("expired", "not_yours")
        # a forged token is a new visitor, and the real one still has their walkthrough
        forged = token.split(".")[0] + ".AAAAAAAAAAAAAAAAAAAAAA"
        issued, fake = await tell(client, forged, text="/mydata")
        assert issued != forged and "nothing stored" in fake["reply"]["messages"][0]
        _, mine = await tell(client, token, text="/mydata")
        assert "You can apply for the RECE card" in mine["reply"]["messages"][0]
    finally:
        await client.close()


async def test_without_javascript_or_cookies_the_forms_carry_the_session(knowledge):
    client = await cookieless(make_engine(knowledge))
    try:
        page = await (await client.get("/?lang=en")).text()
        fields = dict(re.findall(r'name="(csrf|session)" value="([^"]+)"', page))
        walk = re.search(r'name="token" value="([^"]+)"', page)[1]
        step = await (await client.post("/?lang=en", data={**fields, "token": walk})).text()
        assert "What is your nationality?" in step
        option = re.findall(r'name="token" value="([^"]+)" class="choice option"', step)[6]
        nxt = await (await client.post("/?lang=en", data={**fields, "token": option})).text()
        assert "Have you finished your course?" in nxt
        forged = {**fields, "session": fields["session"][:-2] + "xx"}
        refused = await client.post("/?lang=en", data={**forged, "text": "fee"})
        assert refused.status == 403 and ">fee</textarea>" in await refused.text()
    finally:
        await client.close()


async def test_a_reload_gets_the_welcome_and_the_pending_step_without_a_message(knowledge):
    """What the script shows after a reload or on the next page of the site: the welcome and
    the step waiting for an answer, with buttons of its session, read without counting as a
    message (twenty reloads do not trip the flood control)."""
    client = await cookieless(make_engine(knowledge, flood_control=True))
    try:
        token, body = await tell(client, None, text="/aps", lang="en")
        token, body = await tell(
            client, token, token=await option_token(client, body["reply"], "other")
        )
        asked = body["reply"]["messages"][-1]
        for _ in range(20):
            response = await client.post("/api/resume", json={}, headers={HEADER: token})
            resumed = await response.json()
        assert resumed["known"] and resumed["lang"] == "en"
        assert resumed["welcome"]["messages"][0].startswith("<p>Hello!")
        assert resumed["pending"]["messages"] == [asked]
        _, body = await tell(
            client, token, token=await option_token(client, resumed["pending"], "done")
        )
        assert "Which diploma" in body["reply"]["messages"][0]
        for unknown in (None, "forged.token"):
            headers = {HEADER: unknown} if unknown else {}
            gone = await (await client.post("/api/resume", json={}, headers=headers)).json()
            assert gone == {"ok": True, "known": False}
        # after /forget: a new token, and the old one no longer knows anything
        new, forgotten = await tell(client, token, text="/forget")
        assert forgotten["forgotten"] is True and new != token
        after = await (await client.post("/api/resume", json={}, headers={HEADER: new})).json()
        assert after["known"] and after["pending"] is None
    finally:
        await client.close()


async def test_without_javascript_a_returning_visitor_sees_where_they_left_off(chat: TestClient):
    _, body = await say(chat, text="/aps", lang="en")
    await say(chat, token=await option_token(chat, body["reply"], "other"))
    html = await (await chat.get("/?lang=en")).text()
    assert "Welcome back. Let&#x27;s continue where you left off." in html
    assert "Have you finished your course?" in html
    assert html.index("continue where you left off") < html.index("Have you finished")


async def test_a_huge_message_without_javascript_comes_back_in_the_visitors_language(
    chat: TestClient,
):
    """Issue 21: a 100 KB message without JavaScript gave a bare English 413 and lost the text."""
    page = await (await chat.get("/?lang=fr")).text()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)[1]
    huge = "ma très longue question " * 4200  # about 100 KB
    refused = await chat.post("/?lang=fr", data={"text": huge, "csrf": csrf, "lang": "fr"})
    html = await refused.text()
    assert refused.status == 413 and '<html lang="fr">' in html
    assert "la limite est de 1" in html and huge.strip() in html
    beyond = await chat.post(
        "/?lang=fr",
        data=io.BytesIO(b"text=" + b"x" * 2_000_000),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    text = await beyond.text()
    assert beyond.status == 413 and '<html lang="fr">' in text and "Raccourcissez" in text


async def test_no_response_names_the_servers_software(chat: TestClient):
    for response in (
        await chat.get("/"),
        await chat.get("/nope"),
        await chat.post("/api/message", json={"text": "fee"}),
        await chat.get("/robots.txt"),
    ):
        assert response.headers["Server"] == "aps-bot"
        assert "Python" not in str(response.headers) and "aiohttp" not in str(response.headers)


# ---------------------------------------------------------------------- without JavaScript


async def test_the_page_works_without_javascript(chat: TestClient):
    page = await (await chat.get("/?lang=en")).text()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)[1]
    answer = await chat.post(
        "/", data={"text": "how much does it cost", "csrf": csrf, "lang": "en"}
    )
    html = await answer.text()
    assert answer.status == 200 and "How much does it cost?" in html
    assert "how much does it cost</p>" in html  # what the visitor typed, in the log
    token = re.search(r'name="token" value="([^"]+)"', html)[1]
    clicked = await chat.post("/", data={"token": token, "csrf": csrf, "lang": "en"})
    assert clicked.status == 200
    composed = await chat.post("/", data={"text": "documents and cost", "csrf": csrf, "lang": "en"})
    assert '<div class="msg bot composed" lang="en">' in await composed.text()
    tools = await chat.post("/", data={"command": "privacy", "csrf": csrf, "lang": "en"})
    assert "What I store" in await tools.text()


async def test_an_expired_form_keeps_the_message(chat: TestClient):
    await chat.get("/?lang=en")
    response = await chat.post("/", data={"text": "my long question", "csrf": "stale"})
    html = await response.text()
    assert response.status == 403
    assert "This page had expired" in html
    assert ">my long question</textarea>" in html
    too_long = "word " * 300
    page = await (await chat.get("/?lang=en")).text()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)[1]
    refused = await chat.post("/", data={"text": too_long, "csrf": csrf, "lang": "en"})
    assert refused.status == 413
    assert too_long.strip() in await refused.text()


# ---------------------------------------------------------------------- logs


async def test_logs_hold_no_message_cookie_or_key(knowledge, caplog):
    caplog.set_level(logging.DEBUG)
    client = await client_for(make_engine(knowledge))
    try:
        secret_question = "my-very-private-question-about-préfecture"
        await say(client, text=secret_question)
        await client.post("/api/message", json={"text": secret_question * 100})
        await client.post("/", data={"text": secret_question, "csrf": "x"})
        cookie = client.session.cookie_jar.filter_cookies(client.make_url("/"))[COOKIE].value
    finally:
        await client.close()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "POST api 200" in logged
    assert secret_question not in logged and SECRET not in logged
    assert cookie not in logged and cookie.split(".")[0] not in logged


async def test_a_failure_inside_is_a_clear_500_that_logs_no_text(knowledge, caplog):
    class Broken(Engine):
        async def handle(self, event):
            raise ValueError(f"cannot handle {event.text}")

    engine = make_engine(knowledge)
    engine.__class__ = Broken
    client = await client_for(engine)
    try:
        response = await client.post("/api/message", json={"text": "secret words here"})
        body = await response.json()
    finally:
        await client.close()
    assert response.status == 500 and body["error"] == "server_error"
    assert "still here" in body["message"]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "ValueError at" in logged and "secret words" not in logged


# ---------------------------------------------------------------------- settings


def test_session_codec_signs_and_refuses_forgeries():
    codec = SessionCodec("key-one")
    session_id, cookie = codec.new()
    assert codec.verify(cookie) == session_id
    assert SessionCodec("key-two").verify(cookie) is None
    for bad in (None, "", "x", cookie + "x", session_id + ".", "é." * 3, "a" * 200):
        assert codec.verify(bad) is None
    assert codec.check_csrf(session_id, codec.csrf(session_id))
    assert not codec.check_csrf(session_id, None) and not codec.check_csrf(session_id, "nope")


def test_key_is_created_next_to_the_database_once_and_private(tmp_path: Path):
    db = tmp_path / "data" / "aps-bot.sqlite3"
    first = WebSettings.from_env({}, database=str(db))
    key_file = db.with_name(db.name + KEY_FILE_SUFFIX)
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    again = WebSettings.from_env({}, database=f"sqlite:///{db}")
    assert first.secret.reveal() == again.secret.reveal()
    assert first.secret.reveal() not in repr(first)


def test_settings_refuse_what_cannot_work():
    with pytest.raises(ConfigError, match="Redis"):
        WebSettings.from_env({}, database="redis://localhost:6379/0")
    with pytest.raises(ConfigError, match="at least 32") as short:
        WebSettings.from_env({"APS_BOT_WEB_SECRET": "tooshort"}, database="memory")
    assert "tooshort" not in str(short.value)
    with pytest.raises(ConfigError, match="FRAME_ANCESTORS"):
        WebSettings.from_env({"APS_BOT_WEB_FRAME_ANCESTORS": "javascript:x"}, database="memory")
    ok = WebSettings.from_env(
        {
            "APS_BOT_WEB_SECRET": "x" * 40,
            "APS_BOT_WEB_FRAME_ANCESTORS": "https://www.example.edu https://*.example.org",
            "APS_BOT_WEB_TRUST_PROXY": "1",
        },
        database="redis://localhost:6379/0",
    )
    assert ok.frame_ancestors == ("https://www.example.edu", "https://*.example.org")
    assert ok.trust_proxy and ok.ip_burst == 600 and ok.ip_rate == 10
    off = WebSettings.from_env({"APS_BOT_WEB_ADDRESS_LIMIT": "0"}, database="memory")
    assert off.ip_burst == 0
    with pytest.raises(ConfigError, match="ADDRESS_LIMIT"):
        WebSettings.from_env({"APS_BOT_WEB_ADDRESS_LIMIT": "lots"}, database="memory")


async def test_no_address_limit_when_switched_off(knowledge):
    client = await client_for(make_engine(knowledge), ip_burst=0)
    try:
        for _ in range(5):
            assert (await say(client, text="fee"))[0] == 200
    finally:
        await client.close()


# ---------------------------------------------------------------------- the command


def test_aps_bot_web_serves_until_sigterm(tmp_path: Path):
    import signal
    import subprocess
    import sys
    import urllib.request

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "APS_BOT_HEARTBEAT": str(tmp_path / "hb")}
    with subprocess.Popen(
        [sys.executable, "-m", "bot", "web", "--port", "0", "--database", "memory"],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        try:
            line = proc.stdout.readline()
            url = re.search(r"http://127\.0\.0\.1:\d+/", line)[0]
            with urllib.request.urlopen(url + "healthz", timeout=10) as response:
                assert response.read() == b"ok\n"
            proc.send_signal(signal.SIGTERM)
            _, stderr = proc.communicate(timeout=15)
            assert proc.returncode == 0
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert "Traceback" not in stderr and "GET health 200" in stderr
    taken = subprocess.run(
        [sys.executable, "-m", "bot", "web", "--port", "99999"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert taken.returncode == 2 and "--port" in taken.stderr
