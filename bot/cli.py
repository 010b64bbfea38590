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
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Config, ConfigError
from bot.knowledge import KnowledgeError
from bot.logging_setup import setup_logging
from bot.storage import StoreError
from bot.subcommands import front_ends, moderator_tools
from bot.subcommands.usage_error import UsageError

log = logging.getLogger("aps_bot")


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
    """The whole command line: the common options, then one subparser per subcommand."""
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
    for add in SUBCOMMANDS:
        add(sub, common)
    return parser


if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


def _run(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    sub.add_parser(
        "run",
        parents=[common],
        help="run the configured platforms (the default)",
        description="Run every platform whose token is set; with none, the console.",
    )


def _console(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "console",
        parents=[common],
        help="talk to the bot in a terminal",
        description="Talk to the bot in a terminal. When stdin is not a terminal, "
        "lines are read one by one (commands, free text, numbers for choices).",
    )
    p.add_argument("--lang", help="your language as a platform would report it (fr, en-GB…)")
    p.add_argument("--database", help="override APS_BOT_DATABASE (a SQLite path, or 'memory')")


def _ask(sub: Subparsers, common: argparse.ArgumentParser) -> None:
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


def _check(sub: Subparsers, common: argparse.ArgumentParser) -> None:
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


def _health(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    sub.add_parser(
        "health",
        help="exit 0 if a running bot made progress recently (Docker HEALTHCHECK)",
        description="Check the heartbeat file a running bot rewrites every 30 seconds "
        "($APS_BOT_HEARTBEAT, default in the temp folder). Exit 0 if it is fresh and no "
        "platform is stalled (updates waiting at Telegram for 3 minutes, none handled), 1 if "
        "not. Prints each platform's last handled update, pending updates and failed deliveries.",
    )


def _graph(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    sub.add_parser(
        "graph",
        parents=[common],
        help="print the walkthrough as a Mermaid diagram",
        description="Print the walkthrough (flow.yaml) as a Mermaid flowchart.",
    )


def _discord_sync(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "discord-sync",
        parents=[common],
        help="register the Discord slash commands (after adding or changing them)",
        description="Upload the Discord commands, with their French names and descriptions, "
        "using DISCORD_BOT_TOKEN. Global commands can take a while to appear in every client; "
        "--guild registers them in one server at once (for testing).",
    )
    p.add_argument("--guild", type=int, metavar="ID", help="register in this server only")


def _report(sub: Subparsers, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "report",
        help="aggregated usage counts for moderators",
        description="Questions asked, answered and missed, the most frequent unanswered "
        "questions, walkthrough outcomes, languages and helpful votes per FAQ entry. Aggregated "
        "counts only: no user identifiers.",
    )
    p.add_argument("--csv", action="store_true", help="write CSV (section,name,value) to stdout")
    p.add_argument("--database", help="override APS_BOT_DATABASE (a SQLite path or redis://…)")


def _sources(sub: Subparsers, common: argparse.ArgumentParser) -> None:
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


def _site(sub: Subparsers, common: argparse.ArgumentParser) -> None:
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
    p.add_argument(
        "--base-url",
        metavar="URL",
        help="the site's public address (https://example.org/aps/): makes hreflang, canonical "
        "and sitemap links absolute, and writes sitemap.xml",
    )


def _web(sub: Subparsers, common: argparse.ArgumentParser) -> None:
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


# in the order `aps-bot --help` lists them
SUBCOMMANDS = (
    _run,
    _console,
    _ask,
    _check,
    _health,
    _graph,
    _discord_sync,
    _report,
    _sources,
    _site,
    _web,
)


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
            config = replace(config, knowledge_dir=args.knowledge)
        setup_logging(config)
        command = args.command or "run"
        if command == "health":
            return moderator_tools.health()
        if command == "check":
            return moderator_tools.check(config, args.locales)
        if command == "graph":
            return moderator_tools.graph(config)
        if command == "ask":
            return asyncio.run(moderator_tools.ask(config, args.text, args.lang, args.json))
        if command == "discord-sync":
            return moderator_tools.discord_sync(config, args.guild)
        if command == "report":
            return asyncio.run(moderator_tools.report(config, args.database, args.csv))
        if command == "sources":
            return moderator_tools.sources_check(config, args)
        if command == "site":
            return asyncio.run(moderator_tools.site(config, args.out_dir, args.date, args.base_url))
        if command == "web":
            return front_ends.web(config, args.host, args.port, args.database)
        if command == "console" or (
            command == "run" and not config.telegram_token and not config.discord_token
        ):
            return asyncio.run(
                front_ends.console(
                    config, getattr(args, "lang", None), getattr(args, "database", None)
                )
            )
        return front_ends.run(config)
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


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
