"""Each kind of first reply (issue 19) through discord.py's real CommandTree: /faq, the context
menu and autocomplete, rendered as Discord embeds, fields and buttons."""

from __future__ import annotations

import discord
from dc_harness import BOB, Harness, message_payload, user

COMPOSED = "how much does it cost? and where do I apply?"  # fee + where_apply


def titles(harness: Harness, *ids: str, lang: str = "en") -> list[str]:
    engine = harness.client.engine
    t = engine.catalogs.get(lang)
    return [t.pgettext(f"faq:{i}.title", engine.knowledge.faq.by_id[i].title) for i in ids]


async def test_faq_answer_is_an_embed_headed_by_its_question(harness: Harness) -> None:
    sent = await harness.slash(
        "faq", {"question": "how much does the rece card cost"}, locale="en-GB"
    )
    (fee,) = titles(harness, "fee")
    assert sent.ephemeral and sent.embeds[0]["title"] == fee
    assert "❓ Not what I asked" in sent.labels and "Share in channel" in sent.labels
    toast = await harness.click(sent, "❓ Not what I asked")
    assert toast.ephemeral and "Try other words" in toast.content
    assert sent.edits == 0  # the answer stays


async def test_faq_composed_is_one_embed_with_a_field_per_question(harness: Harness) -> None:
    sent = await harness.slash("faq", {"question": COMPOSED}, locale="en-GB")
    fee, where = titles(harness, "fee", "where_apply")
    (embed,) = sent.embeds
    assert embed["title"] == "Your question has several parts:"
    # a field per question (then "🆕 Changed recently" when a figure shown changed this year)
    assert [f["name"] for f in embed["fields"]][:2] == [fee, where]
    assert "€" in embed["fields"][0]["value"] and "Sources" in embed["footer"]["text"]
    assert [b for b in sent.labels if b.startswith("More: ")] == [f"More: {fee}", f"More: {where}"]
    assert "Share in channel" not in sent.labels  # a share token names one entry
    links = [b for b in sent.buttons if b.get("style") == discord.ButtonStyle.link.value]
    assert links and all(b["url"].startswith("https://") for b in links)  # the sources
    more = await harness.click(sent, f"More: {where}")
    assert more.embeds[0]["title"] == where
    # the full answer is posted anew (the reply says so), as on Telegram: the preview stays
    assert more is not sent and more.ephemeral
    assert sent.edits == 0 and sent.embeds[0]["title"] == "Your question has several parts:"


async def test_faq_did_you_mean_and_i_dont_know(harness: Harness) -> None:
    menu = await harness.slash("faq", {"question": "card papers"}, locale="en-GB")
    assert "Did you mean" in menu.content and len(menu.buttons) >= 2
    unknown = await harness.slash("faq", {"question": "how do I open a bank account?"})
    assert "I don't have an answer to that yet" in unknown.content and not unknown.embeds


async def test_context_menu_composes_publicly(harness: Harness) -> None:
    question = message_payload(4343, COMPOSED, author=user(BOB))
    sent = await harness.context_menu("Ask aps-bot", question, locale="en-US")
    assert not sent.ephemeral
    names = [f["name"] for f in sent.embeds[0]["fields"]]
    assert names[:2] == titles(harness, "fee", "where_apply")


async def test_autocomplete_follows_the_decision_with_short_answers(harness: Harness) -> None:
    choices = await harness.autocomplete("faq", "question", COMPOSED, locale="en-GB")
    fee, where = titles(harness, "fee", "where_apply")
    names = [c["name"] for c in choices]
    assert names[0].startswith(f"{fee} — ") and names[1].startswith(f"{where} — ")
    assert [c["value"] for c in choices[:2]] == ["faq:fee", "faq:where_apply"]
    assert all(len(n) <= 100 for n in names)
