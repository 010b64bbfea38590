"""facts.yaml: every changing figure once, with its history, sources and freshness."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.knowledge import facts as factlib
from bot.knowledge.checks import ID, Collector, mapping, parse_since, source_list, unknown_keys
from bot.knowledge.model import FACT_TYPES, Fact, Period, Since, Source
from bot.knowledge.yamlfile import LineDict, LineList

STALE_AFTER = dt.timedelta(days=183)  # about 6 months
_FACT_KEYS = {
    *("type", "label", "value", "compute", "history", "from", "sources", "note", "uncertain"),
    "verified",  # refused with an explanation: freshness comes from the sources' reads
}


def load_facts(
    data: Any, sources: dict[str, Source], c: Collector, today: dt.date
) -> dict[str, Fact]:
    """Facts with their histories. A fact is either ``value`` (one period) or ``history`` (a list
    of periods, each with ``from``, a ``value`` or ``compute``, and ``sources``), or ``compute``
    over other facts, whose periods follow those of the facts it uses."""
    data = mapping(data, c, "facts.yaml")
    if data is None:
        return {}
    specs: dict[str, LineDict] = {}
    for fid, spec in data.items():
        if not ID.match(fid):
            c.error(data.line_of(fid), f"fact id {fid!r} must be lower_snake_case")
        spec = mapping(spec, c, f"fact {fid}")
        if spec is not None:
            unknown_keys(spec, _FACT_KEYS, c, f"fact {fid}")
            if "verified" in spec:
                c.error(
                    spec.line_of("verified"),
                    f"fact {fid}: 'verified' is gone: a fact is as fresh as the newest read of "
                    "its sources (sources.yaml 'reads')",
                )
            specs[fid] = spec

    raw_periods: dict[str, list[tuple[Since | None, LineDict]]] = {}
    for fid, spec in specs.items():
        raw_periods[fid] = _raw_periods(fid, spec, c)

    out: dict[str, Fact] = {}
    state: dict[str, str] = {}  # fid -> "busy" | "done"

    def resolve(fid: str) -> None:
        # computed facts may depend on each other: resolve dependencies first, once each
        if state.get(fid) == "done":
            return
        spec = specs[fid]
        if state.get(fid) == "busy":
            c.error(spec.line, f"fact {fid}: circular 'compute'")
            return
        state[fid] = "busy"
        deps = set()
        for _, pspec in raw_periods[fid]:
            if "compute" in pspec:
                deps |= factlib.names(str(pspec["compute"]))
        for dep in sorted(deps):
            if dep in specs:
                resolve(dep)
        state[fid] = "done"
        fact = _build_fact(fid, spec, raw_periods[fid], out, set(specs), sources, c)
        if fact is not None:
            out[fid] = fact

    for fid in specs:
        resolve(fid)
    unread = [  # in the file's order
        fid
        for fid in specs
        if fid in out and not _check_fact_freshness(out[fid], specs[fid], sources, c, today)
    ]
    written = {fid: {s.date for s, _ in raw if s is not None} for fid, raw in raw_periods.items()}
    for fact in out.values():
        _check_versions_follow_changes(fact, specs[fact.id], out, written, sources, c, today)
    if unread:
        c.warn(
            1,
            f"facts still unread ({len(unread)}): {', '.join(unread)}: nobody here has read any "
            "source of the value in force (read one, then record the read in sources.yaml)",
        )
    return {fid: out[fid] for fid in specs if fid in out}


def _raw_periods(fid: str, spec: LineDict, c: Collector) -> list[tuple[Since | None, LineDict]]:
    """``(start, spec)`` per period as written, with order and overlap checked."""
    if "history" in spec:
        if "value" in spec or "compute" in spec:
            c.error(spec.line, f"fact {fid}: give either 'history' or 'value'/'compute', not both")
            return []
        history = spec["history"]
        if not isinstance(history, LineList) or not history:
            c.error(spec.line_of("history"), f"fact {fid}: 'history' must be a non-empty list")
            return []
        out: list[tuple[Since | None, LineDict]] = []
        for i, item in enumerate(history):
            where = f"fact {fid}: history[{i}]"
            if not isinstance(item, LineDict):
                c.error(history.line_of(i), f"{where}: must be a mapping")
                return []
            unknown_keys(item, {"from", "value", "compute", "sources", "note"}, c, where)
            start = parse_since(item.get("from")) if item.get("from") is not None else None
            if item.get("from") is not None and start is None:
                c.error(
                    item.line_of("from"),
                    f"{where}: 'from' must be a date (YYYY-MM-DD) or a month (YYYY-MM)",
                )
                return []
            if start is None and i > 0:
                c.error(item.line, f"{where}: 'from' is required after the first value")
                return []
            if out and out[-1][0] is not None and start is not None:
                before = out[-1][0]
                if start.date == before.date:
                    c.error(
                        item.line_of("from"),
                        f"{where}: overlaps the previous value (both from {start.iso()})",
                    )
                    return []
                if start.date < before.date:
                    c.error(
                        item.line_of("from"),
                        f"{where}: history out of order ({start.iso()} comes after "
                        f"{before.iso()}); list values oldest first",
                    )
                    return []
            out.append((start, item))
        return out
    start = None
    if spec.get("from") is not None:
        start = parse_since(spec.get("from"))
        if start is None:
            c.error(
                spec.line_of("from"),
                f"fact {fid}: 'from' must be a date (YYYY-MM-DD) or a month (YYYY-MM)",
            )
    return [(start, spec)]


def _build_fact(
    fid: str,
    spec: LineDict,
    raw: list[tuple[Since | None, LineDict]],
    known: dict[str, Fact],
    fact_ids: set[str],
    sources: dict[str, Source],
    c: Collector,
) -> Fact | None:
    kind = spec.get("type")
    if kind not in FACT_TYPES:
        c.error(spec.line_of("type"), f"fact {fid}: type must be one of {', '.join(FACT_TYPES)}")
        return None
    if not raw:
        return None
    label = spec.get("label", "")
    if label and not isinstance(label, str):
        c.error(spec.line_of("label"), f"fact {fid}: 'label' must be text")
        label = ""
    periods: list[Period] = []
    uses: set[str] = set()
    all_sources: list[str] = []
    for i, (start, pspec) in enumerate(raw):
        where = f"fact {fid}" if pspec is spec else f"fact {fid}: history[{i}]"
        until = raw[i + 1][0] if i + 1 < len(raw) else None
        srcs = source_list(pspec, "sources", sources, c, where, required=True)
        all_sources += [s for s in srcs if s not in all_sources]
        has_value, has_compute = "value" in pspec, "compute" in pspec
        if has_value == has_compute:
            c.error(pspec.line, f"{where}: give exactly one of 'value' or 'compute'")
            return None
        if has_value:
            value = _plain_value(pspec, c, where)
            if value is None:
                return None
            if (kind == "date") != isinstance(value, dt.date):
                c.error(
                    pspec.line_of("value"),
                    f"{where}: a {kind} fact needs a {'date' if kind == 'date' else 'number'}",
                )
                return None
            periods.append(Period(start, value, srcs))
            continue
        expression = str(pspec["compute"])
        deps = factlib.names(expression)
        unknown = sorted(d for d in deps if d not in fact_ids)
        if unknown:
            c.error(pspec.line_of("compute"), f"{where}: unknown fact {unknown[0]!r}")
            return None
        if any(d not in known for d in deps):
            return None  # a fact it uses failed to load: already reported
        if any(known[d].type == "date" for d in deps):
            c.error(pspec.line_of("compute"), f"{where}: cannot compute with a date fact")
            return None
        uses |= deps
        for d in deps:
            uses |= known[d].uses
        try:
            periods += _computed_periods(start, until, expression, deps, known, srcs)
        except factlib.FactError as exc:
            c.error(pspec.line_of("compute"), f"{where}: {exc}")
            return None
        if kind == "date":
            c.error(pspec.line_of("compute"), f"{where}: a date fact cannot be computed")
            return None
    periods = _merge_equal(periods)
    fact = Fact(
        id=fid,
        type=kind,
        periods=tuple(periods),
        sources=tuple(all_sources),
        label=label.strip(),
        compute=spec.get("compute"),
        note=str(spec.get("note", "")),
        uses=frozenset(uses),
        uncertain=str(spec.get("uncertain") or "").strip(),
    )
    if fact.changes and not fact.label:
        c.error(
            spec.line,
            f"fact {fid}: its value changes over time, so give it a 'label' (what the figure "
            "is) for the note answers add when it changed recently",
        )
    return fact


def _computed_periods(
    start: Since | None,
    until: Since | None,
    expression: str,
    deps: set[str],
    known: dict[str, Fact],
    srcs: tuple,
) -> list[Period]:
    """A computed value's periods: one from `start`, and one more wherever a fact it uses
    changes after `start` (and before `until`, where the next written value takes over)."""
    starts: set[Since] = {
        p.start
        for d in deps
        for p in known[d].periods
        if p.start is not None
        and (start is None or p.start.date > start.date)
        and (until is None or p.start.date < until.date)
    }
    points: list[Since | None] = [start, *sorted(starts, key=lambda s: s.date)]
    out: list[Period] = []
    for point in points:
        day = point.date if point else dt.date.min
        numbers = {d: known[d].at(day).value for d in deps}
        value = factlib.evaluate(expression, numbers)  # type: ignore[arg-type]
        out.append(Period(point, value, srcs, expression))
    return out


def _merge_equal(periods: list[Period]) -> list[Period]:
    """Drop derived periods that do not change the value (written history is kept as is)."""
    out: list[Period] = []
    for p in periods:
        if out and p.compute is not None and out[-1].value == p.value:
            continue
        same_day = out and out[-1].start and p.start and p.start.date == out[-1].start.date
        if same_day:  # two facts it uses changed on the same day: one change
            out[-1] = p
            continue
        out.append(p)
    return out


def _plain_value(spec: LineDict, c: Collector, where: str) -> Decimal | dt.date | None:
    value = spec["value"]
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        c.error(spec.line_of("value"), f"{where}: value must be a number or a date")
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        c.error(spec.line_of("value"), f"{where}: value must be a number or a date")
        return None


def fact_checked(fact: Fact, sources: dict[str, Source], day: dt.date) -> dt.date | None:
    """When the value in force on `day` was last checked: the newest read of the sources cited
    for it (a computed fact cites its own)."""
    period = fact.at(day)
    return max(
        (sources[s].checked for s in period.sources if s in sources and sources[s].checked),
        default=None,
    )


def _check_fact_freshness(
    fact: Fact, spec: LineDict, sources: dict[str, Source], c: Collector, today: dt.date
) -> bool:
    """Warn when nobody here read the sources of the value in force, or long ago; False when
    nobody did."""
    checked = fact_checked(fact, sources, today)
    if checked is None:
        c.warn(
            spec.line,
            f"fact {fact.id}: none of its sources was ever read by us (add a 'reads' entry in "
            "sources.yaml once someone has checked the figure on one of them)",
        )
        return False
    if today - checked > STALE_AFTER:
        c.warn(
            spec.line,
            f"fact {fact.id}: its newest check was on {checked.isoformat()}, more than 6 months "
            "ago: read its sources again",
        )
    return True


def change_sources(
    fact: Fact, day: dt.date, facts: dict[str, Fact], written: dict[str, set[dt.date]]
) -> set[str]:
    """The sources that recorded the change of `fact` on `day`: those of its own history item
    starting that day, or else those of the facts it is computed from that changed that day."""
    if day in written.get(fact.id, ()):
        return {s for p in fact.periods if p.start and p.start.date == day for s in p.sources}
    return {
        s
        for dep in fact.uses
        if dep in facts and day in written.get(dep, ())
        for p in facts[dep].periods
        if p.start and p.start.date == day
        for s in p.sources
    }


def _check_versions_follow_changes(
    fact: Fact,
    spec: LineDict,
    facts: dict[str, Fact],
    written: dict[str, set[dt.date]],
    sources: dict[str, Source],
    c: Collector,
    today: dt.date,
) -> None:
    """Warn when the value in force changed on a date that every other source it cites predates:
    the newest version of them we read may still show the old figure (F17319 read in its January
    version while the SMIC changed in June)."""
    i = fact.period_at(today)
    start = fact.periods[i].start
    if i == 0 or start is None or start.date > today:
        return
    recorded = change_sources(fact, start.date, facts, written)
    others = [s for s in fact.periods[i].sources if s not in recorded and s in sources]
    versions = [(sources[s].newest_version, s) for s in others if sources[s].newest_version]
    if not versions:
        return
    newest, sid = max(versions)
    if newest < start.date:
        names = ", ".join(sorted(recorded)) or "another source"
        c.warn(
            spec.line,
            f"fact {fact.id}: its value changed on {start.iso()} (recorded from {names}), but the "
            f"newest version read of its other sources ({sid}) is of {newest.isoformat()}: it may "
            "still show the old figure; read a newer version, or cite the sources of the change",
        )
