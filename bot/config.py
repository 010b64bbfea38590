"""Configuration from the environment (see .env.example). Tokens never appear in reprs or logs."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.resources import knowledge_dir


class ConfigError(ValueError):
    """A setting is invalid; the message names the variable, never a secret's value."""


class Secret:
    """A token: compares and reveals on demand, prints as ``***``."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)


def _secret(env: Mapping[str, str], name: str) -> Secret | None:
    """``NAME`` or the content of the file named by ``NAME_FILE`` (Docker secrets)."""
    value = env.get(name, "").strip()
    file = env.get(f"{name}_FILE", "").strip()
    if value and file:
        raise ConfigError(f"set {name} or {name}_FILE, not both")
    if file:
        try:
            value = Path(file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"{name}_FILE: cannot read {file}: {exc.strerror}") from None
        if not value:
            raise ConfigError(f"{name}_FILE: {file} is empty")
    return Secret(value) if value else None


@dataclass(frozen=True)
class Config:
    telegram_token: Secret | None = None
    telegram_api_base_url: str = ""
    telegram_webhook_url: str = ""
    telegram_webhook_secret: Secret | None = None
    telegram_webhook_port: int = 8443
    telegram_webhook_listen: str = "0.0.0.0"
    discord_token: Secret | None = None
    discord_api_base_url: str = ""
    discord_gateway_url: str = ""
    database: str = ""
    default_lang: str = "en"
    admins: frozenset[str] = field(default_factory=frozenset)
    knowledge_dir: Path | None = None
    retention_days: int = 30
    log_level: str = "INFO"
    sources_watch: str = ""  # "" (off) | "weekly": the source check messaged to admins

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Config:
        env = os.environ if env is None else env
        retention = env.get("APS_BOT_RETENTION_DAYS", "30").strip() or "30"
        if not retention.isdigit() or int(retention) < 1:
            raise ConfigError("APS_BOT_RETENTION_DAYS must be a whole number of days (at least 1)")
        lang = env.get("APS_BOT_DEFAULT_LANG", "en").strip().lower() or "en"
        admins = frozenset(a.strip() for a in env.get("APS_BOT_ADMINS", "").split(",") if a.strip())
        webhook_url = env.get("TELEGRAM_WEBHOOK_URL", "").strip()
        webhook_secret = _secret(env, "TELEGRAM_WEBHOOK_SECRET")
        if webhook_url and not webhook_url.startswith("https://"):
            raise ConfigError("TELEGRAM_WEBHOOK_URL must be an https:// URL")
        if webhook_url and not webhook_secret:
            raise ConfigError("TELEGRAM_WEBHOOK_URL needs TELEGRAM_WEBHOOK_SECRET")
        if webhook_secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", webhook_secret.reveal()):
            raise ConfigError("TELEGRAM_WEBHOOK_SECRET: 1-256 characters among A-Z a-z 0-9 _ -")
        sources_watch = env.get("APS_BOT_SOURCES_WATCH", "").strip().lower()
        if sources_watch in ("off", "no", "0"):
            sources_watch = ""
        if sources_watch not in ("", "weekly"):
            raise ConfigError("APS_BOT_SOURCES_WATCH must be 'weekly' or empty (off)")
        webhook_port = env.get("TELEGRAM_WEBHOOK_PORT", "8443").strip() or "8443"
        if not webhook_port.isdigit() or not 0 < int(webhook_port) < 65536:
            raise ConfigError("TELEGRAM_WEBHOOK_PORT must be a port number (1-65535)")
        return cls(
            telegram_token=_secret(env, "TELEGRAM_BOT_TOKEN"),
            telegram_api_base_url=env.get("TELEGRAM_API_BASE_URL", "").strip(),
            telegram_webhook_url=webhook_url,
            telegram_webhook_secret=webhook_secret,
            telegram_webhook_port=int(webhook_port),
            telegram_webhook_listen=env.get("TELEGRAM_WEBHOOK_LISTEN", "").strip() or "0.0.0.0",
            discord_token=_secret(env, "DISCORD_BOT_TOKEN"),
            discord_api_base_url=env.get("DISCORD_API_BASE_URL", "").strip(),
            discord_gateway_url=env.get("DISCORD_GATEWAY_URL", "").strip(),
            database=env.get("APS_BOT_DATABASE", "").strip(),
            default_lang=lang,
            admins=admins,
            knowledge_dir=knowledge_dir(env),
            retention_days=int(retention),
            log_level=env.get("APS_BOT_LOG_LEVEL", "INFO").strip().upper() or "INFO",
            sources_watch=sources_watch,
        )
