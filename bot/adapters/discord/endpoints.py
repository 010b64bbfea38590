"""Point discord.py at a Discord-compatible server (``DISCORD_API_BASE_URL``, ``DISCORD_GATEWAY_URL``).

discord.py keeps both in class attributes, so this changes them for the whole process; it is what
the local end-to-end tests use, and what a self-hosted compatible server needs.
"""

from __future__ import annotations

import re

import discord.gateway
import discord.http
import yarl

from bot.config import Config, ConfigError

API_VERSION_PATH = "/api/v10"


def api_base(url: str) -> str:
    """``http://host`` or ``http://host/api/v10`` → the REST base discord.py expects."""
    url = url.strip().rstrip("/")
    if not re.match(r"^https?://[^/]+", url):
        raise ConfigError("DISCORD_API_BASE_URL must be an http(s):// URL")
    return url if re.search(r"/api/v\d+$", url) else url + API_VERSION_PATH


def gateway_url(url: str) -> yarl.URL:
    if not re.match(r"^wss?://[^/]+", url.strip()):
        raise ConfigError("DISCORD_GATEWAY_URL must be a ws(s):// URL")
    return yarl.URL(url.strip())


def apply_endpoints(config: Config) -> None:
    """Use the configured REST and gateway URLs, if any (else Discord's)."""
    if config.discord_api_base_url:
        discord.http.Route.BASE = api_base(config.discord_api_base_url)
    if config.discord_gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = gateway_url(config.discord_gateway_url)
