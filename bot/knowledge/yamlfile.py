"""Reading knowledge YAML with line numbers, so every problem is reported as ``file:line: message``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong (or worth a warning) in the knowledge or the catalogs."""

    file: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        prefix = "warning: " if self.warning else ""
        return f"{self.file}:{self.line}: {prefix}{self.message}"


class KnowledgeError(Exception):
    """The knowledge cannot be loaded; `problems` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class LineDict(dict):
    """A mapping that remembers the line of each key (1-based) and of itself."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A sequence that remembers the line of each item."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


# libyaml's parser when PyYAML has it (its wheels do): about ten times faster on our files
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            )
        key = str(key)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


class _TextLoader(_LineLoader):
    """Every scalar as the text written: in a word list, ``no``, ``on`` and ``12`` are words."""


def _construct_text(loader: _TextLoader, node: yaml.ScalarNode) -> str:
    return str(node.value)


for _tag in ("bool", "int", "float", "null", "timestamp"):
    _TextLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _construct_text)


def load_yaml(path: Path, display: str | None = None, *, text: bool = False) -> Any:
    """Parse `path`; mappings become `LineDict`, sequences `LineList`; with `text`, every scalar
    stays the string written (for word lists, where YAML would read ``no`` as false).

    Raises:
        KnowledgeError: the file is missing or is not valid YAML (with the line of the error).
    """
    name = display or str(path)
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KnowledgeError([Problem(name, 0, "file not found")]) from None
    except UnicodeDecodeError as exc:
        raise KnowledgeError([Problem(name, 1, f"not UTF-8 text: {exc.reason}")]) from None
    except OSError as exc:  # a folder, no permission…: one line, not a traceback
        raise KnowledgeError([Problem(name, 0, f"cannot read: {exc.strerror}")]) from None
    try:
        return yaml.load(source, Loader=_TextLoader if text else _LineLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = exc.problem or exc.context or "invalid YAML"
        raise KnowledgeError([Problem(name, line, f"invalid YAML: {what}")]) from None
    except yaml.YAMLError as exc:
        raise KnowledgeError([Problem(name, 1, f"invalid YAML: {exc}")]) from None
