"""Rewrite the generated blocks of README.md: the walkthrough's diagram (`aps-bot graph`) and the
command lists, from the engine's command table (a test fails when either drifts).

Each block sits between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->``:

- ``graph``: the Mermaid diagram of knowledge/flow.yaml;
- ``commands:all``: every command listed somewhere, with the platforms that list it;
- ``commands:telegram``: Telegram's menus (private chats, groups) and the unlisted ones;
- ``commands:discord``: Discord's slash commands.

Usage: python scripts/update_readme.py  (or: make readme)
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.engine.commands import PLATFORMS, Command, offered_on
from bot.engine.features import ROUTER
from bot.knowledge import load_knowledge
from bot.knowledge.graph import mermaid

README = Path(__file__).resolve().parent.parent / "README.md"
PLATFORM_NAMES = {"telegram": "Telegram", "discord": "Discord", "console": "console", "web": "web"}


def usage(command: Command) -> str:
    """``/faq [question]``: the command as typed, its argument optional."""
    return f"`/{command.name}" + (f" [{command.arg.name}]`" if command.arg else "`")


def cell(text: str) -> str:
    """`text` inside a Markdown table cell."""
    return text.replace("|", "\\|")


def names(commands: Sequence[Command]) -> str:
    return ", ".join(f"`/{c.name}`" for c in commands)


def all_commands(commands: Sequence[Command]) -> str:
    listed = [c for c in commands if any(c.offered_on(p) for p in PLATFORMS)]
    head = ["Command", "What it does", *(PLATFORM_NAMES.get(p, p) for p in PLATFORMS)]
    rows = [
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
        *(
            f"| {usage(c)} | {cell(c.summary)} | "
            + " | ".join("✓" if c.offered_on(p) else "" for p in PLATFORMS)
            + " |"
            for c in listed
        ),
    ]
    unlisted = [c for c in commands if not c.admin and c not in listed]
    admin = [c for c in commands if c.admin]
    return (
        "\n".join(rows)
        + "\n\n"
        + f"Also understood, never listed: {names(unlisted)}. "
        + f"For the ids in `APS_BOT_ADMINS` only: {names(admin)}.\n"
    )


def telegram(commands: Sequence[Command]) -> str:
    menu = offered_on(tuple(commands), "telegram")
    return (
        f"Menu in private chats: {names(menu)}. "
        f"In groups: {names([c for c in menu if c.groups])}. "
        f"Also understood: {names([c for c in commands if not c.admin and c not in menu])}; "
        f"for the ids in `APS_BOT_ADMINS`: {names([c for c in commands if c.admin])}.\n"
    )


def discord(commands: Sequence[Command]) -> str:
    rows = ["| Command | What it does |", "|---|---|"]
    rows += [f"| {usage(c)} | {cell(c.summary)} |" for c in offered_on(tuple(commands), "discord")]
    return "\n".join(rows) + "\n"


def blocks(commands: Sequence[Command] | None = None) -> dict[str, Callable[[], str]]:
    """Each generated block's name and how to make its text (the commands: the engine's table)."""
    table = tuple(ROUTER.commands.values()) if commands is None else tuple(commands)
    return {
        "graph": lambda: "```mermaid\n" + mermaid(load_knowledge().flow) + "```\n",
        "commands:all": lambda: all_commands(table),
        "commands:telegram": lambda: telegram(table),
        "commands:discord": lambda: discord(table),
    }


def block_pattern(name: str) -> re.Pattern[str]:
    return re.compile(
        rf"(<!-- {re.escape(name)}:start -->\n).*?(<!-- {re.escape(name)}:end -->)", re.S
    )


def current(text: str, name: str) -> str | None:
    """The text of block `name` in `text` (None if it has no such block)."""
    found = block_pattern(name).search(text)
    return found.group(0)[len(found.group(1)) : -len(found.group(2))] if found else None


def main() -> int:
    text = README.read_text(encoding="utf-8")
    for name, make in blocks().items():
        pattern = block_pattern(name)
        if not pattern.search(text):
            print(f"README.md has no <!-- {name}:start --> block", file=sys.stderr)
            return 1
        content = make()
        text = pattern.sub(lambda m, content=content: m.group(1) + content + m.group(2), text)
    README.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
