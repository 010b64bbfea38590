"""The user-facing strings of the knowledge YAML, for Babel and for ``aps-bot check``.

Each string is a ``pgettext`` message whose context names where it lives (``flow:eu.title``,
``faq:fee.answer``, ``faq:topics``, ``source:S1.short``, ``fact:fee_rece.label``), so identical English strings in different places can be
translated differently. `extract_yaml` is registered as the ``aps_yaml`` Babel extractor (see
babel.cfg); ``pybabel extract`` collects these strings with the code's.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from bot.knowledge.model import (
    FAQ_TEXT_FIELDS,
    FLOW_LIST_FIELDS,
    FLOW_TEXT_FIELDS,
    TOPICS_CONTEXT,
    fact_context,
    faq_context,
    flow_context,
    source_context,
)
from bot.knowledge.yamlfile import LineDict, LineList, load_yaml

KINDS = ("flow", "faq", "sources", "facts")  # the knowledge files that hold translatable text


def messages(kind: str, data: Any) -> Iterator[tuple[int, str, str]]:
    """``(line, context, msgid)`` for every translatable string of a parsed knowledge file.

    Args:
        kind: the file's name without extension: ``flow``, ``faq``, ``sources`` or ``facts``.
        data: the file as returned by `load_yaml`.
    """
    if not isinstance(data, LineDict):
        return
    if kind == "flow":
        nodes = data.get("nodes")
        if not isinstance(nodes, LineDict):
            return
        for nid, spec in nodes.items():
            if not isinstance(spec, LineDict):
                continue
            for f in FLOW_TEXT_FIELDS:
                if isinstance(spec.get(f), str):
                    yield spec.line_of(f), flow_context(nid, f), spec[f]
            options = spec.get("options")
            if isinstance(options, LineList):
                for i, opt in enumerate(options):
                    if isinstance(opt, LineDict) and isinstance(opt.get("label"), str):
                        yield options.line_of(i), flow_context(nid, "options"), opt["label"]
            for f in FLOW_LIST_FIELDS:
                items = spec.get(f)
                if not isinstance(items, LineList):
                    continue
                for i, item in enumerate(items):
                    text = item.get("text") if isinstance(item, LineDict) else item
                    if isinstance(text, str):
                        yield items.line_of(i), flow_context(nid, f), text
    elif kind == "facts":
        for fid, spec in data.items():
            if isinstance(spec, LineDict) and isinstance(spec.get("label"), str):
                yield spec.line_of("label"), fact_context(fid), spec["label"]
    elif kind == "sources":
        for sid, spec in data.items():
            if isinstance(spec, LineDict) and isinstance(spec.get("short"), str):
                yield spec.line_of("short"), source_context(sid), spec["short"]
    elif kind == "faq":
        topics = data.get("topics")
        if isinstance(topics, LineDict):
            for tid, label in topics.items():
                if isinstance(label, str):
                    yield topics.line_of(tid), TOPICS_CONTEXT, label
        entries = data.get("entries")
        if isinstance(entries, LineList):
            for entry in entries:
                if not isinstance(entry, LineDict) or not isinstance(entry.get("id"), str):
                    continue
                for f in FAQ_TEXT_FIELDS:
                    if isinstance(entry.get(f), str):
                        yield entry.line_of(f), faq_context(entry["id"], f), entry[f]


def extract_yaml(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """Babel extractor: yields ``(lineno, "pgettext", (context, msgid), comments)``."""
    name = getattr(fileobj, "name", "")
    kind = Path(name).stem
    if kind not in KINDS:
        return
    data = load_yaml(Path(name))
    for line, context, msgid in messages(kind, data):
        yield line, "pgettext", (context, msgid.strip()), []
