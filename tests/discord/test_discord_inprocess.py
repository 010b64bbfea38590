"""Raw interaction payloads through the real CommandTree and discord.py's response machinery."""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace
from typing import Any

import discord
import pytest
from dc_harness import (
    ALICE,
    BOB,
    Harness,
    RecordingAdapter,
    Sent,
    interaction_payload,
    message_payload,
    slash_payload,
    user,
)

from bot.adapters.discord import build_client
from bot.config import Config
from bot.engine import Engine, suggest
from bot.testing import step_of

NO_MENTIONS = {"parse": []}


RECE = {"nationality": "other", "finished": "done", "diploma": "master", "titre_status": "valid"}


def options(sent: Sent) -> list[dict[str, Any]]:
    return [b for b in sent.buttons if b.get("style") == discord.ButtonStyle.primary.value]


async def to_the_date(harness: Harness, step: Sent) -> tuple[Sent, int]:
    """Answer the steps `step` shows by node and option id (`RECE`), clicking their buttons in
    French, until the titre's expiry date is asked; the message and the number of clicks."""
    for clicks in range(10):
        tokens = [b["custom_id"][2:] for b in step.buttons if b["custom_id"].startswith("c:")]
        shown = await step_of(harness.client.engine, tokens)
        assert shown is not None, step.text
        if shown.node.id == "titre_expiry":
            return step, clicks
        token = shown.token(shown.choose(RECE))
        assert token is not None
        step = await harness.press(step, f"c:{token}", locale="fr")
    raise AssertionError("the date question never came")


async def test_aps_is_ephemeral_with_buttons_in_english(harness: Harness) -> None:
    sent = await harness.slash("aps")
    assert sent.ephemeral
    assert "Cancel" in sent.labels
    assert all(b["custom_id"].startswith("c:") and len(b["custom_id"]) <= 100 for b in sent.buttons)
    assert sent.allowed_mentions == NO_MENTIONS
    assert len(sent.content) <= 2000


async def test_walkthrough_to_an_outcome_in_french_with_a_typed_date(harness: Harness) -> None:
    step = await harness.slash("aps", locale="fr")
    assert "Annuler" in step.labels
    step, clicks = await to_the_date(harness, step)
    assert step.ephemeral and clicks >= 4
    assert "Saisir ma réponse" in step.labels  # the date is typed in a modal: no message intent
    await harness.click(step, "Saisir ma réponse", locale="fr")
    assert harness.transcript.modal is not None
    first = len(harness.transcript.messages) - 1
    last = await harness.submit_modal(step, "15/03/2027", locale="fr")
    assert harness.transcript.messages[first] is step and step.edits == clicks + 1  # in place
    outcome = harness.transcript.messages[first:]  # a long outcome continues in follow-ups
    assert all(m.ephemeral and len(m.content) <= 2000 for m in outcome)
    text = "\n".join(m.text for m in outcome)
    assert "carte RECE" in text and "108 jours" in text
    # the outcome's only options are issue 8's: the checklist and the deadline reminders
    assert [b["label"] for b in options(last)] == [
        "📋 Ma liste de documents",
        "⏰ Me le rappeler avant la date limite",
    ]
    assert "Annuler" in last.labels


async def test_a_click_by_another_user_is_refused_ephemerally(harness: Harness) -> None:
    step = await harness.slash("aps")
    before = (step.content, step.edits)
    notice = await harness.click(step, options(step)[0]["label"], uid=BOB)
    assert notice is not step and notice.ephemeral
    assert "someone else" in notice.content
    assert (step.content, step.edits) == before


@pytest.mark.parametrize(
    "custom_id", ["c:w.1.2.3.0.abc.owner.forgedmac", "zzz-old-button", "p:../x"]
)
async def test_forged_or_stale_custom_ids_get_menu_expired(
    harness: Harness, custom_id: str
) -> None:
    step = await harness.slash("aps", locale="fr")
    notice = await harness.press(step, custom_id, locale="fr")
    assert notice is not step and notice.ephemeral
    assert "expiré" in notice.content
    assert step.edits == 0


