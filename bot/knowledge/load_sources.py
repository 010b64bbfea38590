"""sources.yaml: where every figure and answer comes from, and when someone here read it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit

from bot.knowledge.checks import Collector, mapping, parse_date, parse_since, unknown_keys
from bot.knowledge.model import Since, Source, SourceRead
from bot.knowledge.yamlfile import LineDict, LineList

_SOURCE_ID = re.compile(r"^S[0-9]+[a-z]?$")
_FINGERPRINT = re.compile(r"^(sha256:[0-9a-f]{64}|etag:\S.*)$")
_SOURCE_KEYS = {
    *("title", "short", "publisher", "url", "kind", "published", "reads", "watch", "about"),
    "seen",  # refused with an explanation: publication and reading are two dates
}
_READ_KEYS = {"date", "copy", "version", "showed", "via", "fingerprint"}
UNDATED = "undated"  # a copy's `version` when the copy shows no date
# Code-hosting sites: a repository proves nothing by itself; cite the text it copies
CODE_HOSTS = (
    *("github.com", "githubusercontent.com", "gitlab.com", "bitbucket.org", "codeberg.org"),
    *("sourceforge.net", "gitee.com", "sr.ht", "framagit.org", "git.sr.ht"),
)
_WATCH_SP = re.compile(r"^service-public:[FNR][0-9]+$")
_SOURCE_KINDS = {"official", "institutional", "secondary"}


def load_sources(data: Any, c: Collector, today: dt.date) -> dict[str, Source]:
    out: dict[str, Source] = {}
    data = mapping(data, c, "sources.yaml")
    if data is None:
        return out
    for sid, spec in data.items():
        line = data.line_of(sid)
        if not _SOURCE_ID.match(sid):
            c.error(line, f"source id {sid!r} must look like S1 or S21a")
        spec = mapping(spec, c, f"source {sid}")
        if spec is None:
            continue
        where = f"source {sid}"
        unknown_keys(spec, _SOURCE_KEYS, c, where)
        if "seen" in spec:
            c.error(
                spec.line_of("seen"),
                f"{where}: 'seen' mixed up publication and checking; use 'published' (the date "
                "the page shows) and 'reads' (when someone here read it)",
            )
        missing = [k for k in ("title", "publisher", "url") if not spec.get(k)]
        for k in missing:
            c.error(spec.line, f"{where}: {k!r} is required")
        url = str(spec.get("url", ""))
        if url:
            _check_url(url, spec.line_of("url"), c, where)
        published = None
        if spec.get("published") is not None:
            published = parse_since(spec.get("published"))
            if published is None:
                c.error(
                    spec.line_of("published"),
                    f"{where}: 'published' must be a date (YYYY-MM-DD) or a month (YYYY-MM)",
                )
            elif published.date > today:
                c.error(spec.line_of("published"), f"{where}: 'published' is in the future")
        reads = _source_reads(spec, c, where, today)
        if published is not None:
            for read in reads:
                if read.version is not None and read.version.date > published.date:
                    c.error(
                        spec.line_of("published"),
                        f"{where}: 'published' ({published.iso()}) is older than the version "
                        f"read on {read.on.isoformat()} ({read.version.iso()}): set it to the "
                        "newest date the page shows",
                    )
                    break
        about = spec.get("about", "")
        if about and not (isinstance(about, str) and about.isidentifier()):
            c.error(
                spec.line_of("about"),
                f"{where}: 'about' must be one nationality concept of the lexicons (e.g. gabon)",
            )
            about = ""
        watch = spec.get("watch", "")
        if watch and not (watch == "page" or (isinstance(watch, str) and _WATCH_SP.match(watch))):
            c.error(
                spec.line_of("watch"),
                f"{where}: watch must be 'page' or 'service-public:<fiche id>' (e.g. "
                "service-public:F17319)",
            )
        kind = spec.get("kind", "secondary")
        if kind not in _SOURCE_KINDS:
            c.error(spec.line_of("kind"), f"{where}: kind must be one of {sorted(_SOURCE_KINDS)}")
        if not missing:
            out[sid] = Source(
                id=sid,
                title=str(spec["title"]),
                short=str(spec.get("short") or spec["publisher"]),
                publisher=str(spec["publisher"]),
                url=url,
                kind=kind,
                published=published,
                reads=reads,
                watch=str(watch or ""),
                about=str(about or ""),
            )
    return out


def _check_url(url: str, line: int, c: Collector, where: str) -> None:
    """A source must open the text it stands for: not a site's home page, not a repository."""
    if not url.startswith(("https://", "http://")):
        c.error(line, f"{where}: url must start with https://")
        return
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.path in ("", "/"):
        c.error(
            line,
            f"{where}: url opens the home page of {host} (its path is empty or /), which proves "
            "nothing: link the text itself (the Légifrance article, the fiche, the page)",
        )
    hosting = next((h for h in CODE_HOSTS if host == h or host.endswith("." + h)), None)
    if hosting:
        c.error(
            line,
            f"{where}: url points at a code-hosting site ({hosting}): link the published text "
            "(Légifrance, the Journal officiel, the publisher's page), not a repository",
        )


