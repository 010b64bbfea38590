"""What the aiohttp app holds, as typed keys: every module of the chat finds them here."""

from __future__ import annotations

from aiohttp import web

from bot.engine import Engine
from bot.web.limits import AddressLimit
from bot.web.session import SessionCodec
from bot.web.settings import WebSettings

SETTINGS: web.AppKey[WebSettings] = web.AppKey("settings", WebSettings)
ENGINE: web.AppKey[Engine] = web.AppKey("engine", Engine)
CODEC: web.AppKey[SessionCodec] = web.AppKey("codec", SessionCodec)
LIMIT: web.AppKey[AddressLimit] = web.AppKey("limit", AddressLimit)
FILES: web.AppKey[dict[str, bytes]] = web.AppKey("files", dict)
