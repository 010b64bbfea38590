"""Logging as `aps-bot` sets it up, written to a buffer the reliability tests can read."""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator

from bot.config import Config
from bot.logging_setup import setup_logging


@contextlib.contextmanager
def production_logging(config: Config, *, everything: bool = False) -> Iterator[io.StringIO]:
    """Logging exactly as `aps-bot` sets it up (`setup_logging`), written to a buffer.

    Args:
        everything: also let httpx and httpcore log at DEBUG (production keeps them at WARNING,
            as they log request URLs, which hold the Telegram token): the redacting filter
            must still keep the token out.
    """
    root = logging.getLogger()
    saved = (root.level, root.handlers[:])
    noisy = [logging.getLogger(n) for n in ("httpx", "httpcore")]
    saved_noisy = [n.level for n in noisy]
    setup_logging(config)
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    out = io.StringIO()
    handler.setStream(out)
    if everything:
        for n in noisy:
            n.setLevel(logging.DEBUG)
    try:
        yield out
    finally:
        root.handlers[:] = saved[1]
        root.setLevel(saved[0])
        for n, level in zip(noisy, saved_noisy, strict=True):
            n.setLevel(level)


class Records(logging.Handler):
    """Every record that reaches the root logger, as logged (before any filter)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        self.texts.append(text)


@contextlib.contextmanager
def raw_records() -> Iterator[Records]:
    """Also keep every record as the loggers made it: this handler comes before the production
    handler, whose filters change records in place."""
    handler = Records()
    root = logging.getLogger()
    root.handlers.insert(0, handler)  # before the production handler and its filters
    try:
        yield handler
    finally:
        root.removeHandler(handler)
