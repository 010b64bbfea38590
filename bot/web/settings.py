"""The web chat's settings, from the environment (see .env.example, "Web chat").

The session cookie is signed with a key that never appears in logs, errors or reprs: from
``APS_BOT_WEB_SECRET`` (or the file named by ``APS_BOT_WEB_SECRET_FILE``), else a random key
created once in a file next to the SQLite database (readable by its owner only), so sessions
survive restarts. With Redis (several instances) the key must be given: each instance must
verify the others' cookies. With the ``memory`` database the key lives as long as the process.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.config import ConfigError, Secret

MAX_TEXT_CHARS = 1000  # a question is a sentence or two; the engine reads 500 of them at most
MAX_BODY_BYTES = 64 * 1024  # room for 4,000 characters of emoji escaped in JSON
# the page's form without JavaScript: a longer message is still read, to be given back with the
# refusal (a pasted page of text is not lost); beyond this, only the refusal comes back
FORM_MAX_BYTES = 1024 * 1024
HISTORY_TURNS = 10  # exchanges the page's script keeps in the browser, to show after a reload
HISTORY_HOURS = 24  # … and for how long
KEY_FILE_SUFFIX = ".web-key"
_ORIGIN = re.compile(r"^https?://(\*\.)?[A-Za-z0-9.-]+(:[0-9]{1,5}|:\*)?$")


@dataclass(frozen=True)
class WebSettings:
    """How the web chat behaves.

    Attributes:
        secret: the cookie-signing key.
        frame_ancestors: the sites allowed to embed the chat (CSP ``frame-ancestors``); empty:
            nobody (``'none'``), and the cookie is ``SameSite=Lax``. When set, the cookie must be
            sent inside another site's frame: ``SameSite=None; Secure; Partitioned`` (HTTPS only).
        trust_proxy: read ``X-Forwarded-For`` / ``X-Forwarded-Proto`` (only behind a proxy that
            sets them, else clients could forge them).
        ip_burst, ip_rate: the per-address limit (requests at once, refilled per second);
            ``APS_BOT_WEB_ADDRESS_LIMIT`` requests a minute (default 600: a campus behind one
            address loads the embedded chat with every page view), 0 for none.
        retention_days: how long the session cookie lasts (as long as the data it points to).
    """

    secret: Secret
    frame_ancestors: tuple[str, ...] = ()
    trust_proxy: bool = False
    ip_burst: int = 600
    ip_rate: float = 10.0
    retention_days: int = 30
    max_text_chars: int = MAX_TEXT_CHARS

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str] | None = None,
        *,
        database: str = "",
        default_database: Path | None = None,
        retention_days: int = 30,
    ) -> WebSettings:
        """Read the settings; `database` is the store URL in use (to place the key file).

        Raises:
            ConfigError: an invalid value (the message never contains the secret).
        """
        env = os.environ if env is None else env
        ancestors = tuple(env.get("APS_BOT_WEB_FRAME_ANCESTORS", "").split())
        for origin in ancestors:
            if origin != "'self'" and not _ORIGIN.match(origin):
                raise ConfigError(
                    "APS_BOT_WEB_FRAME_ANCESTORS: space-separated origins such as "
                    f"https://www.example.edu (got {origin[:60]!r})"
                )
        trust = env.get("APS_BOT_WEB_TRUST_PROXY", "").strip().lower() in ("1", "true", "yes")
        per_minute = env.get("APS_BOT_WEB_ADDRESS_LIMIT", "").strip() or "600"
        if not per_minute.isdigit():
            raise ConfigError(
                "APS_BOT_WEB_ADDRESS_LIMIT must be a number of requests a minute (0: no limit)"
            )
        return cls(
            secret=_secret(env, database, default_database),
            frame_ancestors=ancestors,
            trust_proxy=trust,
            ip_burst=int(per_minute),
            ip_rate=int(per_minute) / 60,
            retention_days=retention_days,
        )


def _secret(env: Mapping[str, str], database: str, default_database: Path | None) -> Secret:
    value = env.get("APS_BOT_WEB_SECRET", "").strip()
    file = env.get("APS_BOT_WEB_SECRET_FILE", "").strip()
    if value and file:
        raise ConfigError("set APS_BOT_WEB_SECRET or APS_BOT_WEB_SECRET_FILE, not both")
    if file:
        try:
            value = Path(file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(
                f"APS_BOT_WEB_SECRET_FILE: cannot read {file}: {exc.strerror}"
            ) from None
    if value:
        if len(value) < 32:
            raise ConfigError(
                "APS_BOT_WEB_SECRET must be at least 32 characters (openssl rand -hex 32)"
            )
        return Secret(value)
    url = database.strip()
    if url in ("memory", ":memory:"):
        return Secret(secrets.token_hex(32))  # sessions last as long as the memory database
    if url.startswith(("redis://", "rediss://")):
        raise ConfigError(
            "the web chat needs APS_BOT_WEB_SECRET with a Redis database: every instance must "
            "sign session cookies with the same key"
        )
    if url.startswith("sqlite:///"):
        url = url[len("sqlite:///") :]
    db_path = Path(url).expanduser() if url else default_database
    if db_path is None:
        raise ConfigError("no database path to keep the web key next to: set APS_BOT_WEB_SECRET")
    return Secret(_key_file(db_path.with_name(db_path.name + KEY_FILE_SUFFIX)))


def _key_file(path: Path) -> str:
    """The key stored at `path`, created (owner-only) the first time."""
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise ConfigError(f"cannot read the web key {path}: {exc.strerror}") from None
    key = secrets.token_hex(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it meanwhile: use theirs
        return path.read_text(encoding="ascii").strip()
    except OSError as exc:
        raise ConfigError(f"cannot create the web key {path}: {exc.strerror}") from None
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key + "\n")
    return key
