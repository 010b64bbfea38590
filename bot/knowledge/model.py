"""The knowledge base as loaded: walkthrough, FAQ, facts and sources. Immutable once built."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.engine.faq_index import FaqIndex

# Which YAML fields are shown to users, and so translated through the catalogs.
FLOW_TEXT_FIELDS = ("ask", "help", "title", "status", "cost", "where", "deadline")
FLOW_LIST_FIELDS = ("steps", "documents", "pitfalls", "uncertain")
FAQ_TEXT_FIELDS = ("title", "answer", "more")
FACT_TYPES = ("money", "number", "date", "months", "days", "hours")
INPUT_KINDS = ("date",)


def flow_context(node: str, field_name: str) -> str:
    return f"flow:{node}.{field_name}"


def faq_context(entry: str, field_name: str) -> str:
    return f"faq:{entry}.{field_name}"


def source_context(source: str) -> str:
    return f"source:{source}.short"


TOPICS_CONTEXT = "faq:topics"


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    short: str
    publisher: str
    url: str
    seen: dt.date
    kind: str  # official | institutional | secondary


@dataclass(frozen=True)
class Fact:
    id: str
    type: str
    value: Decimal | dt.date
    sources: tuple[str, ...]
    verified: dt.date
    compute: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Item:
    """An outcome list item, shown only when the user's answers match `when`."""

    text: str
    when: Mapping[str, frozenset[str]] = field(default_factory=lambda: MappingProxyType({}))

    def applies(self, answers: Mapping[str, str]) -> bool:
        return all(answers.get(k) in allowed for k, allowed in self.when.items())


@dataclass(frozen=True)
class Option:
    label: str
    next: str
    set: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Node:
    """A walkthrough node: a question (options), a free-text input, a branch, or an outcome.

    A branch is never shown: it routes on an earlier answer (``on``) to ``cases[value]`` or
    ``default``, so questions can be shared by paths that end in different outcomes.
    """

    id: str
    kind: str  # question | input | branch | outcome
    index: int
    ask: str = ""
    help: str = ""
    options: tuple[Option, ...] = ()
    input: str = ""
    store: str = ""
    next: str = ""
    skip: str = ""
    if_past: str = ""
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

    @property
    def targets(self) -> list[str]:
        found = [o.next for o in self.options]
        found += list(self.cases.values())
        found += [t for t in (self.next, self.skip, self.if_past, self.default) if t]
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


@dataclass(frozen=True)
class Faq:
    entries: tuple[FaqEntry, ...]
    by_id: Mapping[str, FaqEntry]
    topics: Mapping[str, str]  # id -> English label
    index: FaqIndex


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
