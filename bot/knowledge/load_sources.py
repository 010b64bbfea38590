"""sources.yaml: where every figure and answer comes from, and when someone here read it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from bot.knowledge.checks import Collector, mapping, parse_date, parse_since, unknown_keys
from bot.knowledge.model import Source, SourceRead
from bot.knowledge.yamlfile import LineDict, LineList

_SOURCE_ID = re.compile(r"^S[0-9]+[a-z]?$")
_FINGERPRINT = re.compile(r"^(sha256:[0-9a-f]{64}|etag:\S.*)$")
_SOURCE_KEYS = {"title", "short", "publisher", "url", "kind", "published", "reads", "watch", "seen"}
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
        if url and not url.startswith(("https://", "http://")):
            c.error(spec.line_of("url"), f"{where}: url must start with https://")
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
            )
    return out


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
        if not isinstance(item, LineDict):
            c.error(line, f"{where}.reads[{i}]: must be a mapping with 'date' and 'showed'")
            continue
        unknown_keys(item, {"date", "showed", "via", "fingerprint"}, c, f"{where}.reads[{i}]")
        on = parse_date(item.get("date"))
        if on is None:
            c.error(item.line_of("date"), f"{where}.reads[{i}]: 'date' must be YYYY-MM-DD")
            continue
        if on > today:
            c.error(item.line_of("date"), f"{where}.reads[{i}]: 'date' is in the future")
            continue
        showed = item.get("showed")
        if not isinstance(showed, str) or not showed.strip():
            c.error(
                item.line,
                f"{where}.reads[{i}]: say what the source showed ('showed'), e.g. "
                '"F17319 modified 2026-01-01: fee 150 €"',
            )
            continue
        fingerprint = item.get("fingerprint", "")
        if fingerprint and not (isinstance(fingerprint, str) and _FINGERPRINT.match(fingerprint)):
            c.error(
                item.line_of("fingerprint"),
                f"{where}.reads[{i}]: 'fingerprint' must be sha256:<64 hex digits> or "
                "etag:<ETag>, as printed by aps-bot sources check",
            )
            fingerprint = ""
        reads.append(
            SourceRead(on, showed.strip(), str(item.get("via", "")).strip(), str(fingerprint))
        )
    return tuple(sorted(reads, key=lambda r: r.on))
