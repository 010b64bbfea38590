"""The knowledge base as loaded: walkthrough, FAQ, facts and sources. Immutable once built."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.search.index import FaqIndex

# Which YAML fields are shown to users, and so translated through the catalogs.
FLOW_TEXT_FIELDS = ("ask", "help", "title", "status", "cost", "where", "deadline")
FLOW_LIST_FIELDS = ("steps", "documents", "pitfalls", "uncertain")
FAQ_TEXT_FIELDS = ("title", "answer", "short", "more")
FACT_TYPES = ("money", "number", "date", "months", "days", "hours")
INPUT_KINDS = ("date",)
# How an outcome counts down to a date the user typed (see bot/engine/countdown.py):
# expiry: the titre's end; renewal_window: the student renewal window before it (4 to 2 months);
# card_end: the end of a RECE card or APS; abroad_window: the years after the diploma.
COUNTDOWN_KINDS = ("expiry", "renewal_window", "card_end", "abroad_window")


def flow_context(node: str, field_name: str) -> str:
    return f"flow:{node}.{field_name}"


def faq_context(entry: str, field_name: str) -> str:
    return f"faq:{entry}.{field_name}"


def source_context(source: str) -> str:
    return f"source:{source}.short"


def fact_context(fact: str) -> str:
    return f"fact:{fact}.label"


TOPICS_CONTEXT = "faq:topics"


@dataclass(frozen=True, order=True)
class Since:
    """A date something applies from, known to the day or only to the month.

    A month-only date stands for the first of that month in comparisons, and is shown as
    "May 2026": we never print a day nobody read.
    """

    date: dt.date
    month_only: bool = False

    def iso(self) -> str:
        return self.date.isoformat()[:7] if self.month_only else self.date.isoformat()


@dataclass(frozen=True)
class SourceRead:
    """One reading of a source by someone on this project: when, what exactly was read, what it
    showed.

    `copy` says whether the live page was read (False) or a copy of it (a mirror, an open-data
    dump, a stored copy: True). A copy holds one version of the page: `version` is the date that
    version itself shows ("modifié le", "vérifié le", "version en vigueur du"), or None when the
    copy shows none. A live page read on a date is that day's version.

    `fingerprint` is what ``aps-bot sources check`` printed for the page when it was read
    (``sha256:<hex>`` of its main text, or ``etag:<ETag header>``): the baseline it compares with.
    """

    on: dt.date
    showed: str
    via: str = ""
    fingerprint: str = ""
    copy: bool = False
    version: Since | None = None

    @property
    def content_date(self) -> dt.date | None:
        """How recent the text read is: the day for a live page, the version's date for a copy
        (None for an undated copy: we cannot tell)."""
        if not self.copy:
            return self.on
        return self.version.date if self.version else None


@dataclass(frozen=True)
class Source:
    """A cited source. `published` is the date the page itself shows (its publication or last
    modification); `reads` are the times we actually read it. The two are never mixed up."""

    id: str
    title: str
    short: str
    publisher: str
    url: str
    kind: str  # official | institutional | secondary
    published: Since | None = None
    reads: tuple[SourceRead, ...] = ()
    watch: str = ""  # "" (not watched) | "page" | "service-public:F17319"
    about: str = ""  # a nationality concept: the source concerns that country's agreement only

    @property
    def checked(self) -> dt.date | None:
        """When we last read it (live or a copy), or None if nobody on this project has."""
        return max((r.on for r in self.reads), default=None)

    @property
    def best_read(self) -> SourceRead | None:
        """The read that shows the most recent text: the newest live read or dated copy (a live
        read wins a tie: it says more), else the newest undated copy."""
        dated = [r for r in self.reads if r.content_date is not None]
        if dated:
            return max(dated, key=lambda r: (r.content_date, not r.copy, r.on))
        return max(self.reads, key=lambda r: r.on, default=None)

    @property
    def newest_version(self) -> dt.date | None:
        """The date of the most recent text of it someone here read (a live read's day, a copy's
        version), or None (never read, or only undated copies)."""
        return max((r.content_date for r in self.reads if r.content_date), default=None)


@dataclass(frozen=True)
class Period:
    """A fact's value from `start` until the next period starts (`start` None: as far back as
    our sources go)."""

    start: Since | None
    value: Decimal | dt.date
    sources: tuple[str, ...]
    compute: str | None = None


@dataclass(frozen=True)
class Fact:
    """A figure that changes, with its history: periods in order, each with its sources.

    A computed fact's periods are derived from those of the facts it uses, so a new SMIC
    changes the threshold from the SMIC's own date.
    """

    id: str
    type: str
    periods: tuple[Period, ...]
    sources: tuple[str, ...]  # every source cited by any period
    label: str = ""  # what the figure is, shown when it changed recently
    compute: str | None = None
    note: str = ""
    uses: frozenset[str] = frozenset()  # facts this one is computed from, transitively
    uncertain: str = ""  # why the figure is not settled; texts using it must carry ⚠️

    def period_at(self, day: dt.date) -> int:
        """The index of the period in force on `day` (the first one before any start)."""
        found = 0
        for i, p in enumerate(self.periods):
            if p.start is None or p.start.date <= day:
                found = i
            else:
                break
        return found

    def at(self, day: dt.date) -> Period:
        return self.periods[self.period_at(day)]

    @property
    def changes(self) -> bool:
        return len(self.periods) > 1


@dataclass(frozen=True)
class Item:
    """An outcome list item, shown only when the user's answers match `when`."""

    text: str
    when: Mapping[str, frozenset[str]] = field(default_factory=lambda: MappingProxyType({}))

    def applies(self, answers: Mapping[str, str]) -> bool:
        return all(answers.get(k) in allowed for k, allowed in self.when.items())


