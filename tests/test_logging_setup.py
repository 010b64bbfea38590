"""The log filters `setup_logging` installs: contents withheld from libraries' records, one line
per kind of error per minute, tokens redacted. Records are built as the libraries log them."""

from __future__ import annotations

import io
import logging

from bot.logging_setup import ContentFilter, RedactingFilter, Throttle

WORDS = "zq7MARKERxq9 combien coûte la carte"


def record(name: str, level: int, msg: str, *args, exc: BaseException | None = None):
    exc_info = (type(exc), exc, exc.__traceback__) if exc else None
    return logging.LogRecord(name, level, __file__, 1, msg, args, exc_info)


def shown(*records: logging.LogRecord, filters: list[logging.Filter]) -> str:
    """What a handler with `filters` writes for `records`."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    for f in filters:
        handler.addFilter(f)
    for r in records:
        handler.handle(r)
    return out.getvalue()


def test_payload_dumps_of_every_library_are_withheld() -> None:
    update = {"update_id": 7, "message": {"text": WORDS, "chat": {"id": 1}}}
    dumps = [
        # python-telegram-bot: a batch it could not parse; its webhook; its DEBUG request log
        record("telegram.Bot", logging.CRITICAL, "Error while parsing updates! Received data was %r", [update]),
        record("telegram.ext._utils.webhookhandler", logging.DEBUG, "Webhook received data: %s", str(update)),
        record("telegram.Bot", logging.DEBUG, "Calling Bot API endpoint `%s` with parameters `%s`", "sendMessage", {"text": WORDS}),
        record("telegram.Bot", logging.DEBUG, "Call to Bot API endpoint `%s` finished with return value `%s`", "sendMessage", {"text": WORDS}),
        # discord.py: every gateway event, every HTTP body
        record("discord.gateway", logging.DEBUG, "For Shard ID %s: WebSocket Event: %s", 0, {"d": {"value": WORDS}}),
        record("discord.http", logging.DEBUG, "%s %s with %s has returned %s", "POST", "/x", f'{{"content": "{WORDS}"}}', 200),
        record("discord.http", logging.DEBUG, "%s %s has received %s", "POST", "/x", {"content": WORDS}),
        # any other library: long or structured arguments
        record("somelib", logging.WARNING, "could not handle %s", "x" * 300 + WORDS),
        record("somelib", logging.WARNING, "could not handle %(what)s", {"what": {"t": WORDS}}),
    ]  # fmt: skip
    text = shown(*dumps, filters=[ContentFilter()])
    assert "zq7MARKERxq9" not in text
    assert text.count("<withheld>") == len(dumps)
    assert "Calling Bot API endpoint `sendMessage`" in text  # what is not content stays
    assert "For Shard ID 0" in text


def test_access_logs_lose_their_query_strings_and_our_records_are_untouched() -> None:
    access = record(
        "aiohttp.access",
        logging.INFO,
        '127.0.0.1 "GET /?lang=fr&q=zq7MARKERxq9 HTTP/1.1" 200 "https://site.example/?q=zq7MARKERxq9"',
    )
    ours = record("bot.adapters.telegram.errors", logging.ERROR, "update %s failed: %s", 12, "X")
    text = shown(access, ours, filters=[ContentFilter()])
    assert "zq7MARKERxq9" not in text and '"GET /?… HTTP/1.1"' in text
    assert "update 12 failed: X" in text


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_repeated_error_is_one_line_a_minute_with_a_count() -> None:
    clock = Clock()
    throttle = Throttle(window=60, clock=clock)
    try:
        raise TimeoutError("slow")
    except TimeoutError as exc:
        error = exc
    lines = []
    for second in range(150):  # two and a half minutes of the same failure, 10 a second
        clock.now = float(second)
        for update_id in range(10):
            r = record("bot.x", logging.ERROR, "update %s failed: %s", update_id, "T", exc=error)
            lines.append(shown(r, filters=[throttle, RedactingFilter([])]))
    logged = [line for line in lines if line]
    assert len(logged) == 3  # at 0 s, 60 s and 120 s
    assert "more like this" not in logged[0] and logged[0].count("Traceback") == 1
    assert logged[1].startswith("ERROR bot.x: update 0 failed: T (599 more like this in the last")
    # other kinds, and INFO, are not held back
    other = record("bot.x", logging.ERROR, "another failure %s", 1)
    info = record("bot.x", logging.INFO, "update %s failed: %s", 1, "T")
    assert shown(other, info, filters=[throttle]).count("\n") == 2


def test_the_throttle_keeps_a_bounded_memory() -> None:
    throttle = Throttle(clock=Clock())
    for i in range(Throttle.MAX_KINDS + 500):
        throttle.filter(record("lib", logging.WARNING, f"preformatted {i}"))
    assert len(throttle._kinds) == Throttle.MAX_KINDS


def test_the_formatted_traceback_is_redacted_too() -> None:
    token = "123456789:" + "A" * 35
    try:
        raise RuntimeError(f"POST https://api.telegram.org/bot{token}/getMe failed")
    except RuntimeError as exc:
        r = record("telegram.ext", logging.ERROR, "failed", exc=exc)
    text = shown(r, filters=[ContentFilter(), Throttle(), RedactingFilter([])])
    assert token not in text and "bot***/getMe" in text
