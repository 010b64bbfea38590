"""Each kind of first reply (issue 19) through python-telegram-bot and the fake Bot API: private
chats, groups and inline mode, as HTML with inline keyboards."""

from __future__ import annotations

import html

import tg_updates as tg
from tg_harness import RunningBot, buttons

GROUP = tg.group_chat()
COMPOSED = "how much does it cost? and where do I apply?"  # fee + where_apply


def titles(bot: RunningBot, *ids: str, lang: str = "en") -> list[str]:
    t = bot.engine.catalogs.get(lang)
    faq = bot.engine.knowledge.faq
    return [t.pgettext(f"faq:{i}.title", faq.by_id[i].title) for i in ids]


async def ask(bot: RunningBot, who: dict, text: str, chat: dict | None = None):
    api = bot.api
    mark = api.mark()
    api.push(tg.message_update(chat or tg.private_chat(who), who, text))
    (sent,) = await api.wait_for("sendMessage", since=mark)
    return sent


async def test_private_answer_has_its_question_as_headline_and_not_what_i_asked(bot):
    api = bot.api
    alice = tg.user(4301, "Alice", "en")
    sent = await ask(bot, alice, "how much does the rece card cost")
    (fee,) = titles(bot, "fee")
    assert sent["text"].startswith(f"<b>{html.escape(fee, quote=False)}</b>")
    labels = [b["text"] for b in buttons(sent)]
    assert labels[-3:] == ["👍 Helpful", "👎 Not helpful", "❓ Not what I asked"]
    rows = sent["reply_markup"]["inline_keyboard"]
    assert [b["text"] for b in rows[-1]] == labels[-3:]  # the feedback together on the last row
    missed = next(b for b in buttons(sent) if b["text"] == "❓ Not what I asked")
    mark = api.mark()
    message = api._message(sent.params)
    api.push(tg.callback_update(alice, message, missed["callback_data"]))
    (toast,) = await api.wait_for("answerCallbackQuery", since=mark)
    assert "Try other words" in toast["text"]
    assert not api.calls_of("sendMessage", since=mark)  # a toast: the answer stays as it was
    counters = await bot.engine.store.counters()
    assert counters["vote.missed.fee"] == 1


async def test_private_composed_reply_has_each_question_short_answer_and_more(bot):
    api = bot.api
    alice = tg.user(4302, "Alice", "en")
    sent = await ask(bot, alice, COMPOSED)
    fee, where = titles(bot, "fee", "where_apply")
    text = sent["text"]
    assert text.startswith("Your question has several parts:")
    assert f"<b>{html.escape(fee, quote=False)}</b>" in text and "€" in text
    assert f"<b>{html.escape(where, quote=False)}</b>" in text
    more = [b for b in buttons(sent) if b["text"].startswith("More: ")]
    assert [b["text"] for b in more] == [f"More: {fee}", f"More: {where}"]
    mark = api.mark()
    api.push(tg.callback_update(alice, api._message(sent.params), more[1]["callback_data"]))
    (answer,) = await api.wait_for("sendMessage", since=mark)
    assert answer["text"].startswith(f"<b>{html.escape(where, quote=False)}</b>")


async def test_private_did_you_mean_and_i_dont_know(bot):
    alice = tg.user(4303, "Alice", "en")
    menu = await ask(bot, alice, "card papers")
    assert menu["text"].startswith("I'm not sure I understood. Did you mean:")
    assert len(buttons(menu)) >= 2 and all("callback_data" in b for b in buttons(menu))
    unknown = await ask(bot, alice, "how do I open a bank account?")
    assert "I don't have an answer to that yet" in unknown["text"]
    topics = set(bot.engine.knowledge.faq.topics.values())
    assert {b["text"] for b in buttons(unknown)} == topics


async def test_group_composed_reply_answers_the_message_with_a_private_link(bot):
    bo = tg.user(4304, "Bo", "en")
    sent = await ask(bot, bo, f"@{bot.username} {COMPOSED}", chat=GROUP)
    assert int(sent["chat_id"]) == GROUP["id"]
    assert sent["text"].startswith("Your question has several parts:")
    link = buttons(sent)[-1]
    assert link["text"] == "More in private" and link["url"].endswith("start=faq_fee")
    fee, where = titles(bot, "fee", "where_apply")
    assert [b["text"] for b in buttons(sent)[:2]] == [f"More: {fee}", f"More: {where}"]


async def test_inline_mode_offers_the_composed_reply_first_and_short_descriptions(bot):
    api = bot.api
    mark = api.mark()
    api.push(tg.inline_update(tg.user(4305, "Dee", "en"), COMPOSED))
    (answer,) = await api.wait_for("answerInlineQuery", since=mark)
    first, *rest = answer["results"]
    fee, where = titles(bot, "fee", "where_apply")
    assert first["title"] == "Your question has several parts"
    assert first["description"] == f"{fee} · {where}"
    assert (
        f"<b>{html.escape(fee, quote=False)}</b>" in first["input_message_content"]["message_text"]
    )
    links = [row[0] for row in first["reply_markup"]["inline_keyboard"]]
    assert [b["text"] for b in links] == [f"More: {fee}", f"More: {where}"]  # no callback here
    assert links[0]["url"] == f"https://t.me/{bot.username}?start=faq_fee"
    by_id = {r["id"]: r for r in rest}
    fee_result = by_id["fee.en"]
    assert fee_result["title"] == fee and "€" in fee_result["description"]  # the short answer
    assert len(fee_result["description"]) <= 120
    assert len({r["id"] for r in answer["results"]}) == len(answer["results"])


async def test_inline_mode_says_nothing_to_an_out_of_scope_question(bot):
    api = bot.api
    mark = api.mark()
    api.push(tg.inline_update(tg.user(4306, "Eve", "en"), "how do I open a bank account?"))
    (answer,) = await api.wait_for("answerInlineQuery", since=mark)
    assert answer["results"] == [] and answer["button"]["start_parameter"] == "inline"
