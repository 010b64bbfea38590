"""Answering an interaction: the engine's Reply, rendered and sent within Discord's deadlines.

Discord wants an acknowledgement within 3 seconds and accepts follow-ups for 15 minutes. The engine
usually answers in milliseconds, so the reply itself is the acknowledgement; when it takes longer
than `ApsClient.defer_after`, the interaction is deferred first and the reply follows.

Where the reply goes is the reply's own `ReplyMode`: under a click (or a form opened from a
message), REPLACE edits the clicked message and NEW posts a message of its own; a slash command
has no message to replace, so its reply is always new.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

import discord

from bot.adapters.discord import buttons
from bot.adapters.discord.front import delivery_failed, front
from bot.adapters.discord.keys import key_of, locale_of
from bot.engine import language, suggest
from bot.engine.events import Event
from bot.engine.reply import ActionKind, Reply, ReplyKind, ReplyMode
from bot.markup import shorten
from bot.render import discord_md
from bot.search.decide import COMPOSED

log = logging.getLogger(__name__)

MAX_BUTTONS = 25
MAX_LABEL = 80


@dataclass
class Outgoing:
    """One Discord message: text or an embed, and the buttons under it."""

    content: str | None = None
    embed: discord.Embed | None = None
    view: discord.ui.View | None = None


def from_message(interaction: discord.Interaction[Any]) -> bool:
    """Whether `interaction` came from a message (a click on one of its buttons, or a form opened
    from one): the message a REPLACE reply replaces."""
    return interaction.message is not None and interaction.type in (
        discord.InteractionType.component,
        discord.InteractionType.modal_submit,
    )


async def answer(
    interaction: discord.Interaction[Any], event: Event, *, ephemeral: bool = True
) -> None:
    """Hand `event` to the engine and answer `interaction` with the reply, where it says."""
    client = front(interaction)
    try:
        reply = await _in_time(interaction, client.engine.handle(event), ephemeral)
    except discord.HTTPException as exc:
        await delivery_failed(interaction, exc)
        return
    except Exception:
        log.exception("discord: the engine failed on a %s event", event.kind.value)
        await send_error(interaction)
        return
    try:
        await deliver(interaction, reply, ephemeral=ephemeral)
    except discord.HTTPException as exc:
        await delivery_failed(interaction, exc)


async def _in_time(
    interaction: discord.Interaction[Any], work: Awaitable[Reply], ephemeral: bool
) -> Reply:
    client = front(interaction)
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=client.defer_after)
    if not done:
        try:
            if from_message(interaction):
                # nothing shown yet: the reply then edits the clicked message or follows up
                await interaction.response.defer()
            else:
                await interaction.response.defer(ephemeral=ephemeral, thinking=True)
        except discord.HTTPException:
            await asyncio.shield(task)  # the state change still completes; only the answer is lost
            raise
    return await task


async def deliver(interaction: discord.Interaction[Any], reply: Reply, *, ephemeral: bool) -> None:
    """Send `reply` as the answer to `interaction` (or after its deferral)."""
    alert_only = (ReplyKind.EXPIRED, ReplyKind.NOT_YOURS, ReplyKind.THROTTLED, ReplyKind.ACK)
    if reply.kind in alert_only and reply.alert:
        # a transient notice only to the clicker; the message they clicked stays as it was
        await send(interaction, [Outgoing(discord_md.escape(reply.alert))], ReplyMode.NEW, True)
        return
    outgoing = await compose(interaction, reply, ephemeral=ephemeral)
    mode = reply.mode if from_message(interaction) else ReplyMode.NEW
    await send(interaction, outgoing, mode, ephemeral)


async def send(
    interaction: discord.Interaction[Any],
    outgoing: list[Outgoing],
    mode: ReplyMode,
    ephemeral: bool,
) -> None:
    first, rest = outgoing[0], outgoing[1:]
    response = interaction.response
    mentions = discord_md.no_mentions()
    if response.is_done():
        deferred_update = response.type is discord.InteractionResponseType.deferred_message_update
        if mode is ReplyMode.NEW and deferred_update:
            rest = outgoing  # a new message after a deferred click (an alert): a follow-up
        else:
            await interaction.edit_original_response(
                content=first.content,
                embeds=[first.embed] if first.embed else [],
                view=first.view,
                allowed_mentions=mentions,
            )
    elif mode is ReplyMode.REPLACE:
        await response.edit_message(
            content=first.content,
            embeds=[first.embed] if first.embed else [],
            view=first.view,
            allowed_mentions=mentions,
        )
    else:
        await response.send_message(
            **_message_kwargs(first), ephemeral=ephemeral, allowed_mentions=mentions
        )
    for out in rest:
        await interaction.followup.send(
            **_message_kwargs(out), ephemeral=ephemeral, allowed_mentions=mentions
        )


def _message_kwargs(out: Outgoing) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    if out.content:
        kwargs["content"] = out.content
    if out.embed:
        kwargs["embed"] = out.embed
    if out.view:
        kwargs["view"] = out.view
    return kwargs


async def compose(
    interaction: discord.Interaction[Any], reply: Reply, *, ephemeral: bool
) -> list[Outgoing]:
    """The reply as Discord messages; the buttons go under the last one."""
    client = front(interaction)
    engine = client.engine
    lang = engine.catalogs.get(reply.lang)
    view = discord.ui.View(timeout=None)
    outgoing: list[Outgoing] = []
    links: list[discord_md.SourceLink] = []
    if reply.kind is ReplyKind.FAQ and len(reply.messages) == 1:
        if reply.faq_kind == COMPOSED:  # a field for each question and its short answer
            embedded = discord_md.sections_embed(reply.messages[0])
        else:
            embedded = discord_md.faq_embed(reply.messages[0]) if reply.faq_id else None
        if embedded:
            embed, links = embedded
            outgoing.append(Outgoing(embed=embed))
    if not outgoing:
        outgoing = [Outgoing(content=c) for c in discord_md.render_messages(reply.messages)]

    items: list[discord.ui.Item[Any]] = []
    if reply.kind is ReplyKind.WALKTHROUGH and await suggest.expects_text(
        engine, key_of(interaction)
    ):
        items.append(buttons.AnswerButton(_label(lang.gettext("Type your answer"))))
    items += [
        buttons.ChoiceButton(c.token, _label(c.label), nav=c.kind.value == "nav")
        for c in reply.choices
    ]
    for action in reply.actions:
        if action.kind is ActionKind.CONTINUE_PRIVATE and action.payload:
            items.append(buttons.PrivateButton(action.payload, _label(action.label)))
    if reply.faq_id and ephemeral and interaction.guild_id:
        token = await suggest.share_token(engine, key_of(interaction), reply.faq_id)
        if token:
            items.append(buttons.ShareButton(token, _label(lang.gettext("Share in channel"))))
    items += [
        discord.ui.Button(label=link.label, url=link.url, style=discord.ButtonStyle.link)
        for link in links
    ]
    _lay_out(view, items[:MAX_BUTTONS])
    outgoing[-1].view = view if view.children else None
    return outgoing


def _label(text: str) -> str:
    return shorten(text, MAX_LABEL)


def _lay_out(view: discord.ui.View, items: list[discord.ui.Item[Any]]) -> None:
    """Options first, navigation on its own last row, at most five buttons per row."""
    options = [i for i in items if not getattr(i, "nav", False)]
    nav = [i for i in items if getattr(i, "nav", False)]
    rows = [options[i : i + 5] for i in range(0, len(options), 5)][: 5 - bool(nav)]
    if nav:
        rows.append(nav[:5])
    for row, row_items in enumerate(rows):
        for item in row_items:
            item.row = row
            view.add_item(item)


async def send_error(interaction: discord.Interaction[Any]) -> None:
    """Tell the user something failed on our side, in their language, without details."""
    client = front(interaction)
    engine = client.engine
    key = key_of(interaction)
    lang = await language.of_user_or_locale(
        engine.store, engine.catalogs, key.platform, key.user, locale_of(interaction)
    )
    text = lang.gettext("Sorry, something went wrong on my side. Please try again in a moment.")
    try:
        if interaction.response.is_done():
            await interaction.followup.send(
                text, ephemeral=True, allowed_mentions=discord_md.no_mentions()
            )
        else:
            await interaction.response.send_message(
                text, ephemeral=True, allowed_mentions=discord_md.no_mentions()
            )
    except discord.HTTPException as exc:
        await delivery_failed(interaction, exc)
