"""``aps-bot discord-sync``: upload the command definitions (and their French names) to Discord.

Done on demand, not at every start: Discord rate-limits command registration, and global changes
take a while to reach every client. A guild sync is immediate, for testing on one server.
"""

from __future__ import annotations

import discord

from bot.adapters.discord.client import build_client
from bot.config import Config, ConfigError
from bot.engine import Engine


async def sync_commands(config: Config, engine: Engine, guild_id: int | None = None) -> list[str]:
    """Register the commands globally, or only in guild `guild_id`; the names registered.

    Raises:
        ConfigError: no token, or Discord rejected it.
    """
    if not config.discord_token:
        raise ConfigError("DISCORD_BOT_TOKEN is not set")
    client = build_client(config, engine)
    try:
        try:
            await client.login(config.discord_token.reveal())  # also runs setup_hook: translator
        except discord.LoginFailure:
            raise ConfigError("DISCORD_BOT_TOKEN was rejected by Discord") from None
        if guild_id is None:
            synced = await client.tree.sync()
        else:
            guild = discord.Object(id=guild_id)
            client.tree.copy_global_to(guild=guild)
            synced = await client.tree.sync(guild=guild)
    finally:
        await client.close()
    return [c.name for c in synced]
