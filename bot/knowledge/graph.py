"""The walkthrough as a Mermaid flowchart (``aps-bot graph``; embedded in the README)."""

from __future__ import annotations

import re

from bot.knowledge.model import Flow
from bot.markup import shorten


def _label(text: str, limit: int = 60) -> str:
    # the diagram shows plain words: no **bold** markers, links reduced to their label
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text.replace("**", ""))
    return shorten(text, limit).replace('"', "#quot;")


def mermaid(flow: Flow) -> str:
    """A ``flowchart TD`` of every node and transition, in English, stable for a given flow."""
    lines = ["flowchart TD"]
    for node in flow.nodes.values():
        if node.kind == "outcome":
            lines.append(f'    {node.id}(["{_label(node.title)}"])')
        elif node.kind == "input":
            lines.append(f'    {node.id}[/"{_label(node.ask)}"/]')
        elif node.kind == "branch":
            lines.append(f'    {node.id}{{{{"{node.on}?"}}}}')
        else:
            lines.append(f'    {node.id}{{"{_label(node.ask)}"}}')
    for node in flow.nodes.values():
        for opt in node.options:
            lines.append(f'    {node.id} -->|"{_label(opt.label, 40)}"| {opt.next}')
        for value, target in node.cases.items():
            lines.append(f'    {node.id} -->|"{_label(value, 40)}"| {target}')
        if node.default:
            lines.append(f"    {node.id} -->|other| {node.default}")
        if node.kind == "input":
            lines.append(f"    {node.id} -->|date| {node.next}")
            if node.if_past:
                lines.append(f'    {node.id} -->|"date in the past"| {node.if_past}')
            if node.skip:
                lines.append(f"    {node.id} -->|skip| {node.skip}")
    lines.append("    classDef outcome fill:#e8f5e9,stroke:#2e7d32")
    outcomes = [n.id for n in flow.nodes.values() if n.kind == "outcome"]
    if outcomes:
        lines.append(f"    class {','.join(outcomes)} outcome")
    return "\n".join(lines) + "\n"