@dataclass(frozen=True)
class Option:
    """A question's option: its id (unique in the question; tests and tools name answers by node
    and option id, never by the label a user sees), label, target and the answers it sets."""

    id: str
    label: str
    next: str
    set: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


class NodeKind(enum.StrEnum):
    """What a walkthrough node is. The loader's table of parsers (`bot.knowledge.node_kinds`) and
    the engine's table of behaviours (`bot.engine.features.walkthrough.nodes`) have one row each."""

    QUESTION = "question"  # options, one tap each
    INPUT = "input"  # typed text (a date)
    BRANCH = "branch"  # never shown: routes on an earlier answer
    OUTCOME = "outcome"  # where the walkthrough ends


@dataclass(frozen=True)
class Node:
    """A walkthrough node: a question (options), a free-text input, a branch, or an outcome.

    A branch is never shown: it routes on an earlier answer (``on``) to ``cases[value]`` or
    ``default``, so questions can be shared by paths that end in different outcomes.
    """

    id: str
    kind: NodeKind
    index: int
    ask: str = ""
    help: str = ""
    options: tuple[Option, ...] = ()
    input: str = ""
    store: str = ""
    next: str = ""
    skip: str = ""
    if_past: str = ""
    if_older: str = ""  # where a date older than `older_than` (a fact) goes
    older_than: str = ""
    older_unit: str = ""  # years | months
    on: str = ""
    cases: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    default: str = ""
    title: str = ""
    status: str = ""
    steps: tuple[Item, ...] = ()
    documents: tuple[Item, ...] = ()
    cost: str = ""
    where: str = ""
    deadline: str = ""
    pitfalls: tuple[Item, ...] = ()
    uncertain: tuple[Item, ...] = ()
    sources: tuple[str, ...] = ()
    countdown: str = ""  # one of COUNTDOWN_KINDS
    countdown_date: str = ""  # the answer holding the date it counts to

    @property
    def targets(self) -> list[str]:
        found = [o.next for o in self.options]
        found += list(self.cases.values())
        found += [t for t in (self.next, self.skip, self.if_past, self.if_older, self.default) if t]
        return found


@dataclass(frozen=True)
class Flow:
    start: str
    nodes: Mapping[str, Node]
    order: tuple[str, ...]
    version: str

    def by_index(self, index: int) -> Node | None:
        return self.nodes[self.order[index]] if 0 <= index < len(self.order) else None


@dataclass(frozen=True)
class FaqEntry:
    id: str
    index: int
    topic: str
    title: str
    answer: str
    more: str
    keywords: Mapping[str, tuple[str, ...]]
    examples: Mapping[str, tuple[str, ...]]
    sources: tuple[str, ...]
    related: tuple[str, ...]
    scope: str = ""  # "rece" or "bilateral" when the entry applies to that status only
    nationality: str = ""  # the lexicon concept of the nationality the entry is about
    # the key fact in a sentence or two (composed replies, inline results, autocomplete, snippets)
    short: str = ""


@dataclass(frozen=True)
class Faq:
    """The FAQ entries, and their search index, built when first needed: ``aps-bot check`` and
    the site's pages never wait for it; a running bot builds it at start or on its first
    question."""

    entries: tuple[FaqEntry, ...]
    by_id: Mapping[str, FaqEntry]
    topics: Mapping[str, str]  # id -> English label
    # questions no entry answers, per language: the search says "I don't know" when closest to them
    out_of_scope: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # builds an index of these entries, or of others given (``make eval`` holds examples out)
    build_index: Callable[..., FaqIndex] = field(repr=False, compare=False, default=None)  # type: ignore[assignment]

    @cached_property
    def index(self) -> FaqIndex:
        return self.build_index()


@dataclass(frozen=True)
class Knowledge:
    """Everything loaded from the knowledge folder; `version` changes when any file does."""

    path: Path
    flow: Flow
    faq: Faq
    facts: Mapping[str, Fact]
    sources: Mapping[str, Source]
    version: str
    warnings: tuple = ()
