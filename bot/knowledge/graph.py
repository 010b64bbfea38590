"""The walkthrough as a Mermaid flowchart (``aps-bot graph``; embedded in the README).

How each kind of node is drawn, and its edges, come from its row in `node_kinds.NODE_KINDS`.
"""

from __future__ import annotations

import re

from bot.knowledge.model import Flow, NodeKind
from bot.knowledge.node_kinds import NODE_KINDS
from bot.markup import shorten


def _label(text: str, limit: int = 60) -> str:
    # the diagram shows plain words: no **bold** markers, links reduced to their label
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text.replace("**", ""))
    return shorten(text, limit).replace('"', "#quot;")


def mermaid(flow: Flow) -> str:
    """A ``flowchart TD`` of every node and transition, in English, stable for a given flow."""
    lines = ["flowchart TD"]
    for node in flow.nodes.values():
        row = NODE_KINDS[node.kind]
        lines.append("    " + row.shape.format(id=node.id, label=_label(row.label(node))))
    for node in flow.nodes.values():
        for label, target, text in NODE_KINDS[node.kind].edges(node):
            shown = f'"{_label(label, 40)}"' if text else label
            lines.append(f"    {node.id} -->|{shown}| {target}")
    lines.append("    classDef outcome fill:#e8f5e9,stroke:#2e7d32")
    outcomes = [n.id for n in flow.nodes.values() if n.kind is NodeKind.OUTCOME]
    if outcomes:
        lines.append(f"    class {','.join(outcomes)} outcome")
    return "\n".join(lines) + "\n"
