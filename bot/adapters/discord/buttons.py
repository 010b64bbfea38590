"""Buttons that survive a restart: every custom_id carries what the engine needs, nothing in memory.

Contract (as in discord.py's persistent views): 1) each button is a `DynamicItem` whose template
matches its custom_id, registered with ``client.add_dynamic_items``; 2) the custom_id holds the
engine's signed choice token (≤ 64 bytes, within Discord's 100), so after a restart a click is
handled as if nothing happened, and a forged or stale one gets the engine's "menu expired".

    c:<token>     a choice (walkthrough step, FAQ entry…): where its reply's `ReplyMode` says
    s:<token>     share an FAQ answer in the channel: a new public message
    p:<payload>   continue privately (``aps`` or ``faq_<id>``): a new ephemeral message
    t             type an answer (a date) in a modal; a step answered there replaces the step

Anything else (a button from an older version, a forged or foreign custom_id, a select menu) is
not `recognised`: `ApsClient.on_interaction` answers it with an ephemeral "this menu has expired",
so Discord never shows "This interaction failed". The typed answer's form (`AnswerModal`) is
answered there too, from the submitted data, so a form opened before a restart still works.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.adapters.discord.front import delivery_failed, front
from bot.adapters.discord.keys import choice_event, command_event, key_of, locale_of, text_event
from bot.engine import suggest

_PAYLOAD = re.compile(r"^(aps|faq_[A-Za-z0-9_]{1,60})$")
MODAL_TEXT_MAX = 100
ANSWER_MODAL = "aps-answer"  # the custom_id of the typed answer's form
TEXT_INPUT = 4  # component type of a modal's text field
BUTTON = 2  # component type of a button: all our items are buttons


def _is_private(interaction: discord.Interaction[Any]) -> bool:
    """A click on an ephemeral message (or in a DM) is private; on a channel message it is not."""
    message = interaction.message
    return interaction.guild_id is None or bool(message and message.flags.ephemeral)


class ChoiceButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"c:(?P<token>[\s\S]{1,98})"
):
    """One of the engine's choices."""

    def __init__(self, token: str, label: str = "…", *, nav: bool = False) -> None:
        style = discord.ButtonStyle.secondary if nav else discord.ButtonStyle.primary
        super().__init__(discord.ui.Button(label=label, custom_id=f"c:{token}", style=style))
        self.token = token
        self.nav = nav

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ChoiceButton:
        return cls(match["token"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        private = _is_private(interaction)
        event = choice_event(interaction, self.token, private=private)
        await front(interaction).answer(interaction, event, ephemeral=private)


class ShareButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"s:(?P<token>[\s\S]{1,98})"
):
    """Posts the FAQ answer shown ephemerally as a public message in the channel."""

    def __init__(self, token: str, label: str = "…") -> None:
        super().__init__(
            discord.ui.Button(
                label=label, custom_id=f"s:{token}", style=discord.ButtonStyle.success, emoji="📣"
            )
        )
        self.token = token

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ShareButton:
        return cls(match["token"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        event = choice_event(interaction, self.token, private=False)
        await front(interaction).answer(interaction, event, ephemeral=False)


class PrivateButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"p:(?P<payload>[\s\S]{1,98})"
):
    """Under a public answer: whoever clicks gets the personal follow-up, visible only to them."""

    def __init__(self, payload: str, label: str = "…") -> None:
        super().__init__(
            discord.ui.Button(
                label=label, custom_id=f"p:{payload}", style=discord.ButtonStyle.secondary
            )
        )
        self.payload = payload

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> PrivateButton:
        return cls(match["payload"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if not _PAYLOAD.match(self.payload):
            event = choice_event(interaction, self.custom_id, private=True)  # the engine: expired
        else:
            event = command_event(interaction, "start", self.payload, private=True)
        await front(interaction).answer(interaction, event, ephemeral=True)


class AnswerButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"t"):
    """Opens a form to type an answer: the bot cannot read messages (no message content intent)."""

    def __init__(self, label: str = "…") -> None:
        super().__init__(
            discord.ui.Button(
                label=label, custom_id="t", style=discord.ButtonStyle.success, emoji="✏️"
            )
        )
        self.nav = False

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> AnswerButton:
        return cls()

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        engine = front(interaction).engine
        lang = await suggest.language_for(engine, key_of(interaction), locale_of(interaction))
        modal = AnswerModal(
            title=lang.gettext("Your answer")[:45],
            label=lang.gettext("Date (for example 15/03/2027)")[:45],
        )
        try:
            await interaction.response.send_modal(modal)
        except discord.HTTPException as exc:
            await delivery_failed(interaction, exc)


class AnswerModal(discord.ui.Modal):
    """The form for a typed answer (a date). Its submission is answered by `submit_answer`."""

    def __init__(self, *, title: str, label: str) -> None:
        super().__init__(title=title, timeout=900, custom_id=ANSWER_MODAL)
        self.answer: discord.ui.TextInput[AnswerModal] = discord.ui.TextInput(
            label=label, placeholder="15/03/2027", max_length=MODAL_TEXT_MAX
        )
        self.add_item(self.answer)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        """Nothing here: `ApsClient.on_interaction` answers every submission of this form, also
        after a restart, when discord.py no longer knows the form it sent."""


async def submit_answer(interaction: discord.Interaction[Any]) -> None:
    """The typed answer goes to the engine as text; the step it leads to replaces the one the form
    was opened from (the reply says so)."""
    value = _typed_value(interaction.data or {})
    event = text_event(interaction, value[:MODAL_TEXT_MAX], private=True)
    await front(interaction).answer(interaction, event, ephemeral=True)


def _typed_value(data: Any) -> str:
    """The first text field's value in a submitted form (fields may sit in rows or labels)."""
    if isinstance(data, dict):
        if data.get("type") == TEXT_INPUT and isinstance(data.get("value"), str):
            return data["value"]
        children = [*data.get("components", ()), data.get("component")]
    elif isinstance(data, list):
        children = data
    else:
        return ""
    for child in children:
        found = _typed_value(child)
        if found:
            return found
    return ""


async def expired(interaction: discord.Interaction[Any]) -> None:
    """A component or form the bot does not recognise: the engine answers "this menu has expired",
    visible only to the clicker, and nothing changes."""
    custom_id = str((interaction.data or {}).get("custom_id", ""))[:100]
    event = choice_event(interaction, custom_id, private=True)
    await front(interaction).answer(interaction, event, ephemeral=True)


DYNAMIC_ITEMS = (ChoiceButton, ShareButton, PrivateButton, AnswerButton)


def recognised(custom_id: str, component_type: object = BUTTON) -> bool:
    """Whether one of our buttons handles a click on `custom_id` (discord.py matches the same
    templates, and only for the item's own component type: a button)."""
    if component_type != BUTTON:
        return False
    return any(item.__discord_ui_compiled_template__.fullmatch(custom_id) for item in DYNAMIC_ITEMS)
