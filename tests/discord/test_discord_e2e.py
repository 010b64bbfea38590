"""End to end: the bot exactly as ``aps-bot`` runs it (`run_discord`), against a local fake Discord."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import discord.gateway
import discord.http
import pytest
from dc_fake_discord import TOKEN, FakeDiscord
from dc_harness import BOB, Sent

from bot.adapters.discord import run_discord, sync_commands
from bot.config import Config
from bot.engine import Engine


@pytest.fixture
def endpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    """`apply_endpoints` changes discord.py's class attributes: put them back afterwards."""
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket,
        "DEFAULT_GATEWAY",
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY,
    )


@pytest.fixture
async def fake(endpoints: None) -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    try:
        yield server
    finally:
        await server.close()


def config_for(fake: FakeDiscord) -> Config:
    return Config.from_env(
        {
            "DISCORD_BOT_TOKEN": TOKEN,
            "DISCORD_API_BASE_URL": fake.api_url,
            "DISCORD_GATEWAY_URL": fake.gateway_url,
        }
    )


@pytest.fixture
async def bot(fake: FakeDiscord, engine: Engine) -> AsyncIterator[FakeDiscord]:
    task = asyncio.create_task(run_discord(config_for(fake), engine))
    try:
        await asyncio.wait_for(fake.identified.wait(), 5)
        await asyncio.sleep(0.05)  # READY processed
        yield fake
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 5)


def options(sent: Sent) -> list[str]:
    return [b["label"] for b in sent.buttons if b.get("style") == 1]


async def test_identify_uses_the_token_and_no_privileged_intent(bot: FakeDiscord) -> None:
    assert bot.identify is not None and bot.identify["token"] == TOKEN
    intents = discord.Intents._from_value(bot.identify["intents"])
    assert not intents.message_content and not intents.members and not intents.presences
    assert f"Bot {TOKEN}" in bot.auth_headers


async def test_aps_to_an_outcome_by_button_clicks(bot: FakeDiscord) -> None:
    step = await bot.slash("aps")
    assert step.ephemeral and options(step)
    for _ in range(12):  # bounded: the walkthrough is a few steps deep
        if "Type your answer" in step.labels:
            await bot.click(step, "Type your answer")
            step = await bot.submit_modal(step, "15/03/2027")
        elif options(step):
            step = await bot.click(step, options(step)[0])
        else:
            break
    assert not options(step) and "Type your answer" not in step.labels
    assert "Sources" in step.text or any("Sources" in m.text for m in bot.transcript.messages)


async def test_faq_with_share_in_channel(bot: FakeDiscord) -> None:
    answer = await bot.slash("faq", {"question": "how much does it cost"}, locale="en-GB")
    assert answer.ephemeral and answer.embeds
    shared = await bot.click(answer, "Share in channel")
    assert not shared.ephemeral and shared.embeds[0]["title"] == answer.embeds[0]["title"]


async def test_faq_composed_reply_and_its_more_button(bot: FakeDiscord) -> None:
    """Issue 19: two close entries in one embed, a field each, and a "More" button each."""
    asked = "how much does it cost? and where do I apply?"
    composed = await bot.slash("faq", {"question": asked}, locale="en-GB")
    assert composed.ephemeral
    first, second = (field["name"] for field in composed.embeds[0]["fields"][:2])
    more = [label for label in composed.labels if label.startswith("More: ")]
    assert more == [f"More: {first}", f"More: {second}"]
    answer = await bot.click(composed, more[1])  # the full answer, posted anew
    assert answer.embeds[0]["title"] == second
    assert answer is not composed and composed.embeds[0]["fields"][1]["name"] == second


async def test_forged_custom_id_and_another_users_click(bot: FakeDiscord) -> None:
    step = await bot.slash("aps", locale="fr")
    forged = await bot.press(step, "c:w.0.0.0.0.nonce.owner.notamac0", locale="fr")
    assert forged.ephemeral and "expiré" in forged.content
    theirs = await bot.click(step, options(step)[0], uid=BOB)
    assert theirs.ephemeral and "someone else" in theirs.content
    assert step.edits == 0


async def test_discord_sync_registers_translated_commands(
    fake: FakeDiscord, engine: Engine
) -> None:
    names = await sync_commands(config_for(fake), engine, guild_id=123)
    assert "aps" in names and "Ask aps-bot" in names
    path, commands = fake.synced[-1]
    assert path.endswith("/guilds/123/commands")
    lang = next(c for c in commands if c["name"] == "lang")
    assert lang["name_localizations"]["fr"] == "langue"