async def test_a_foreign_select_menu_gets_menu_expired_not_silence(harness: Harness) -> None:
    step = await harness.slash("aps", locale="fr")
    raw = step.as_payload()
    select = {"type": 3, "custom_id": "someone-elses-menu", "options": [], "min_values": 1}
    raw["components"] = [*raw["components"], {"type": 1, "components": [select]}]
    data = {"custom_id": "someone-elses-menu", "component_type": 3, "values": ["x"]}
    await harness.dispatch(interaction_payload(3, data, message=raw, locale="fr"))
    notice = harness.transcript.last
    assert notice is not step and notice.ephemeral and "expiré" in notice.content
    assert step.edits == 0


async def test_a_form_the_bot_does_not_know_gets_menu_expired(harness: Harness) -> None:
    step = await harness.slash("aps")
    data = {"custom_id": "old-form", "components": []}
    await harness.dispatch(interaction_payload(5, data, message=step.as_payload()))
    notice = harness.transcript.last
    assert notice is not step and notice.ephemeral and "expired" in notice.content


async def test_a_typed_answer_submitted_after_a_restart_is_answered(
    engine: Engine, harness: Harness
) -> None:
    step = await harness.slash("aps", locale="fr")
    step, clicks = await to_the_date(harness, step)
    await harness.click(step, "Saisir ma réponse", locale="fr")
    await harness.close()
    restarted = Harness(build_client(Config(), engine))  # a new process: the form is forgotten
    restarted.transcript = harness.transcript  # the same conversation on Discord's side
    restarted.adapter = RecordingAdapter(harness.transcript)
    await restarted.start()
    try:
        first = len(harness.transcript.messages) - 1
        await restarted.submit_modal(step, "15/03/2027", locale="fr")
        assert harness.transcript.messages[first] is step and step.edits == clicks + 1
        assert "carte RECE" in "\n".join(m.text for m in harness.transcript.messages[first:])
    finally:
        await restarted.close()


async def test_buttons_survive_a_restart(engine: Engine, harness: Harness) -> None:
    step = await harness.slash("aps")
    await harness.close()
    restarted = await Harness(build_client(Config(), engine)).start()  # same store, new process
    try:
        after = await restarted.click(step, options(step)[0]["label"])
        assert after is step and step.edits == 1
    finally:
        await restarted.close()


async def test_faq_answer_is_an_embed_with_sources_and_share(harness: Harness) -> None:
    sent = await harness.slash("faq", {"question": "how much does it cost?"})
    assert sent.ephemeral and sent.embeds
    embed = sent.embeds[0]
    assert embed["footer"]["text"].startswith("Sources:")
    assert len(embed["description"]) <= 4096
    # the 2026 fee, and for a year the note that it changed (issue 11)
    assert "€150" in embed["description"] and "since May 2026; €75 before" in embed["description"]
    # what was read, as a student can trust it: copies name their version, never "checked"
    assert "(version of 1 January 2026)" in embed["footer"]["text"]
    assert "checked" not in embed["footer"]["text"]
    assert any(b.get("url", "").startswith("http") for b in sent.buttons)  # the sources' links
    shared = await harness.click(sent, "Share in channel")
    assert shared is not sent and not shared.ephemeral
    assert shared.embeds and shared.embeds[0]["title"] == embed["title"]
    assert shared.allowed_mentions == NO_MENTIONS
    assert "Share in channel" not in shared.labels


async def test_faq_in_french_follows_the_discord_locale(harness: Harness) -> None:
    sent = await harness.slash("faq", {"question": "combien ça coûte"}, locale="fr")
    assert sent.embeds[0]["footer"]["text"].startswith("Sources")
    assert "Partager dans le salon" in sent.labels


