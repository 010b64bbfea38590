"""The weekly source check for admins: run it, and say what changed in each admin's language.

Off unless ``APS_BOT_SOURCES_WATCH=weekly``. The job (`weekly_job`, `WEEKDAY` at `HOUR` UTC, a
fixed time of the week, so a restart neither skips nor repeats it) is written once here; each
platform's runtime schedules it and says how to deliver the message privately to one of its
admins in `APS_BOT_ADMINS`, in the language `bot.engine.language` chooses for them. A week where
nothing changed sends nothing: a message is something to act on.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING

from bot.engine import language
from bot.jobs import Job, Weekly
from bot.knowledge.model import Source, source_context
from bot.markup import BulletList, Inline, Link, Message, Paragraph, Text, parse
from bot.sourcewatch.check import Report, WatchError, check_sources, service_public_template
from bot.sourcewatch.judge import Result, Status

if TYPE_CHECKING:
    from bot.engine import Engine
    from bot.i18n import Lang

log = logging.getLogger(__name__)

WEEKLY = "weekly"
WEEKDAY = 0  # Monday
HOUR = 8  # UTC, like reminders: morning in France


def check_setting(env: Mapping[str, str] | None = None) -> None:
    """Fail at start, not on Monday, when the weekly check could never fetch a fiche.

    Raises:
        WatchError: ``APS_BOT_SERVICE_PUBLIC_URL`` is set but unusable.
    """
    service_public_template(os.environ if env is None else env)


def admin_ids(admins: frozenset[str], platform: str) -> list[str]:
    """The user ids to message on `platform`: ``platform:id`` entries, and bare ids (which
    `APS_BOT_ADMINS` allows for any platform)."""
    ids = []
    for entry in sorted(admins):
        prefix, sep, uid = entry.rpartition(":")
        if uid.isdigit() and (prefix == platform or not sep):
            ids.append(uid)
    return ids


async def run_weekly_check(engine: Engine) -> Report | None:
    """The check on the knowledge the engine serves now (after any /reload); None if the
    setting became unusable (logged: this runs unattended)."""
    try:
        return await check_sources(engine.knowledge.sources, env=os.environ)
    except WatchError as exc:
        log.error("sources watch: %s", exc)
        return None


async def admin_messages(
    engine: Engine, platform: str, report: Report
) -> list[tuple[str, Message]]:
    """``(user id, message)`` for each admin on `platform`, in the language they chose with
    /lang (else the default); empty when nothing changed."""
    if not report.count(Status.CHANGED):
        return []
    out = []
    for uid in admin_ids(engine.admins, platform):
        t = await language.of_user(engine.store, engine.catalogs, platform, uid)
        out.append((uid, report_message(report, engine.knowledge.sources, t)))
    return out


SendToAdmin = Callable[[str, Message], Awaitable[object]]


async def send_weekly_report(
    engine: Engine, platform: str, send: SendToAdmin, *, errors: tuple[type[Exception], ...]
) -> int:
    """Check the sources and, if any changed, message each of `platform`'s admins with `send`
    (user id, message); how many were messaged. One admin who cannot be messaged (never opened
    a chat with the bot, DMs closed: one of `errors`) is logged by id and skipped."""
    if not admin_ids(engine.admins, platform):
        return 0
    report = await run_weekly_check(engine)
    if report is None:
        return 0
    sent = 0
    for uid, message in await admin_messages(engine, platform, report):
        try:
            await send(uid, message)
        except errors as exc:
            status = getattr(exc, "status", None)
            why = f"{type(exc).__name__}, HTTP {status}" if status else type(exc).__name__
            log.warning("%s: sources watch: admin %s not messaged (%s)", platform, uid, why)
            continue
        sent += 1
    changed = report.count(Status.CHANGED)
    log.info(
        "%s: sources watch: %d source(s) changed; %d admin(s) messaged", platform, changed, sent
    )
    return sent


def weekly_job(
    engine: Engine, platform: str, send: SendToAdmin, *, errors: tuple[type[Exception], ...]
) -> Job:
    """`send_weekly_report` every `WEEKDAY` at `HOUR` UTC, for `platform`'s runtime to schedule."""
    return Job(
        f"{platform}-sources-watch",
        Weekly(WEEKDAY, HOUR),
        lambda: send_weekly_report(engine, platform, send, errors=errors),
    )


def report_message(report: Report, sources: Mapping[str, Source], t: Lang) -> Message:
    changed = [r for r in report.results if r.status is Status.CHANGED]
    unchecked = report.count(Status.ERROR) + report.count(Status.NO_BASELINE)
    head = t.ngettext(
        "🔎 Weekly source check: **{count} source changed** since it was last read.",
        "🔎 Weekly source check: **{count} sources changed** since they were last read.",
        len(changed),
    )
    blocks = list(parse(head, {"count": str(len(changed))}))
    blocks.append(BulletList(tuple(_item(r, sources, t) for r in changed)))
    blocks += parse(
        t.gettext(
            "Read them, then update the knowledge and record your reads (README, “Watching the "
            "sources”); the command aps-bot sources check gives the details."
        )
    )
    if unchecked:
        blocks += parse(
            t.ngettext(
                "{count} other source could not be checked.",
                "{count} other sources could not be checked.",
                unchecked,
            ),
            {"count": str(unchecked)},
        )
    return tuple(blocks)


def _item(r: Result, sources: Mapping[str, Source], t: Lang) -> tuple[Inline, ...]:
    source = sources.get(r.id)
    # the id too: it is what the admin looks for in sources.yaml
    name = f"{r.id} {t.pgettext(source_context(r.id), source.short)}" if source else r.id
    values: dict[str, str | Inline] = {"source": Link((Text(name),), r.url)}
    published = source.published if source else None
    if r.cause == "modified" and r.modified and published:
        template = t.gettext("{source}: modified on {date} (last read as modified on {previous})")
        previous = t.month(published.date) if published.month_only else t.date(published.date)
        values |= {"date": t.date(r.modified), "previous": previous}
    elif r.cause == "notice" and r.notices and r.notices[-1].date:
        template = t.gettext("{source}: announces a change (notice of {date}: {title})")
        notice = r.notices[-1]
        values |= {"date": t.date(notice.date), "title": _short(notice.title)}
    elif r.last_read:
        template = t.gettext("{source}: the page changed since it was last read ({date})")
        values |= {"date": t.date(r.last_read)}
    else:
        template = t.gettext("{source}: changed")
    (paragraph,) = parse(template, values)
    assert isinstance(paragraph, Paragraph)
    return paragraph.children


def _short(title: str, limit: int = 120) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"
