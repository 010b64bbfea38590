"""The one-shot subcommands, for moderators, knowledge editors and operators.

``aps-bot check``, ``graph``, ``ask``, ``report``, ``sources check``, ``site``, ``discord-sync``
and ``health``: each prints its result and returns its exit code.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import sys
from pathlib import Path

from bot.config import Config
from bot.i18n import DEFAULT_LOCALES_DIR, Catalogs
from bot.knowledge import DEFAULT_KNOWLEDGE_DIR, KnowledgeError, load_knowledge
from bot.markup import plain_text
from bot.subcommands.usage_error import UsageError


def knowledge_dir(config: Config) -> Path:
    return config.knowledge_dir or DEFAULT_KNOWLEDGE_DIR


def health() -> int:
    """``aps-bot health``: 0 if a running bot's heartbeat is fresh (Docker HEALTHCHECK)."""
    from bot.health import is_healthy

    ok, why = is_healthy()
    print(why, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


def check(config: Config, locales: Path | None) -> int:
    """``aps-bot check``: every knowledge and catalog problem as file:line; 1 on any error."""
    from bot.knowledge.catalog_check import check_catalogs
    from bot.knowledge.consistency import check_consistency

    kdir = knowledge_dir(config)
    problems = []
    try:
        knowledge = load_knowledge(
            kdir, today=dt.date.today(), catalogs=Catalogs(locales or DEFAULT_LOCALES_DIR)
        )
        problems += knowledge.warnings
        # one truth per question: typed figures and contradicted claims, in every language
        problems += check_consistency(knowledge.facts, kdir, locales or DEFAULT_LOCALES_DIR)
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


def graph(config: Config) -> int:
    """``aps-bot graph``: the walkthrough as a Mermaid flowchart."""
    from bot.knowledge.graph import mermaid

    sys.stdout.write(mermaid(load_knowledge(knowledge_dir(config)).flow))
    return 0


async def ask(config: Config, text: str, lang: str | None, as_json: bool) -> int:
    """``aps-bot ask``: one FAQ lookup as a user would get it, as text or JSON."""
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
    decision, reply = lookup.decision, lookup.reply
    result = decision.result
    if as_json:
        scores = {m.entry_id: m.score for m in result.matches}
        first = decision.first
        obj = {
            # the entry answered directly, or the first one shown (a composed reply)
            "id": first,
            "score": scores.get(first, 0.0)
            if first
            else (result.best.score if result.best else 0.0),
            "lang": lookup.lang,
            "answer": "\n\n".join(plain_text(m) for m in reply.messages),
            "alternatives": [
                {"id": m.entry_id, "score": m.score}
                for m in result.matches
                if m.entry_id not in decision.shown
            ],
            "kind": decision.kind,
            "shown": list(decision.shown),
            "situations": list(result.situations),
        }
        print(json.dumps(obj, ensure_ascii=False, indent=2))
    else:
        print(render_reply(reply))
    return 0


async def report(config: Config, database: str | None, as_csv: bool) -> int:
    """``aps-bot report``: the moderators' counters from an existing database."""
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
        counters = await gather(store)
    except Exception as exc:  # e.g. Redis unreachable: one line, no traceback
        raise UsageError(f"cannot read the database: {type(exc).__name__}: {exc}") from None
    finally:
        await store.close()
    if as_csv:
        write_csv(counters, sys.stdout)
    else:
        sys.stdout.write(to_text(counters))
    return 0


def sources_check(config: Config, args: argparse.Namespace) -> int:
    """``aps-bot sources check``: 0 nothing changed, 1 changed, 3 some unchecked, 2 an error."""
    from bot import sourcewatch
    from bot.knowledge import load_sources

    only = None
    if args.only is not None:
        only = [s.strip() for s in args.only.split(",") if s.strip()]
        if not only:
            raise UsageError("--only needs source ids, e.g. --only S1,S4")
    try:
        sources = load_sources(knowledge_dir(config))
    except KnowledgeError as exc:  # 2, not 1: for this command 1 means "a source changed"
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2
    try:
        watched = asyncio.run(
            sourcewatch.check_sources(sources, only=only, timeout=args.timeout, env=os.environ)
        )
    except sourcewatch.WatchError as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        sourcewatch.write_json(watched, sys.stdout)
    else:
        sourcewatch.write_text(watched, sys.stdout)
    if args.suggest:
        sourcewatch.write_suggestions(watched, sys.stdout, dt.date.today())
    return watched.exit_code


async def site(config: Config, out_dir: Path, date: str | None, base_url: str | None = None) -> int:
    """``aps-bot site OUT_DIR``: the static site, and one line saying what was written."""
    from bot.site import SiteError, build_site, check_base_url

    try:
        day = dt.date.fromisoformat(date) if date else dt.date.today()
    except ValueError:
        raise UsageError(f"--date must be YYYY-MM-DD, not {date!r}") from None
    try:
        base = check_base_url(base_url) if base_url else None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    knowledge = load_knowledge(knowledge_dir(config), today=day)
    try:
        built = await build_site(
            out_dir, knowledge, Catalogs(default=config.default_lang), day, base_url=base
        )
    except SiteError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot write the site to {out_dir}: {exc.strerror or exc}") from None
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(built.pages.items()))
    index = ", ".join(f"{lang} {size / 1024:.0f} KB" for lang, size in built.index_bytes.items())
    print(
        f"aps-bot site: {built.total_pages} pages in {out_dir} ({kinds}; "
        f"{built.walkthrough_pages} walkthrough pages per language); search index: {index}"
    )
    if not base:
        print(
            "aps-bot site: no --base-url: links between languages are relative, and there is "
            "no sitemap.xml (search engines want absolute addresses)"
        )
    return 0


def discord_sync(config: Config, guild: int | None) -> int:
    """``aps-bot discord-sync``: upload the slash commands, globally or to one server."""
    from bot.adapters.discord import sync_commands
    from bot.app import build_engine

    if not config.discord_token:
        raise UsageError("discord-sync needs DISCORD_BOT_TOKEN (or DISCORD_BOT_TOKEN_FILE)")
    engine = build_engine(config, database="memory")  # syncing stores nothing
    names = asyncio.run(sync_commands(config, engine, guild))
    where = f"in server {guild}" if guild else "globally (may take a while to appear)"
    print(f"aps-bot discord-sync: {len(names)} command(s) registered {where}: {', '.join(names)}")
    return 0
