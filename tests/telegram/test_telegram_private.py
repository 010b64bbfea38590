"""Private chats, end to end: the walkthrough by button clicks, FAQ text, deep links, commands."""

from __future__ import annotations

import html

import pytest
import tg_updates as tg
from tg_harness import RunningBot, buttons, running

from bot.engine import Engine
from bot.i18n import catalog_languages
from bot.knowledge.model import flow_context


def short_path(engine: Engine) -> tuple[list[int], str]:
    """Option indexes from the start to an outcome, at least two clicks long (so it edits twice).

    Computed from the knowledge, so the test follows flow.yaml as it is edited.
    """
    nodes = engine.knowledge.flow.nodes
    queue: list[tuple[str, list[int]]] = [(engine.knowledge.flow.start, [])]
    seen = set()
    while queue:
        node_id, path = queue.pop(0)
        node = nodes[node_id]
        if node.kind == "outcome" and len(path) >= 2:
            return path, node_id
        if node.kind != "question" or node_id in seen:
            continue
        seen.add(node_id)
        for i, option in enumerate(node.options):
            if nodes[option.next].kind in ("question", "outcome"):
                queue.append((option.next, [*path, i]))
    raise AssertionError("no outcome reachable by clicks alone")


@pytest.mark.parametrize("lang", catalog_languages())
async def test_walkthrough_by_clicks_edits_in_place_to_an_outcome(bot: RunningBot, lang: str):
    api = bot.api
    alice = tg.user(4001, "Alice", language_code=lang)
    chat = tg.private_chat(alice)
    t = bot.engine.catalogs.get(lang)
    path, outcome = short_path(bot.engine)

    mark = api.mark()
    api.push(tg.message_update(chat, alice, "/aps"))
    (step,) = await api.wait_for("sendMessage", since=mark, where=lambda c: c.get("reply_markup"))
    assert step["parse_mode"] == "HTML"
    assert t.gettext("Cancel") in [b["text"] for b in buttons(step)]
    message_id = None
    bot_message = None
    for index in path:
        options = [b for b in buttons(step) if "callback_data" in b]
        bot_message = api._message(step.params) if bot_message is None else bot_message
        mark = api.mark()
        api.push(tg.callback_update(alice, bot_message, options[index]["callback_data"]))
        (answer,) = await api.wait_for("answerCallbackQuery", since=mark)
        assert "show_alert" not in answer.params or answer["show_alert"] in ("false", False)
        (step,) = await api.wait_for("editMessageText", since=mark)
        assert int(step["chat_id"]) == alice["id"]
        message_id = message_id or int(step["message_id"])
        assert int(step["message_id"]) == int(bot_message["message_id"]) == message_id
        bot_message = {
            **bot_message,
            "text": step["text"],
            "reply_markup": step.get("reply_markup"),
        }
        assert not api.calls_of("sendMessage", since=mark)  # edited, not posted anew
    node = bot.engine.knowledge.flow.nodes[outcome]
    title = t.pgettext(flow_context(outcome, "title"), node.title)
    assert f"<b>{html.escape(title, quote=False)}</b>" in step["text"]
    if lang == "fr":
        assert "Sources :" in step["text"] or "Sources" in step["text"]
        assert {"« Retour", "Recommencer", "Annuler"} <= {b["text"] for b in buttons(step)}


async def test_admin_commands_only_for_admins(api):
    admin, someone = tg.user(4011, "Ad", "en"), tg.user(4012, "So", "en")
    async with running(api, APS_BOT_ADMINS=f"telegram:{admin['id']}"):
        mark = api.mark()
        api.push(tg.message_update(tg.private_chat(someone), someone, "/stats"))
        (refused,) = await api.wait_for("sendMessage", since=mark)
        assert "/stats" in refused["text"] and "Statistics" not in refused["text"]
        mark = api.mark()
        api.push(tg.message_update(tg.private_chat(admin), admin, "/stats"))
        (stats,) = await api.wait_for("sendMessage", since=mark)
        assert "<b>Statistics</b>" in stats["text"]


async def test_a_click_whose_reply_is_new_keeps_the_clicked_message(bot: RunningBot):
    """/faq's topics, then one topic: the reply says it is posted anew, so the topics stay (no
    edit); the walkthrough test above shows the other mode."""
    api = bot.api
    alice = tg.user(4021, "Alice", language_code="en")
    chat = tg.private_chat(alice)
    mark = api.mark()
    api.push(tg.message_update(chat, alice, "/faq"))
    (topics,) = await api.wait_for("sendMessage", since=mark)
    mark = api.mark()
    first = buttons(topics)[0]["callback_data"]
    api.push(tg.callback_update(alice, api._message(topics.params), first))
    (entries,) = await api.wait_for("sendMessage", since=mark)
    assert buttons(entries) and buttons(entries) != buttons(topics)
    assert not api.calls_of("editMessageText", since=mark)
