"""Logging: to stderr, no message contents, and no token ever (redacted even if a library logs it)."""

from __future__ import annotations

import logging
import re

from bot.config import Config

# Shapes of Telegram and Discord bot tokens, redacted from any log line as a last line of defence.
_TOKEN_SHAPES = re.compile(
    r"\d{6,12}:[A-Za-z0-9_-]{30,}|[MN][A-Za-z0-9_-]{20,30}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{25,}"
)


class RedactingFilter(logging.Filter):
    """Replaces configured secrets, and anything shaped like a bot token, with ``***``."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def redact(self, text: str) -> str:
        for s in self._secrets:
            text = text.replace(s, "***")
        return _TOKEN_SHAPES.sub("***", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.redact(message)
        if record.exc_info and record.exc_info[1] is not None:
            clean_exc = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
            record.exc_text = clean_exc
        if clean != message or record.args:
            record.msg, record.args = clean, None
        return True


def setup_logging(config: Config) -> None:
    secrets = [t.reveal() for t in (config.telegram_token, config.discord_token) if t]
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(
        config.log_level if config.log_level in logging.getLevelNamesMapping() else "INFO"
    )
    # httpx logs every request URL at INFO, and Telegram puts the token in the URL
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # job bookkeeping, every start
