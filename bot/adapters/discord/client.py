"""`ApsClient`: a `discord.Client` with a `CommandTree`, minimal intents, and the engine.

Intents: only ``guilds`` (not privileged), which keeps discord.py's guild cache consistent for
interactions. No message content, members or presences: slash commands, buttons and the message
context menu arrive as interactions, and a context menu carries its target message's text.

Gateway events are read one by one: discord.py reads each in the gateway's receive loop, so one
it cannot read (a shape a newer Discord sends, a forged event) would end the connection, the
bot, and every other platform of the process with it. `guard_parsers` wraps each reader: such an
event is skipped, counted and logged by type, never by content (as on Telegram).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import discord
from discord import app_commands

from bot.adapters.discord import buttons, commands, jobs, respond
from bot.adapters.discord.endpoints import apply_endpoints
from bot.adapters.discord.keys import PLATFORM
from bot.adapters.discord.reminders import reminder_job
from bot.adapters.discord.sourcewatch import sources_job
from bot.adapters.discord.translator import CatalogTranslator
from bot.config import Config, ConfigError
from bot.engine import Engine, Event, insight
from bot.health import VITALS, Vitals
from bot.render.discord_md import no_mentions
from bot.sourcewatch import notify
from bot.sourcewatch.check import WatchError

log = logging.getLogger(__name__)

DEFER_AFTER = 2.0  # seconds; Discord drops an interaction not acknowledged within 3


class ApsTree(app_commands.CommandTree["ApsClient"]):
    async def interaction_check(self, interaction: discord.Interaction[ApsClient]) -> bool:
        """An autocomplete on an option that has none (a command changed since the last sync,
        or a forged one) gets no suggestions, instead of discord.py's traceback."""
        if interaction.type is discord.InteractionType.autocomplete and not _autocompletes(
            self, interaction
        ):
            with contextlib.suppress(discord.HTTPException):
                await interaction.response.autocomplete([])
            return False
        return True

    async def on_error(
        self, interaction: discord.Interaction[ApsClient], error: app_commands.AppCommandError
    ) -> None:
        command = interaction.command.name if interaction.command else "?"
        if isinstance(error, app_commands.CommandInvokeError):  # our code failed: a bug
            original = error.original
            log.error(
                "discord: command %s failed: %s",
                command,
                type(original).__name__,
                exc_info=(type(original), original, original.__traceback__),
            )
        else:  # what Discord sent does not fit the command: changed since the last sync, forged
            log.warning("discord: command %s refused: %s", command, type(error).__name__)
        await respond.send_error(interaction)


def _autocompletes(tree: ApsTree, interaction: discord.Interaction[Any]) -> bool:
    """Whether the focused option of an autocomplete interaction has our suggestions."""
    data = interaction.data or {}
    command = tree.get_command(str(data.get("name", "")))
    focused = next(
        (
            o.get("name")
            for o in data.get("options") or []
            if isinstance(o, dict) and o.get("focused")
        ),
        None,
    )
    if not isinstance(command, app_commands.Command) or focused is None:
        return False
    return any(p.display_name == focused and p.autocomplete for p in command.parameters)


