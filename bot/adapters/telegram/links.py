"""URLs: the Bot API endpoints (``TELEGRAM_API_BASE_URL``) and ``t.me`` deep links."""

from __future__ import annotations

import re

_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def api_urls(base: str) -> tuple[str, str] | None:
    """``(base_url, base_file_url)`` for python-telegram-bot, from a Bot API server's root URL.

    ``https://api.example.org`` gives ``https://api.example.org/bot`` and
    ``https://api.example.org/file/bot``; a URL already ending in ``/bot`` is accepted too.
    An empty `base` gives None: Telegram's own servers.
    """
    root = base.strip().rstrip("/")
    if not root:
        return None
    if root.endswith("/bot"):
        root = root[: -len("/bot")]
    return f"{root}/bot", f"{root}/file/bot"


def deep_link(username: str, payload: str) -> str | None:
    """``https://t.me/<bot>?start=<payload>``; None if the payload is not a valid start parameter."""
    if not username or not _PAYLOAD.match(payload):
        return None
    return f"https://t.me/{username}?start={payload}"
