"""The long-running subcommands: ``aps-bot run``, ``console`` and ``web``, until Ctrl-C.

Each builds the engine, serves until it is stopped, then closes the store.
"""

from __future__ import annotations

import asyncio
import os

from bot.config import Config
from bot.subcommands.usage_error import UsageError


async def console(config: Config, lang: str | None, database: str | None) -> int:
    """``aps-bot console``: one local user in a terminal, the language from --lang or $LANG."""
    from bot.app import build_engine
    from bot.console import Console

    engine = build_engine(config, database=database, flood_control=False)  # one local user
    locale = lang or os.environ.get("LC_ALL") or os.environ.get("LANG") or None
    if locale and locale.split(".")[0] in ("C", "POSIX"):
        locale = None
    try:
        await Console(engine, locale=locale.split(".")[0] if locale else None).run()
    finally:
        await engine.store.close()
    return 0


def web(config: Config, host: str, port: int, database: str | None) -> int:
    """``aps-bot web``: the chat over HTTP until SIGINT or SIGTERM."""
    import signal

    from bot.app import build_engine
    from bot.storage import default_database_path
    from bot.web import WebSettings, serve

    if not 0 <= port < 65536:
        raise UsageError("--port must be between 0 and 65535")
    url = config.database if database is None else database
    settings = WebSettings.from_env(
        database=url, default_database=default_database_path(), retention_days=config.retention_days
    )

    async def main() -> None:
        engine = build_engine(config, database=database, serving=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)

        def ready(address: str) -> None:
            print(f"aps-bot web: the chat is at {address} (Ctrl-C to stop)", flush=True)

        try:
            await serve(engine, settings, host, port, ready=ready, stop=stop)
        finally:
            await engine.store.close()

    try:
        asyncio.run(main())
    except OSError as exc:  # the port is taken, or the address is not ours
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return 0


def run(config: Config) -> int:
    """``aps-bot run``: every platform whose token is set, in one process."""
    from bot.adapters.run import run_platforms
    from bot.app import build_engine

    async def main() -> None:
        engine = build_engine(config, serving=True)
        try:
            await run_platforms(config, engine)
        finally:
            await engine.store.close()

    try:
        asyncio.run(main())
    except Exception as exc:  # a platform refused to start: say which and why, in one line
        raise UsageError(_platform_failure(config, exc)) from None
    return 0


def _platform_failure(config: Config, exc: Exception) -> str:
    """One line for a platform that could not start, with any token redacted."""
    import telegram.error

    from bot.logging_setup import RedactingFilter

    if isinstance(exc, telegram.error.InvalidToken):
        why = "Telegram rejected TELEGRAM_BOT_TOKEN (check it with @BotFather)"
    elif isinstance(exc, telegram.error.NetworkError):
        where = config.telegram_api_base_url or "api.telegram.org"
        why = f"cannot reach the Telegram Bot API at {where} ({exc})"
    else:
        why = f"{type(exc).__name__}: {exc}"
    secrets = [t.reveal() for t in (config.telegram_token, config.discord_token) if t]
    return RedactingFilter(secrets).redact(why)