class ApsClient(discord.Client):
    """The Discord front end of one engine.

    Args:
        config: settings (the token is only read by `run_discord` and `sync_commands`).
        engine: the shared engine.
        defer_after: seconds to wait for the engine before deferring an interaction.
        vitals: where handled interactions and failed answers are noted (default: the
            process's, which the heartbeat file shows).
        options: passed on to `discord.Client`.
    """

    def __init__(
        self,
        config: Config,
        engine: Engine,
        *,
        defer_after: float = DEFER_AFTER,
        vitals: Vitals | None = None,
        **options: Any,
    ) -> None:
        options.setdefault("intents", discord.Intents(guilds=True))
        options.setdefault("allowed_mentions", no_mentions())
        super().__init__(**options)
        self.config = config
        self.engine = engine
        self.defer_after = defer_after
        self.vitals = vitals or VITALS
        self.vitals.of(PLATFORM)
        guard_parsers(self)
        self.tree = ApsTree(self)
        commands.register(self.tree, engine)
        self.add_dynamic_items(*buttons.DYNAMIC_ITEMS)
        self.background: set[asyncio.Task[Any]] = set()
        self.loops: list[Any] = []  # the jobs' tasks.loops, once connected
        if config.sources_watch == notify.WEEKLY:
            try:  # fail at start, not on Monday
                notify.check_setting()
            except WatchError as exc:
                raise ConfigError(str(exc)) from None

    async def setup_hook(self) -> None:
        await self.tree.set_translator(CatalogTranslator(self.engine.catalogs))

    async def close(self) -> None:
        for loop in self.loops:
            loop.cancel()
        await super().close()

    async def answer(
        self,
        interaction: discord.Interaction[Any],
        event: Event,
        *,
        ephemeral: bool = True,
    ) -> None:
        """Hand `event` to the engine and answer `interaction` with the reply (see `respond`)."""
        await respond.answer(interaction, event, ephemeral=ephemeral)

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """Answer what no handler will: a component whose custom_id none of our buttons
        recognises, or a form other than ours, gets "this menu has expired"; our typed-answer
        form is answered here (it works after a restart, when discord.py forgot the form)."""
        self.vitals.handled(PLATFORM)
        data = interaction.data or {}
        custom_id = str(data.get("custom_id", ""))
        if interaction.type is discord.InteractionType.component:
            kind = data.get("component_type")
            if interaction.message is None or not buttons.recognised(custom_id, kind):
                await buttons.expired(interaction)
        elif interaction.type is discord.InteractionType.modal_submit:
            if custom_id == buttons.ANSWER_MODAL:
                await buttons.submit_answer(interaction)
            else:
                await buttons.expired(interaction)

    async def on_ready(self) -> None:
        log.info("discord: connected as %s (id %s)", self.user, self.user.id if self.user else "?")
        # started once connected (READY comes again after a reconnect: keep the running loops)
        if not self.loops:
            scheduled = (reminder_job(self), sources_job(self))
            self.loops = [jobs.start(job) for job in scheduled if job is not None]


def guard_parsers(client: ApsClient) -> None:
    """Wrap each of discord.py's gateway event readers, except READY (without which nothing
    works): one that fails skips its event, which is counted and logged by type only.

    discord.py offers no public hook here: ``ConnectionState.parsers`` is the table its gateway
    reads events through (discord.py 2.7, pinned in pyproject.toml; tests/discord use it too).
    """
    parsers = client._connection.parsers
    for event, parse in list(parsers.items()):
        if event != "READY":
            parsers[event] = _skip_unreadable(client, event, parse)


def _skip_unreadable(client: ApsClient, event: str, parse: Any) -> Any:
    def read(data: Any) -> None:
        try:
            if event == "INTERACTION_CREATE":
                _check_interaction(data)
            parse(data)
        except Exception as exc:
            client.vitals.unreadable(PLATFORM)
            log.warning(
                "discord: a %s event could not be read by discord.py %s (%s); skipped",
                event,
                discord.__version__,
                type(exc).__name__,
            )
            task = asyncio.get_running_loop().create_task(
                client.engine.store.bump(insight.UNREADABLE + PLATFORM)
            )
            client.background.add(task)
            task.add_done_callback(client.background.discard)

    return read


def _check_interaction(data: Any) -> None:
    """What discord.py and our handlers take for granted in an interaction (Discord always sends
    it): its data, for a command, click, suggestion or form; and who it comes from.

    Raises:
        ValueError: it is missing; the event is then skipped as unreadable.
    """
    if data.get("type") in (2, 3, 4, 5) and not isinstance(data.get("data"), dict):
        raise ValueError("no data")
    member = data.get("member")
    if not isinstance(data.get("user"), dict) and not (
        isinstance(member, dict) and isinstance(member.get("user"), dict)
    ):
        raise ValueError("no user")


def build_client(config: Config, engine: Engine, **overrides: Any) -> ApsClient:
    """The client `run_discord` runs, endpoints applied; `overrides` go to `ApsClient` (tests)."""
    apply_endpoints(config)
    return ApsClient(config, engine, **overrides)


async def run_discord(config: Config, engine: Engine, **overrides: Any) -> None:
    """Connect with ``DISCORD_BOT_TOKEN`` and serve until cancelled, then close cleanly.

    Commands are not synced here: run ``aps-bot discord-sync`` once after changing them.

    Args:
        overrides: passed to `ApsClient` (tests: their own ``vitals``).

    Raises:
        ConfigError: the token is missing or Discord rejected it.
    """
    if not config.discord_token:
        raise ConfigError("DISCORD_BOT_TOKEN is not set")
    client = build_client(config, engine, **overrides)
    try:
        try:
            await client.login(config.discord_token.reveal())
        except discord.LoginFailure:
            raise ConfigError("DISCORD_BOT_TOKEN was rejected by Discord") from None
        await client.connect(reconnect=True)
    finally:
        with contextlib.suppress(Exception):
            await asyncio.shield(client.close())
