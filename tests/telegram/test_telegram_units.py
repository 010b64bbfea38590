"""Small pieces of the adapter: URLs, keyboards, command parsing, configuration."""

from __future__ import annotations

import pytest
import tg_updates as tg
from telegram import Bot, Message

from bot.adapters.telegram import api_urls, deep_link
from bot.adapters.telegram.handlers import addressed_text, split_command
from bot.adapters.telegram.keyboards import keyboard
from bot.config import Config, ConfigError
from bot.engine import Action, ActionKind, Choice, ChoiceKind, Reply


def test_api_urls_from_a_server_root():
    assert api_urls("") is None
    assert api_urls("http://127.0.0.1:8081/") == (
        "http://127.0.0.1:8081/bot",
        "http://127.0.0.1:8081/file/bot",
    )
    assert api_urls("https://api.example.org/bot") == (
        "https://api.example.org/bot",
        "https://api.example.org/file/bot",
    )


def test_deep_links_accept_only_valid_start_parameters():
    assert deep_link("aps_bot", "faq_fee") == "https://t.me/aps_bot?start=faq_fee"
    assert deep_link("aps_bot", "bad payload") is None
    assert deep_link("aps_bot", "x" * 65) is None


def test_keyboard_options_one_per_row_nav_last_then_private_link():
    reply = Reply(
        choices=[
            Choice("t1", "Option one"),
            Choice("nb", "« Back", ChoiceKind.NAV),
            Choice("t2", "Option two"),
            Choice("nc", "Cancel", ChoiceKind.NAV),
        ],
        actions=[Action(ActionKind.CONTINUE_PRIVATE, "aps", "Continue in private")],
    )
    rows = keyboard(reply, "aps_bot").inline_keyboard
    assert [[b.text for b in row] for row in rows] == [
        ["Option one"],
        ["Option two"],
        ["« Back", "Cancel"],
        ["Continue in private"],
    ]
    assert rows[3][0].url == "https://t.me/aps_bot?start=aps"
    assert keyboard(Reply(actions=[Action(ActionKind.END)]), "aps_bot") is None


def _message(raw: dict) -> Message:
    bot = Bot("123:abc")
    bot._bot_user = None
    return Message.de_json(raw, bot)


def test_split_command_and_addressed_text():
    bot_user = {"id": 99, "is_bot": True, "first_name": "APS", "username": "aps_bot"}
    alice = tg.user(1, "Alice")
    group = tg.group_chat()
    msg = _message(tg.message(group, alice, "/faq@aps_bot how much? 🎓"))
    assert split_command(msg) == ("faq", "aps_bot", "how much? 🎓")
    assert split_command(_message(tg.message(group, alice, "hello /aps"))) is None

    class FakeBot:
        username = "aps_bot"
        id = 99

    mention = _message(tg.message(group, alice, "🎓 @aps_bot combien ça coûte ?"))
    assert addressed_text(mention, FakeBot()) == "🎓 combien ça coûte ?"
    reply = _message(
        tg.message(
            group,
            alice,
            "and the fee?",
            reply_to={"message_id": 5, "from": bot_user, "chat": group, "date": 0, "text": "…"},
        )
    )
    assert addressed_text(reply, FakeBot()) == "and the fee?"
    other = _message(tg.message(group, alice, "@someone_else hi"))
    assert addressed_text(other, FakeBot()) is None


def test_webhook_configuration():
    base = {"TELEGRAM_BOT_TOKEN": "1:x"}
    config = Config.from_env(base)
    assert (config.telegram_webhook_url, config.telegram_webhook_port) == ("", 8443)
    assert config.telegram_webhook_listen == "0.0.0.0"
    hook = {**base, "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/tg"}
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET"):
        Config.from_env(hook)
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET"):
        Config.from_env({**hook, "TELEGRAM_WEBHOOK_SECRET": "not valid!"})
    with pytest.raises(ConfigError, match="PORT"):
        Config.from_env({**hook, "TELEGRAM_WEBHOOK_SECRET": "ok", "TELEGRAM_WEBHOOK_PORT": "99999"})
    config = Config.from_env(
        {**hook, "TELEGRAM_WEBHOOK_SECRET": "ok_1", "TELEGRAM_WEBHOOK_PORT": "88"}
    )
    assert config.telegram_webhook_port == 88 and config.telegram_webhook_secret.reveal() == "ok_1"
    assert "ok_1" not in repr(config)
