"""Rewrite the Mermaid diagram between the graph markers of README.md from `aps-bot graph`."""

import re
import sys
from pathlib import Path

from bot.knowledge import load_knowledge
from bot.knowledge.graph import mermaid

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"(<!-- graph:start -->\n```mermaid\n).*?(```\n<!-- graph:end -->)", re.S)


def main() -> int:
    text = README.read_text(encoding="utf-8")
    if not BLOCK.search(text):
        print("README.md has no <!-- graph:start --> block", file=sys.stderr)
        return 1
    chart = mermaid(load_knowledge().flow)
    README.write_text(BLOCK.sub(lambda m: m.group(1) + chart + m.group(2), text), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