def _source_reads(spec: LineDict, c: Collector, where: str, today: dt.date) -> tuple:
    raw = spec.get("reads")
    if raw is None:
        return ()
    if not isinstance(raw, LineList):
        c.error(spec.line_of("reads"), f"{where}: 'reads' must be a list")
        return ()
    reads: list[SourceRead] = []
    for i, item in enumerate(raw):
        line = raw.line_of(i)
        here = f"{where}.reads[{i}]"
        if not isinstance(item, LineDict):
            c.error(line, f"{here}: must be a mapping with 'date', 'copy' and 'showed'")
            continue
        unknown_keys(item, _READ_KEYS, c, here)
        on = parse_date(item.get("date"))
        if on is None:
            c.error(item.line_of("date"), f"{here}: 'date' must be YYYY-MM-DD")
            continue
        if on > today:
            c.error(item.line_of("date"), f"{here}: 'date' is in the future")
            continue
        showed = item.get("showed")
        if not isinstance(showed, str) or not showed.strip():
            c.error(
                item.line,
                f"{here}: say what the source showed ('showed'), e.g. "
                '"F17319 modified 2026-01-01: fee 150 €"',
            )
            continue
        copy, version, ok = _what_was_read(item, on, c, here)
        if not ok:
            continue
        fingerprint = item.get("fingerprint", "")
        if fingerprint and not (isinstance(fingerprint, str) and _FINGERPRINT.match(fingerprint)):
            c.error(
                item.line_of("fingerprint"),
                f"{here}: 'fingerprint' must be sha256:<64 hex digits> or "
                "etag:<ETag>, as printed by aps-bot sources check",
            )
            fingerprint = ""
        reads.append(
            SourceRead(
                on,
                showed.strip(),
                str(item.get("via", "")).strip(),
                str(fingerprint),
                copy=copy,
                version=version,
            )
        )
    return tuple(sorted(reads, key=lambda r: r.on))


def _what_was_read(
    item: LineDict, on: dt.date, c: Collector, here: str
) -> tuple[bool, Since | None, bool]:
    """``(copy, version, ok)``: the live page (``copy: false``) or a copy, and for a copy the
    version it holds (the date the copy itself shows, or ``undated``)."""
    copy = item.get("copy")
    if not isinstance(copy, bool):
        c.error(
            item.line_of("copy") if "copy" in item else item.line,
            f"{here}: say what was read: 'copy: false' for the live page, 'copy: true' for a "
            "copy (a mirror, an open-data file, a stored copy), with its 'version'",
        )
        return False, None, False
    raw = item.get("version")
    if raw is None:
        if copy:
            c.error(
                item.line,
                f"{here}: a copy holds one version of the page: give 'version', the date the "
                f"copy itself shows (YYYY-MM-DD or YYYY-MM), or '{UNDATED}' if it shows none",
            )
            return copy, None, False
        return copy, None, True
    if raw == UNDATED:
        if not copy:
            c.error(
                item.line_of("version"),
                f"{here}: '{UNDATED}' is for a copy; a live page read on a date is that day's",
            )
            return copy, None, False
        return copy, None, True
    version = parse_since(raw)
    if version is None:
        c.error(
            item.line_of("version"),
            f"{here}: 'version' must be the date the page shows (YYYY-MM-DD or YYYY-MM), or "
            f"'{UNDATED}'",
        )
        return copy, None, False
    if version.date > on:
        c.error(
            item.line_of("version"),
            f"{here}: 'version' ({version.iso()}) is after the day it was read ({on.isoformat()})",
        )
        return copy, None, False
    return copy, version, True
