"""Logging: to stderr, no message contents, no token ever, and bounded when things go wrong.

Three filters sit on the one handler, in this order:

1. `ContentFilter` keeps what users wrote out of the libraries' records: python-telegram-bot's
   "Received data was …" and its request and webhook dumps, discord.py's gateway and HTTP payload
   dumps, the query strings of access logs. aps-bot's own records never carry contents (they log
   ids, types and counts), so they pass untouched.
2. `Throttle` lets one record per kind (logger, level, message template, exception type) through
   per minute from WARNING up, and says on the next one how many it held back.
3. `RedactingFilter` replaces tokens, configured or merely token-shaped, with ``***``.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Mapping

from bot.config import Config

# Shapes of Telegram and Discord bot tokens, redacted from any log line as a last line of defence.
_TOKEN_SHAPES = re.compile(
    r"\d{6,12}:[A-Za-z0-9_-]{30,}|[MN][A-Za-z0-9_-]{20,30}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{25,}"
)
OURS = ("bot", "aps_bot")  # loggers whose records are written without contents by construction
WITHHELD = "<withheld>"
# Library templates that dump what users sent or what the bot answered: (logger prefix, a piece
# of the template, which arguments to withhold; None: all of them).
PAYLOAD_DUMPS: tuple[tuple[str, str, tuple[int, ...] | None], ...] = (
    ("telegram", "Received data was", None),
    ("telegram", "Webhook received data", None),
    ("telegram", "with parameters", (1,)),
    ("telegram", "finished with return value", (1,)),
    ("discord.gateway", "WebSocket Event", (1,)),
    ("discord.gateway", "Received", None),
    ("discord.http", "has returned", (2,)),
    ("discord.http", "has received", (2,)),
)
ACCESS_LOGS = ("aiohttp.access", "tornado.access")
_QUERY = re.compile(r"\?[^\s\"']*")
LONG_TEXT = 200  # a longer string argument in a library's record is withheld


def _plain(value: object) -> bool:
    """Safe to log as is: numbers, flags, short single-line strings, lists of ids."""
    if value is None or isinstance(value, (bool, int, float)):
        return True
    if isinstance(value, str):
        return len(value) <= LONG_TEXT and "\n" not in value
    if isinstance(value, (list, tuple, set, frozenset)):
        return all(isinstance(v, int) for v in value)
    return False


class ContentFilter(logging.Filter):
    """Withholds users' contents from other libraries' records (see `PAYLOAD_DUMPS`); anything
    but a number or a short line among their arguments is withheld too."""

    def filter(self, record: logging.LogRecord) -> bool:
        name = record.name
        if name.split(".")[0] in OURS:
            return True
        if name in ACCESS_LOGS:
            record.msg, record.args = _QUERY.sub("?…", record.getMessage()), None
            return True
        if not record.args:
            return True
        if isinstance(record.args, Mapping):  # "%(name)s" templates
            record.args = {k: v if _plain(v) else WITHHELD for k, v in record.args.items()}
            return True
        args = record.args if isinstance(record.args, tuple) else (record.args,)
        template = str(record.msg)
        withheld: tuple[int, ...] | None = ()
        for prefix, piece, which in PAYLOAD_DUMPS:
            if (name == prefix or name.startswith(prefix + ".")) and piece in template:
                withheld = which
                break
        record.args = tuple(
            WITHHELD if withheld is None or i in withheld or not _plain(arg) else arg
            for i, arg in enumerate(args)
        )
        return True


class Throttle(logging.Filter):
    """One record per kind per `window` seconds, from `level` up; the next one says how many
    were held back. A kind is the logger, the level, the message template (before its arguments
    are filled in) and the exception's type."""

    MAX_KINDS = 1000  # forget the oldest kinds past this many (templates are few; this is a bound)

    def __init__(
        self,
        window: float = 60.0,
        level: int = logging.WARNING,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.window, self.level, self.clock = window, level, clock
        self._kinds: dict[tuple, list[float | int]] = {}  # kind → [window start, held back]

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < self.level:
            return True
        error = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else ""
        kind = (record.name, record.levelno, str(record.msg), error)
        now = self.clock()
        seen = self._kinds.get(kind)
        if seen is not None and now - seen[0] < self.window:
            seen[1] += 1
            return False
        held = int(seen[1]) if seen else 0
        self._kinds.pop(kind, None)
        if len(self._kinds) >= self.MAX_KINDS:
            self._kinds.pop(next(iter(self._kinds)))
        self._kinds[kind] = [now, 0]
        if held:
            note = f" ({held} more like this in the last {self.window:.0f} s)"
            record.msg = str(record.msg) + note.replace("%", "%%")
        return True


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
    handler.addFilter(ContentFilter())
    handler.addFilter(Throttle())
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
