"""Inline mode, end to end: ``@bot fee`` lists FAQ answers to post, in the user's language."""

from __future__ import annotations

import tg_updates as tg
from tg_harness import RunningBot


async def test_inline_query_lists_matching_answers_in_the_users_language(bot: RunningBot):
    api = bot.api
    mark = api.mark()
    api.push(tg.inline_update(tg.user(4201, "Dee", "fr"), "fee"))
    (answer,) = await api.wait_for("answerInlineQuery", since=mark)
    results = answer["results"]
    assert results and results[0]["id"] == "fee.fr"
    first = results[0]
    assert first["type"] == "article" and first["title"]
    content = first["input_message_content"]
    assert content["parse_mode"] == "HTML" and "€" in content["message_text"]
    (row,) = first["reply_markup"]["inline_keyboard"]
    assert row[0]["text"] == "La suite en privé"
    assert row[0]["url"] == f"https://t.me/{bot.username}?start=faq_fee"
    assert answer["is_personal"] in (True, "true", "True")
    assert answer["button"] == {
        "text": "Me poser la question en privé",
        "start_parameter": "inline",
    }


async def test_empty_inline_query_lists_the_top_topics(bot: RunningBot):
    api = bot.api
    mark = api.mark()
    api.push(tg.inline_update(tg.user(4202, "Eve", "en"), ""))
    (answer,) = await api.wait_for("answerInlineQuery", since=mark)
    results = answer["results"]
    topics = set(bot.engine.knowledge.faq.topics.values())
    assert len(results) >= len(topics)
    assert topics <= {r["description"] for r in results}  # one entry per topic, topic as preview
    assert len({r["id"] for r in results}) == len(results)