async def test_autocomplete_lists_faq_titles_in_the_users_language(harness: Harness) -> None:
    every = await harness.autocomplete("faq", "question", "")
    assert 0 < len(every) <= 25
    assert all(len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in every)
    fr = await harness.autocomplete("faq", "question", "prix", locale="fr")
    en = await harness.autocomplete("faq", "question", "cost", locale="en-GB")
    assert fr and en and fr[0]["value"] == en[0]["value"]
    assert fr[0]["name"] != en[0]["name"]
    title, _, short = en[0]["name"].partition(" — ")  # the question, then its short answer
    engine = harness.client.engine
    (best,) = suggest.faq_suggestions(engine, "cost", engine.catalogs.get("en"), limit=1)
    assert short and best.short.startswith(short.removesuffix("…").rstrip())
    picked = await harness.slash("faq", {"question": en[0]["value"]})
    assert picked.embeds and picked.embeds[0]["title"] == title


async def test_lang_choice_overrides_the_discord_locale(harness: Harness) -> None:
    done = await harness.slash("lang", {"language": "fr"}, locale="en-US")
    assert "français" in done.content.lower()
    help_ = await harness.slash("help", locale="en-US")
    assert help_.ephemeral and "Ce que je sais faire" in help_.content


@pytest.mark.parametrize("command", ["privacy", "mydata", "forget", "help"])
async def test_info_commands_are_ephemeral(harness: Harness, command: str) -> None:
    sent = await harness.slash(command)
    assert sent.ephemeral and sent.content


async def test_context_menu_answers_publicly_in_the_questions_language(harness: Harness) -> None:
    question = message_payload(4242, "@everyone combien coûte la carte RECE ?", author=user(BOB))
    sent = await harness.context_menu("Ask aps-bot", question, uid=ALICE, locale="en-US")
    assert not sent.ephemeral
    assert sent.embeds and "Sources" in sent.embeds[0]["footer"]["text"]
    assert sent.allowed_mentions == NO_MENTIONS
    assert "@everyone" not in sent.text


async def test_context_menu_on_a_message_without_text(harness: Harness) -> None:
    sent = await harness.context_menu("Ask aps-bot", message_payload(4243, "", author=user(BOB)))
    assert sent.ephemeral and "no text" in sent.content


async def test_slow_engine_is_deferred_then_answered(engine: Engine, monkeypatch) -> None:
    handle = engine.handle

    async def slow(event):
        await asyncio.sleep(0.2)
        return await handle(event)

    monkeypatch.setattr(engine, "handle", slow)
    h = await Harness(build_client(Config(), engine, defer_after=0.05)).start()
    try:
        sent = await h.slash("aps")
        assert h.transcript.callbacks[-1]["type"] == 5  # deferred ("thinking…"), ephemeral
        assert sent.ephemeral and sent.edits == 1 and "Cancel" in sent.labels  # @original
        step = await h.click(sent, options(sent)[0]["label"])
        assert h.transcript.callbacks[-1]["type"] == 6 and step is sent
        # a slow click whose reply is posted anew: deferred invisibly, then a follow-up
        menu = await h.slash("help")
        topics = await h.click(menu, "Browse the topics")
        assert h.transcript.callbacks[-1]["type"] == 6
        assert topics is not menu and topics.ephemeral and menu.edits == 1  # its @original only
    finally:
        await h.close()


async def test_expired_interaction_is_logged_without_contents(harness: Harness, caplog) -> None:
    record = harness.transcript.record

    def expired(method: str, path: str, payload: Any) -> Any:
        if path.endswith("/callback"):
            response = SimpleNamespace(status=404, reason="Not Found")
            raise discord.NotFound(response, {"code": 10062, "message": "Unknown interaction"})
        return record(method, path, payload)

    harness.transcript.record = expired  # type: ignore[method-assign]
    secret_question = "my passport number is 12AB34567, how much does it cost"
    with caplog.at_level(logging.WARNING):
        payload = slash_payload("faq", {"question": secret_question})
        await harness.dispatch(payload, acknowledged=False)
    assert "expired" in caplog.text and "10062" in caplog.text
    assert "12AB34567" not in caplog.text
