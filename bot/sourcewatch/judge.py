"""Deciding, for one watched source, whether it changed since someone here last read it.

Pure functions: what was fetched and what sources.yaml records go in, a `Result` with a status
and a one-line reason comes out. Nothing here writes to the knowledge: a read is a human claim.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from bot.knowledge.model import Since, Source, SourceRead
from bot.sourcewatch.fiche import Fiche, Notice

_TITLE_MAX = 80


class Status(StrEnum):
    CHANGED = "changed"  # changed, or announced a change, since it was last read
    UNCHANGED = "unchanged"
    NO_BASELINE = "no-baseline"  # sources.yaml records nothing to compare with
    ERROR = "error"  # could not be fetched or read


@dataclass(frozen=True)
class Result:
    """The verdict on one watched source, with what was observed (for --json and --suggest)."""

    id: str
    watch: str
    status: Status
    reason: str
    url: str  # the page a moderator reads
    cause: str = ""  # what changed: modified | notice | text | etag | last-modified
    fetched: str = ""  # what was fetched (the open-data URL for a fiche), credentials removed
    last_read: dt.date | None = None
    baseline: str = ""  # what it was compared with: a date, a fingerprint, an ETag
    modified: dt.date | None = None  # a fiche's modification date
    notices: tuple[Notice, ...] = ()  # a fiche's notices dated after the last read
    fingerprint: str = ""  # a page's current main-text fingerprint
    etag: str = ""
    last_modified: dt.datetime | None = None

    def to_json(self) -> dict[str, Any]:
        def day(d: dt.date | None) -> str | None:
            return d.isoformat() if d else None

        return {
            "id": self.id,
            "status": str(self.status),
            "reason": self.reason,
            "cause": self.cause or None,
            "watch": self.watch,
            "url": self.url,
            "fetched": self.fetched or None,
            "last_read": day(self.last_read),
            "baseline": self.baseline or None,
            "modified": day(self.modified),
            "notices": [{"id": n.id, "date": day(n.date), "title": n.title} for n in self.notices],
            "fingerprint": self.fingerprint or None,
            "etag": self.etag or None,
            "last_modified": self.last_modified.isoformat() if self.last_modified else None,
        }


def error(source: Source, reason: str, fetched: str = "") -> Result:
    return Result(
        id=source.id,
        watch=source.watch,
        status=Status.ERROR,
        reason=reason,
        url=source.url,
        fetched=fetched,
        last_read=source.checked,
    )


def _after(day: dt.date, since: Since) -> bool:
    """`day` is later than `since` (a month-only date covers its whole month)."""
    if since.month_only:
        return (day.year, day.month) > (since.date.year, since.date.month)
    return day > since.date


def _short(title: str) -> str:
    return title if len(title) <= _TITLE_MAX else title[: _TITLE_MAX - 1].rstrip() + "…"


def judge_fiche(source: Source, fiche: Fiche, fiche_id: str, fetched: str) -> Result:
    """A service-public fiche against `published` (the date it showed when last read), and its
    notices against the last read: a notice dated after it announces a change not yet read."""
    base = Result(
        id=source.id,
        watch=source.watch,
        status=Status.UNCHANGED,
        reason="",
        url=source.url,
        fetched=fetched,
        last_read=source.checked,
        modified=fiche.latest,
    )
    if fiche.id and fiche.id != fiche_id:
        return replace(
            base,
            status=Status.ERROR,
            reason=f"the data fetched is fiche {fiche.id}, not {fiche_id}",
        )
    modified = fiche.latest.isoformat()
    published = source.published
    if published is None:
        return replace(
            base,
            status=Status.NO_BASELINE,
            reason=f"{fiche_id} modified {modified}, but sources.yaml records no 'published' "
            f"date to compare with: read the fiche, then set published: {modified}",
        )
    cutoff = source.checked or published.date
    fresh = tuple(n for n in fiche.notices if n.date is not None and n.date > cutoff)
    base = replace(base, baseline=published.iso(), notices=fresh)
    parts = []
    if _after(fiche.latest, published):
        parts.append(f"{fiche_id} modified {modified}, last read as modified {published.iso()}")
    for n in fresh:
        what = f"new notice {n.id} of {n.date}"
        if n.title:
            what += f" « {_short(n.title)} »"
        parts.append(what if parts else f"{fiche_id} announces a change: {what}")
    if parts:
        modified_since = _after(fiche.latest, published)
        if not modified_since:
            parts[-1] += f" (after the last read on {cutoff.isoformat()})"
        return replace(
            base,
            status=Status.CHANGED,
            reason="; ".join(parts),
            cause="modified" if modified_since else "notice",
        )
    if fiche.latest < published.date:
        return replace(
            base,
            reason=f"{fiche_id} modified {modified}, older than the {published.iso()} recorded: "
            "the open data may lag behind the site (see APS_BOT_SERVICE_PUBLIC_URL)",
        )
    return replace(base, reason=f"{fiche_id} modified {modified}, as last read")


def _newest_fingerprint(reads: tuple[SourceRead, ...]) -> SourceRead | None:
    return next((r for r in reversed(reads) if r.fingerprint), None)


def _same_etag(a: str, b: str) -> bool:
    """Weak comparison (RFC 9110 §8.8.3.2): ``W/"x"`` and ``"x"`` are the same tag."""
    return a.removeprefix("W/") == b.removeprefix("W/")


def judge_page(
    source: Source,
    fingerprint: str,
    etag: str,
    last_modified: dt.datetime | None,
    fetched: str,
) -> Result:
    """A page against the newest fingerprint recorded in its reads.

    With a ``sha256:`` fingerprint the main text decides alone: many sites send a Last-Modified
    of "now" on every request, which would otherwise make every check a false alarm. Without a
    fingerprint, a Last-Modified after the last read is still a change; anything else has no
    baseline, and the current fingerprint is printed to be recorded after reading the page.
    """
    last_read = source.checked
    base = Result(
        id=source.id,
        watch=source.watch,
        status=Status.NO_BASELINE,
        reason="",
        url=source.url,
        fetched=fetched,
        last_read=last_read,
        fingerprint=fingerprint,
        etag=etag,
        last_modified=last_modified,
    )
    lm_day = last_modified.date() if last_modified else None
    if last_read is None:
        return replace(
            base,
            reason=f"never read (no reads entry): read the page, then record fingerprint "
            f"{fingerprint} in a reads entry",
        )
    recorded = _newest_fingerprint(source.reads)
    if recorded is None:
        if lm_day is not None and lm_day > last_read:
            return replace(
                base,
                status=Status.CHANGED,
                cause="last-modified",
                baseline=last_read.isoformat(),
                reason=f"Last-Modified {lm_day.isoformat()} is after the last read on "
                f"{last_read.isoformat()}; no fingerprint recorded, now {fingerprint}",
            )
        return replace(
            base,
            reason=f"no fingerprint recorded in its reads: read the page, then record fingerprint "
            f"{fingerprint} in a new reads entry",
        )
    base = replace(base, baseline=recorded.fingerprint)
    on = recorded.on.isoformat()
    if recorded.fingerprint.startswith("etag:"):
        if not etag:
            return replace(
                base,
                reason=f"the read of {on} recorded an ETag, but the server sent none: read the "
                f"page, then record fingerprint {fingerprint} instead",
            )
        if _same_etag(etag, recorded.fingerprint.removeprefix("etag:")):
            return replace(base, status=Status.UNCHANGED, reason=f"same ETag as read on {on}")
        return replace(
            base,
            status=Status.CHANGED,
            cause="etag",
            reason=f"ETag {etag} differs from the read of {on}; main text now {fingerprint}",
        )
    if recorded.fingerprint == fingerprint:
        note = ""
        if lm_day is not None and lm_day > recorded.on:
            note = f" (Last-Modified {lm_day.isoformat()} is newer, but the text is the same)"
        return replace(base, status=Status.UNCHANGED, reason=f"main text as read on {on}{note}")
    return replace(
        base,
        status=Status.CHANGED,
        cause="text",
        reason=f"main text differs from the read of {on}; now {fingerprint}",
    )
