"""``aps-bot web``: the chat's HTTP surface, in process (aiohttp's test server on 127.0.0.1).

The same Event → Engine → Reply path as Telegram and Discord; what the web adds is checked here:
the signed session cookie, the JSON API and the no-JavaScript forms, refusals that explain
themselves and lose nothing, the security headers, and logs without message texts or the key.
"""

from __future__ import annotations

import json
import logging
import os
import re
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.config import ConfigError, Secret
from bot.engine import Engine
from bot.i18n import Catalogs
from bot.knowledge import DEFAULT_KNOWLEDGE_DIR, load_knowledge
from bot.knowledge.model import NodeKind
from bot.storage import MemoryStore
from bot.testing import FakeClock, Step, step_of
from bot.web import WebSettings, create_app
from bot.web.app_keys import ENGINE
from bot.web.session import COOKIE, SessionCodec
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
    _, body = await say(chat, text="how much does the rece cost", lang="en")
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


async def test_flooding_one_session_gets_the_engines_notice_then_quiet(knowledge):
    client = await client_for(make_engine(knowledge, flood_control=True))
    try:
        kinds = [(await say(client, text="fee"))[1]["reply"] for _ in range(12)]
        throttled = [r for r in kinds if r["kind"] == "throttled"]
        assert throttled and throttled[0]["messages"]  # the one polite notice
        assert all(not r["messages"] and r["alert"] for r in throttled[1:])
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


async def test_reminders_are_explained_not_silently_stored(chat: TestClient):
    _, body = await say(chat, text="/remind 15/03/2027", lang="en")
    assert "Telegram or Discord" in body["reply"]["messages"][0]
    # an outcome with a future date offers no reminder button on the web
    _, body = await say(chat, text="/aps")
    body = await walk(chat, body, RECE, until="titre_expiry")
    _, body = await say(chat, text="2027-06-30")
    assert "RECE card" in body["reply"]["messages"][0]
    assert not [c for c in body["reply"]["choices"] if c["token"].startswith("r.")]
    _, forged = await say(chat, token="r.s.x.y.z")
    assert "Telegram or Discord" in forged["reply"]["messages"][0]


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
