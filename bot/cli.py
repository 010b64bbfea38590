"""The ``aps-bot`` command line.

    aps-bot                 run every platform whose token is set; with none, open the console
    aps-bot console         talk to the bot in a terminal (scriptable through stdin)
    aps-bot ask TEXT        one FAQ lookup as a user would get it (--json for tools)
    aps-bot check           validate the knowledge and the catalogs (file:line per problem)
    aps-bot graph           the walkthrough as a Mermaid diagram
    aps-bot discord-sync    register the Discord slash commands (--guild ID: one server, at once)
    aps-bot report          aggregated usage counts for moderators (--csv for a spreadsheet)
    aps-bot sources check   which watched sources changed since they were last read (for cron)
    aps-bot site OUT_DIR    the knowledge as a static, bilingual, searchable site
    aps-bot web             the chat over HTTP, embeddable in a web page

A user error prints one clear line (or one line per knowledge problem) and exits non-zero.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import Config, ConfigError
from bot.i18n import DEFAULT_LOCALES_DIR, Catalogs
from bot.knowledge import DEFAULT_KNOWLEDGE_DIR, KnowledgeError, load_knowledge
from bot.logging_setup import setup_logging
from bot.markup import plain_text
from bot.storage import StoreError

log = logging.getLogger("aps_bot")


class UsageError(Exception):
    """A mistake the user can fix; printed as one line."""


class _Version(argparse.Action):
    """``--version``: the installed package's version, looked up only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str, **_: object) -> None:
        super().__init__(
            option_strings,
            dest,
            nargs=0,
            default=argparse.SUPPRESS,
            help="print the version and exit",
        )

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        import bot

        print(f"aps-bot {bot.__version__}")
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--knowledge",
        type=Path,
        metavar="DIR",
        help="knowledge folder (default: $APS_BOT_KNOWLEDGE or the bundled knowledge/)",
    )
    parser = argparse.ArgumentParser(
        prog="aps-bot",
        description="aps-bot: the RECE / APS assistant for international graduates in France. "
        "With no command, runs every platform whose token is configured, else the console.",
        parents=[common],
    )
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    sub.add_parser(
        "run",
        parents=[common],
        help="run the configured platforms (the default)",
        description="Run every platform whose token is set; with none, the console.",
    )
    p = sub.add_parser(
        "console",
        parents=[common],
        help="talk to the bot in a terminal",
        description="Talk to the bot in a terminal. When stdin is not a terminal, "
        "lines are read one by one (commands, free text, numbers for choices).",
    )
    p.add_argument("--lang", help="your language as a platform would report it (fr, en-GB…)")
    p.add_argument("--database", help="override APS_BOT_DATABASE (a SQLite path, or 'memory')")

    p = sub.add_parser(
        "ask",
        parents=[common],
        help="one FAQ lookup, as a user would get it",
        description="Look TEXT up in the FAQ and print the answer a user would get.",
    )
    p.add_argument("text", metavar="TEXT", help="the question")
    p.add_argument(
        "--lang", help="answer language (default: guessed from TEXT, else APS_BOT_DEFAULT_LANG)"
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object: id, score, lang, answer, alternatives",
    )

    p = sub.add_parser(
        "check",
        parents=[common],
        help="validate the knowledge and the catalogs",
        description="Validate flow, FAQ, facts, sources and catalogs. Prints "
        "file:line: message per problem; exits 1 on any error (warnings do not fail).",
    )
    p.add_argument(
        "--locales", type=Path, metavar="DIR", help="catalogs folder (default: the bundled ones)"
    )

    sub.add_parser(
        "health",
        help="exit 0 if a running bot made progress recently (Docker HEALTHCHECK)",
        description="Check the heartbeat file a running bot rewrites every 30 seconds "
        "($APS_BOT_HEARTBEAT, default in the temp folder). Exit 0 if fresh, 1 if not.",
    )
    sub.add_parser(
        "graph",
        parents=[common],
        help="print the walkthrough as a Mermaid diagram",
        description="Print the walkthrough (flow.yaml) as a Mermaid flowchart.",
    )
    p = sub.add_parser(
        "discord-sync",
        parents=[common],
        help="register the Discord slash commands (after adding or changing them)",
        description="Upload the Discord commands, with their French names and descriptions, "
        "using DISCORD_BOT_TOKEN. Global commands can take a while to appear in every client; "
        "--guild registers them in one server at once (for testing).",
    )
    p.add_argument("--guild", type=int, metavar="ID", help="register in this server only")

    p = sub.add_parser(
        "report",
        help="aggregated usage counts for moderators",
        description="Questions asked, answered and missed, the most frequent unanswered "
        "questions, walkthrough outcomes, languages and helpful votes per FAQ entry. Aggregated "
        "counts only: no user identifiers.",
    )
    p.add_argument("--csv", action="store_true", help="write CSV (section,name,value) to stdout")
    p.add_argument("--database", help="override APS_BOT_DATABASE (a SQLite path or redis://…)")

    p = sub.add_parser(
        "sources",
        help="watch the official sources for changes",
        description="Commands about the sources in sources.yaml.",
    )
    sources_sub = p.add_subparsers(dest="sources_command", metavar="COMMAND", required=True)
    p = sources_sub.add_parser(
        "check",
        parents=[common],
        help="which watched sources changed since they were last read",
        description="Fetch every source with a 'watch:' key in sources.yaml and say, one line "
        "each, whether it changed since it was last read: changed, unchanged, no-baseline "
        "(nothing recorded to compare with) or error. Service-public fiches are read from "
        "$APS_BOT_SERVICE_PUBLIC_URL (a URL template with {id}). Nothing is written. Exit "
        "codes: 0 nothing changed; 1 something changed; 3 nothing changed but some sources "
        "could not be checked; 2 usage or knowledge error.",
    )
    p.add_argument("--only", metavar="S1,S4", help="check only these source ids (comma-separated)")
    output = p.add_mutually_exclusive_group()
    output.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object: results (id, status, reason…), summary, exit_code",
    )
    p.add_argument(
        "--timeout",
        type=_seconds,
        default=20.0,
        metavar="SECONDS",
        help="per request, body included (default: 20)",
    )
    output.add_argument(
        "--suggest",
        action="store_true",
        help="also print, for each changed or unbaselined source, a reads entry to paste into "
        "sources.yaml once you have read it",
    )

    p = sub.add_parser(
        "site",
        parents=[common],
        help="build the static FAQ site from the knowledge",
        description="Write a static, bilingual site into OUT_DIR (index.html at its root): one "
        "page per FAQ entry with its sources, topic pages, what changed, the sources, the "
        "walkthrough as linked pages, and a search that runs in the browser. Deploy OUT_DIR to "
        "any static host.",
    )
    p.add_argument("out_dir", type=Path, metavar="OUT_DIR", help="where to write the site")
    p.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        help="show the figures in force on this day (default: today)",
    )

    p = sub.add_parser(
        "web",
        parents=[common],
        help="serve the chat over HTTP (a page to embed with an iframe or one script tag)",
        description="Serve the chat: the page at /, a JSON API at /api/message, and /embed.js "
        "to embed it in another site. Settings: APS_BOT_WEB_SECRET, "
        "APS_BOT_WEB_FRAME_ANCESTORS, APS_BOT_WEB_TRUST_PROXY (see .env.example). Put it "
        "behind an HTTPS reverse proxy to publish it.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="port (default 8080; 0: any free port)")
    p.add_argument(
        "--database", help="override APS_BOT_DATABASE (a SQLite path, redis://…, memory)"
    )
    return parser


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {value!r}") from None
    if not 0 < seconds <= 600:
        raise argparse.ArgumentTypeError("must be more than 0 and at most 600 seconds")
    return seconds


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        config = Config.from_env()
        if args.knowledge:
            config = _replace(config, knowledge_dir=args.knowledge)
        setup_logging(config)
        command = args.command or "run"
        if command == "health":
            from bot.health import is_healthy

            ok, why = is_healthy()
            print(why, file=sys.stdout if ok else sys.stderr)
            return 0 if ok else 1
        if command == "check":
            return _check(config, args.locales)
        if command == "graph":
            from bot.knowledge.graph import mermaid

            sys.stdout.write(mermaid(load_knowledge(_kdir(config)).flow))
            return 0
        if command == "ask":
            return asyncio.run(_ask(config, args.text, args.lang, args.json))
        if command == "discord-sync":
            return _discord_sync(config, args.guild)
        if command == "report":
            return asyncio.run(_report(config, args.database, args.csv))
        if command == "sources":
            return _sources_check(config, args)
        if command == "site":
            return asyncio.run(_site(config, args.out_dir, args.date))
        if command == "web":
            return _web(config, args.host, args.port, args.database)
        if command == "console" or (
            command == "run" and not config.telegram_token and not config.discord_token
        ):
            return asyncio.run(
                _console(config, getattr(args, "lang", None), getattr(args, "database", None))
            )
        return _run_platforms(config)
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    except (ConfigError, StoreError, UsageError) as exc:
        print(f"aps-bot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader went away (aps-bot ask --json … | head): not an error worth a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def _replace(config: Config, **changes) -> Config:
    from dataclasses import replace

    return replace(config, **changes)


def _kdir(config: Config) -> Path:
    return config.knowledge_dir or DEFAULT_KNOWLEDGE_DIR


def _check(config: Config, locales: Path | None) -> int:
    from bot.knowledge.catalog_check import check_catalogs

    kdir = _kdir(config)
    problems = []
    try:
        knowledge = load_knowledge(
            kdir, today=dt.date.today(), catalogs=Catalogs(locales or DEFAULT_LOCALES_DIR)
        )
        problems += knowledge.warnings
    except KnowledgeError as exc:
        problems += exc.problems
    problems += check_catalogs(kdir, locales or DEFAULT_LOCALES_DIR)
    for p in problems:
        print(p, file=sys.stderr if not p.warning else sys.stdout)
    errors = [p for p in problems if not p.warning]
    if errors:
        print(f"aps-bot check: {len(errors)} error(s)", file=sys.stderr)
        return 1
    print(f"aps-bot check: ok ({len(problems)} warning(s))")
    return 0


async def _ask(config: Config, text: str, lang: str | None, as_json: bool) -> int:
    from bot.app import build_engine
    from bot.render.plain import render_reply

    if not text.strip():
        raise UsageError('ask needs a question, e.g. aps-bot ask "how much does it cost?"')
    engine = build_engine(config, database="memory", flood_control=False)  # stores nothing
    if lang and not engine.catalogs.supported(lang):
        raise UsageError(
            f"unknown language {lang!r}; available: {', '.join(engine.catalogs.languages)}"
        )
    lookup = await engine.faq_lookup(text, lang)
    result, reply = lookup.result, lookup.reply
    if as_json:
        best = result.best
        answered = result.confident
        obj = {
            "id": best.entry_id if answered and best else None,
            "score": best.score if best else 0.0,
            "lang": lookup.lang,
            "answer": "\n\n".join(plain_text(m) for m in reply.messages),
            "alternatives": [
                {"id": m.entry_id, "score": m.score}
                for m in (result.matches[1:] if answered else result.matches)
            ],
        }
        print(json.dumps(obj, ensure_ascii=False, indent=2))
    else:
        print(render_reply(reply))
    return 0


async def _console(config: Config, lang: str | None, database: str | None) -> int:
    import os

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


async def _report(config: Config, database: str | None, as_csv: bool) -> int:
    from bot.engine.insight import gather
    from bot.report import to_text, write_csv
    from bot.storage import default_database_path, open_store

    url = (database if database is not None else config.database) or ""
    is_file = url not in ("memory", ":memory:") and not url.startswith(("redis://", "rediss://"))
    if is_file:  # a report reads an existing database; it must not create an empty one
        path = Path(url.removeprefix("sqlite:///")).expanduser() if url else default_database_path()
        if not path.is_file():
            raise UsageError(f"no database at {path} (set APS_BOT_DATABASE or --database)")
    store = open_store(url, retention_days=config.retention_days)
    try:
        report = await gather(store)
    except Exception as exc:  # e.g. Redis unreachable: one line, no traceback
        raise UsageError(f"cannot read the database: {type(exc).__name__}: {exc}") from None
    finally:
        await store.close()
    if as_csv:
        write_csv(report, sys.stdout)
    else:
        sys.stdout.write(to_text(report))
    return 0


def _sources_check(config: Config, args: argparse.Namespace) -> int:
    from bot import sourcewatch
    from bot.knowledge import load_sources

    only = None
    if args.only is not None:
        only = [s.strip() for s in args.only.split(",") if s.strip()]
        if not only:
            raise UsageError("--only needs source ids, e.g. --only S1,S4")
    try:
        sources = load_sources(_kdir(config))
    except KnowledgeError as exc:  # 2, not 1: for this command 1 means "a source changed"
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2
    try:
        report = asyncio.run(
            sourcewatch.check_sources(sources, only=only, timeout=args.timeout, env=os.environ)
        )
    except sourcewatch.WatchError as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        sourcewatch.write_json(report, sys.stdout)
    else:
        sourcewatch.write_text(report, sys.stdout)
    if args.suggest:
        sourcewatch.write_suggestions(report, sys.stdout, dt.date.today())
    return report.exit_code


async def _site(config: Config, out_dir: Path, date: str | None) -> int:
    from bot.i18n import Catalogs
    from bot.site import SiteError, build_site

    try:
        day = dt.date.fromisoformat(date) if date else dt.date.today()
    except ValueError:
        raise UsageError(f"--date must be YYYY-MM-DD, not {date!r}") from None
    knowledge = load_knowledge(_kdir(config), today=day)
    try:
        report = await build_site(out_dir, knowledge, Catalogs(default=config.default_lang), day)
    except SiteError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot write the site to {out_dir}: {exc.strerror or exc}") from None
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(report.pages.items()))
    index = ", ".join(f"{lang} {size / 1024:.0f} KB" for lang, size in report.index_bytes.items())
    print(
        f"aps-bot site: {report.total_pages} pages in {out_dir} ({kinds}; "
        f"{report.walkthrough_pages} walkthrough pages per language); search index: {index}"
    )
    return 0


def _web(config: Config, host: str, port: int, database: str | None) -> int:
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
        engine = build_engine(config, database=database)
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


def _discord_sync(config: Config, guild: int | None) -> int:
    from bot.adapters.discord import sync_commands
    from bot.app import build_engine

    if not config.discord_token:
        raise UsageError("discord-sync needs DISCORD_BOT_TOKEN (or DISCORD_BOT_TOKEN_FILE)")
    engine = build_engine(config, database="memory")  # syncing stores nothing
    names = asyncio.run(sync_commands(config, engine, guild))
    where = f"in server {guild}" if guild else "globally (may take a while to appear)"
    print(f"aps-bot discord-sync: {len(names)} command(s) registered {where}: {', '.join(names)}")
    return 0


def _run_platforms(config: Config) -> int:
    from bot.adapters.run import run_platforms
    from bot.app import build_engine

    async def main() -> None:
        engine = build_engine(config)
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


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
