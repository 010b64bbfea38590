"""Discord front end: slash commands, buttons, autocomplete and a context menu on discord.py.

client = build_client(config, engine)        # what run_discord runs (tests use it directly)
await run_discord(config, engine)            # login + connect, until cancelled
await sync_commands(config, engine, guild)   # aps-bot discord-sync
"""

from bot.adapters.discord.client import ApsClient, build_client, run_discord
from bot.adapters.discord.sync import sync_commands
from bot.adapters.discord.translator import CatalogTranslator, valid_name

__all__ = [
    "ApsClient",
    "CatalogTranslator",
    "build_client",
    "run_discord",
    "sync_commands",
    "valid_name",
]
