"""Robustness, end to end: flood limits, network errors, forged buttons, long messages, updates
to ignore, errors, start-up, webhook mode."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import aiohttp
import tg_updates as tg
from tg_fake_api import FakeBotAPI
from tg_harness import TOKEN, RunningBot, buttons, running

from bot.engine import ConversationKey, Event, Reply, ReplyKind
from bot.engine.commands import offered_on
from bot.markup import Paragraph, Text
from bot.render.telegram_html import MAX_MESSAGE_LENGTH, size

FIXTURES = Path(__file__).parent / "fixtures"
RETRY_AFTER = {
    "ok": False,
    "error_code": 429,
    "description": "Too Many Requests: retry after 1",
    "parameters": {"retry_after": 1},
}


async def test_a_429_is_waited_out_then_the_answer_is_delivered(bot: RunningBot):
    api = bot.api
    alice = tg.user(4301, "Alice", "en")
    api.fail_next("sendMessage", 429, RETRY_AFTER)
    mark = api.mark()
    api.push(tg.message_update(tg.private_chat(alice), alice, "/help"))
    refused, delivered = await api.wait_for("sendMessage", since=mark, count=2, timeout=8)
    assert delivered["text"] == refused["text"]
    assert delivered.at - refused.at >= 1.0  # it waited as Telegram asked
    calls = await api.settle(mark)
    assert [c.method for c in calls] == ["sendMessage", "sendMessage"]


async def test_a_network_error_is_retried_without_losing_the_walkthrough(bot: RunningBot):
    api = bot.api
    alice = tg.user(4302, "Alice", "en")
    chat = tg.private_chat(alice)
    api.fail_next(
        "sendMessage", 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
    )
    mark = api.mark()
    api.push(tg.message_update(chat, alice, "/aps"))
    failed, step = await api.wait_for(
        "sendMessage", since=mark, count=2, where=lambda c: c.get("reply_markup"), timeout=8
    )
    assert failed["text"] == step["text"]  # the same message, sent again
    # and the walkthrough's state was kept: its first button works
    mark = api.mark()
    api.push(
        tg.callback_update(alice, api._message(step.params), buttons(step)[0]["callback_data"])
    )
    await api.wait_for("editMessageText", since=mark)


async def test_a_forged_button_gets_an_expired_alert_and_changes_nothing(bot: RunningBot):
    api = bot.api
    alice = tg.user(4303, "Alice", "en")
    chat = tg.private_chat(alice)
    mark = api.mark()
    api.push(tg.message_update(chat, alice, "/aps"))
    (step,) = await api.wait_for("sendMessage", since=mark, where=lambda c: c.get("reply_markup"))
    real = buttons(step)[0]["callback_data"]
    forged = real[:-3] + ("AAA" if not real.endswith("AAA") else "BBB")
    bot_message = api._message(step.params)
    for data in (forged, "w.1.0.0.0.x", "<script>alert(1)</script>"):
        mark = api.mark()
        api.push(tg.callback_update(alice, bot_message, data))
        (alert,) = await api.wait_for("answerCallbackQuery", since=mark)
        assert alert["text"] == "This menu has expired."
        assert alert["show_alert"] in (True, "true", "True")
        calls = await api.settle(mark, quiet=0.15)
        assert [c.method for c in calls] == ["answerCallbackQuery"]
    # the real button still works: the forged ones changed nothing
    mark = api.mark()
    api.push(tg.callback_update(alice, bot_message, real))
    await api.wait_for("editMessageText", since=mark)


async def test_a_5000_character_message_is_handled_and_long_replies_are_split(bot: RunningBot):
    api = bot.api
    alice = tg.user(4304, "Alice", "en")
    chat = tg.private_chat(alice)
    typed = ("<script>alert('x')</script> & fee? " * 200)[:5000]
    assert len(typed) == 5000
    mark = api.mark()
    api.push(tg.message_update(chat, alice, typed))
    (answer,) = await api.wait_for("sendMessage", since=mark)
    assert "<script>" not in answer["text"]

    # a reply longer than one Telegram message: split at paragraph boundaries, buttons on the last
    paragraph = "A paragraph about the RECE card & <its> documents. " * 10
    long_reply = Reply(
        messages=[tuple(Paragraph((Text(f"{i}: {paragraph}"),)) for i in range(12))],
        kind=ReplyKind.FAQ,
    )
    key = ConversationKey("telegram", str(alice["id"]), str(alice["id"]))
    help_reply = await bot.engine.handle(Event.command_of(key, "help"))
    long_reply.choices = help_reply.choices
    original = bot.engine.handle

    async def handle(event):
        return long_reply if event.text == "long please" else await original(event)

    bot.engine.handle = handle  # type: ignore[method-assign]
    mark = api.mark()
    api.push(tg.message_update(chat, alice, "long please"))
    parts = await api.wait_for("sendMessage", since=mark, count=2)
    calls = await api.settle(mark)
    parts = [c for c in calls if c.method == "sendMessage"]
    assert len(parts) == 2
    assert all(size(p["text"]) <= MAX_MESSAGE_LENGTH for p in parts)
    assert parts[0]["text"].endswith("documents. ")  # cut between paragraphs
    assert parts[1]["text"].startswith(("5:", "6:", "7:"))
    assert "reply_markup" not in parts[0].params and buttons(parts[1])
    assert "&lt;its&gt;" in parts[0]["text"]


async def test_edits_stickers_photos_channel_posts_and_member_updates_are_ignored(
    bot: RunningBot, caplog
):
    api = bot.api
    mark = api.mark()
    for update in json.loads((FIXTURES / "ignored_updates.json").read_text(encoding="utf-8")):
        api.push(update)
    alice = tg.user(4305, "Alice", "en")
    api.push(tg.message_update(tg.private_chat(alice), alice, "/privacy"))  # still alive after
    (sent,) = await api.wait_for("sendMessage", since=mark)
    assert int(sent["chat_id"]) == alice["id"]
    calls = await api.settle(mark)
    assert [c.method for c in calls] == ["sendMessage"]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_an_error_is_logged_without_contents_and_the_user_is_told(bot: RunningBot, caplog):
    api = bot.api
    bo = tg.user(4306, "Bo", "fr")

    async def broken(event):
        raise RuntimeError("engine exploded")

    bot.engine.handle = broken  # type: ignore[method-assign]
    mark = api.mark()
    secret_question = "my passport number is 12AB34567, how much is the fee"
    api.push(tg.message_update(tg.private_chat(bo), bo, secret_question))
    (sent,) = await api.wait_for("sendMessage", since=mark)
    assert sent["text"].startswith("Désolé, un problème est survenu")
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors
    logged = "\n".join(caplog.text.splitlines())
    assert "12AB34567" not in logged
    assert not [r for r in _ours(caplog) if TOKEN in r.getMessage()]
    assert "RuntimeError" in logged


async def test_start_up_publishes_menus_in_each_language_and_logs_visibility(
    api: FakeBotAPI, caplog
):
    caplog.set_level(logging.INFO)
    async with running(api) as bot:
        menus = await api.wait_for("setMyCommands", count=4)
        calls = api.calls
    by_lang = {
        (c.get("language_code"), c["scope"]["type"]): {
            x["command"]: x["description"] for x in c["commands"]
        }
        for c in menus
    }
    assert by_lang[(None, "default")]["aps"].startswith("Your situation")
    assert by_lang[("fr", "default")]["aps"].startswith("Votre situation")
    in_groups = [c.name for c in offered_on(bot.engine.commands, "telegram") if c.groups]
    assert list(by_lang[("fr", "all_group_chats")]) == in_groups  # the table's groups=True rows
    assert list(by_lang[("fr", "default")]) == [
        c.name for c in offered_on(bot.engine.commands, "telegram")
    ]
    assert "privacy mode is on" in caplog.text
    assert not [r for r in _ours(caplog) if TOKEN in r.getMessage()]
    assert {c.token for c in calls} == {TOKEN}
    polls = [c for c in calls if c.method == "getUpdates"]
    assert json.loads(json.dumps(polls[0]["allowed_updates"])) == [
        "message",
        "callback_query",
        "inline_query",
    ]
    assert bot.task.done()


async def test_webhook_mode_registers_the_url_and_checks_the_secret(api: FakeBotAPI):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/telegram/hook",
        "TELEGRAM_WEBHOOK_SECRET": "s3cret-Token_for-tests",
        "TELEGRAM_WEBHOOK_PORT": str(port),
        "TELEGRAM_WEBHOOK_LISTEN": "127.0.0.1",
    }
    async with running(api, **env):
        (hook,) = await api.wait_for("setWebhook")
        assert hook["url"] == env["TELEGRAM_WEBHOOK_URL"]
        assert hook["secret_token"] == env["TELEGRAM_WEBHOOK_SECRET"]
        alice = tg.user(4307, "Alice", "en")
        update = {"update_id": 9001, **tg.message_update(tg.private_chat(alice), alice, "/help")}
        url = f"http://127.0.0.1:{port}/telegram/hook"
        timeout = aiohttp.ClientTimeout(total=5)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            bad = {"X-Telegram-Bot-Api-Secret-Token": "wrong"}
            async with session.post(url, json=update, headers=bad) as response:
                assert response.status == 403
            good = {"X-Telegram-Bot-Api-Secret-Token": env["TELEGRAM_WEBHOOK_SECRET"]}
            mark = api.mark()
            async with session.post(url, json=update, headers=good) as response:
                assert response.status == 200
        (sent,) = await api.wait_for("sendMessage", since=mark)
        assert int(sent["chat_id"]) == alice["id"]
        assert not api.calls_of("getUpdates")
    await asyncio.sleep(0)


def _ours(caplog) -> list[logging.LogRecord]:
    """Records from aps-bot and python-telegram-bot (the fake server and httpx log URLs with the
    token; `bot.logging_setup` silences httpx in production, and the fake is test-only)."""
    return [r for r in caplog.records if r.name.split(".")[0] in ("bot", "telegram")]
