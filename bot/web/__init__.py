"""The web chat (``aps-bot web``): the engine behind a small aiohttp server, embeddable."""

from bot.web.app import create_app, serve
from bot.web.settings import WebSettings

__all__ = ["WebSettings", "create_app", "serve"]
