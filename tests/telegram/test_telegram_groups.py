"""Groups, end to end: commands, mentions and replies only; short FAQ answers; walkthroughs go
private through a deep link; someone else's buttons; forum topics."""

from __future__ import annotations

import pytest
import tg_updates as tg
from tg_harness import RunningBot, buttons

GROUP = tg.group_chat(forum=True)
TOPIC = 42


async def test_group_aps_continues_in_private_through_a_deep_link(bot: RunningBot):
    api = bot.api
    alice = tg.user(4101, "Alice", "en")
    mark = api.mark()
    command = tg.message_update(GROUP, alice, f"/aps@{bot.username}", thread_id=TOPIC)
    api.push(command)
    (sent,) = await api.wait_for("sendMessage", since=mark)
    assert int(sent["chat_id"]) == GROUP["id"]
    assert int(sent["message_thread_id"]) == TOPIC  # the forum topic it was asked in
    assert sent["reply_parameters"]["message_id"] == command["message"]["message_id"]
    (button,) = buttons(sent)
    assert button["url"] == f"https://t.me/{bot.username}?start=aps"
    assert not any("callback_data" in b for b in buttons(sent))  # no personal question in a group

    # the deep link opens the private chat with "/start aps": the walkthrough starts there
    mark = api.mark()
    api.push(tg.message_update(tg.private_chat(alice), alice, "/start aps"))
    sent = await api.wait_for("sendMessage", since=mark, where=lambda c: c.get("reply_markup"))
    assert int(sent[0]["chat_id"]) == alice["id"]
    assert any(b.get("callback_data", "").startswith("w.") for b in buttons(sent[0]))


async def test_group_faq_is_short_with_a_more_in_private_button(bot: RunningBot):
    api = bot.api
    bo = tg.user(4102, "Bo", "fr")
    mark = api.mark()
    api.push(tg.message_update(GROUP, bo, f"@{bot.username} combien coûte la carte RECE ?"))
    (sent,) = await api.wait_for("sendMessage", since=mark)
    *votes, button = buttons(sent)  # 👍/👎/❓ for anyone in the group, then the deep link
    assert [b["text"] for b in votes] == ["👍 Utile", "👎 Pas utile", "❓ Pas ma question"]
    assert button["text"] == "La suite en privé"
    assert button["url"] == f"https://t.me/{bot.username}?start=faq_fee"
    # the 2026 fee, and for a year the note that it changed (issue 11)
    text = sent["text"].replace("\xa0", " ").replace("\u202f", " ")
    assert "150 €" in text and "depuis mai 2026 ; 75 € avant" in text

    # the deep link gives the full answer in private
    mark = api.mark()
    api.push(tg.message_update(tg.private_chat(bo), bo, "/start faq_fee"))
    (full,) = await api.wait_for("sendMessage", since=mark)
    assert int(full["chat_id"]) == bo["id"] and "€" in full["text"]


async def test_group_answers_replies_to_the_bot_and_ignores_other_chatter(bot: RunningBot):
    api = bot.api
    bo = tg.user(4103, "Bo", "en")
    mark = api.mark()
    api.push(tg.message_update(GROUP, bo, "how much does the RECE card cost?"))  # not for the bot
    api.push(tg.message_update(GROUP, bo, "/aps@another_bot"))  # another bot's command
    bot_message = api._message({"chat_id": GROUP["id"], "text": "…"})
    api.push(tg.message_update(GROUP, bo, "how much does it cost?", reply_to=bot_message))
    (sent,) = await api.wait_for("sendMessage", since=mark)
    assert "faq_fee" in buttons(sent)[-1]["url"]
    calls = await api.settle(mark)
    assert [c.method for c in calls] == ["sendMessage"]  # one answer, to the reply only


async def test_another_members_click_gets_an_alert_and_changes_nothing(bot: RunningBot):
    api = bot.api
    alice, bo = tg.user(4104, "Alice", "en"), tg.user(4105, "Bo", "fr")
    mark = api.mark()
    api.push(tg.message_update(GROUP, alice, "/faq", thread_id=TOPIC))
    (topics,) = await api.wait_for("sendMessage", since=mark)
    token = buttons(topics)[0]["callback_data"]
    bot_message = api._message(topics.params)

    mark = api.mark()
    api.push(tg.callback_update(bo, bot_message, token))
    (alert,) = await api.wait_for("answerCallbackQuery", since=mark)
    assert alert["show_alert"] in (True, "true", "True")
    assert alert["text"].startswith("Ces boutons appartiennent à quelqu'un d'autre")
    calls = await api.settle(mark)
    assert [c.method for c in calls] == ["answerCallbackQuery"]  # nothing sent, nothing edited

    mark = api.mark()
    api.push(tg.callback_update(alice, bot_message, token))  # the owner's click works
    (answer,) = await api.wait_for("answerCallbackQuery", since=mark)
    assert "text" not in answer.params
    (sent,) = await api.wait_for("sendMessage", since=mark)
    assert int(sent["message_thread_id"]) == TOPIC


@pytest.mark.parametrize("text", ["/help", f"@{'aps_test_bot'}"])
async def test_group_help_and_bare_mention(bot: RunningBot, text: str):
    api = bot.api
    mark = api.mark()
    api.push(tg.message_update(GROUP, tg.user(4106, "Cy", "en"), text))
    (sent,) = await api.wait_for("sendMessage", since=mark)
    assert "/aps" in sent["text"]
