"""``aps-bot report``: what moderators need to improve the knowledge, from the Store's counters.

Aggregates only (see `bot.engine.insight`): no user id, no conversation, no message text beyond
the normalised unanswered questions. Plain text for people, ``--csv`` for spreadsheets:
one row per number, ``section,name,value``.
"""

from __future__ import annotations

import csv
from typing import TextIO

from bot.engine.insight import Report

CSV_HEADER = ("section", "name", "value")


def rows(report: Report) -> list[tuple[str, str, int]]:
    """Every number of the report as ``(section, name, value)``, in a stable order."""
    out: list[tuple[str, str, int]] = []
    out += [("questions", k, v) for k, v in report.questions.items()]
    out += [("missed_question", text, n) for text, n in report.top_missed]
    out += [("outcome", k, v) for k, v in report.outcomes]
    out += [("language", k, v) for k, v in report.languages]
    for entry, up, down in report.votes:
        out += [("helpful_yes", entry, up), ("helpful_no", entry, down)]
    out += [("not_what_i_asked", entry, n) for entry, n in report.not_asked]
    out += [("stored", k, v) for k, v in report.stored.items()]
    out += [("failed_delivery", k, v) for k, v in report.failed_deliveries]
    out += [("unreadable_update", k, v) for k, v in report.unreadable]
    return out


def write_csv(report: Report, out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(rows(report))


def to_text(report: Report) -> str:
    q = report.questions
    lines = [
        "aps-bot report (aggregated counts, no user identifiers)",
        "",
        f"Questions: {q.get('asked', 0)} asked, {q.get('answered', 0)} answered, "
        f"{q.get('composed', 0)} composed (two or three short answers), "
        f"{q.get('unsure', 0)} unsure (did you mean), {q.get('missed', 0)} missed",
    ]

    def section(title: str, items: list[str]) -> None:
        lines.extend(["", f"{title}:"])
        lines.extend(f"  {item}" for item in items) if items else lines.append("  (none)")

    section("Top missed questions (normalised)", [f"{n:>5}  {t}" for t, n in report.top_missed])
    section("Walkthrough outcomes", [f"{n:>5}  {k}" for k, n in report.outcomes])
    section("Languages", [f"{n:>5}  {k}" for k, n in report.languages])
    section(
        "Helpful votes per FAQ entry (yes / no)",
        [f"{up:>5} / {down:<5} {entry}" for entry, up, down in report.votes],
    )
    section(
        '"Not what I asked" under an answer (the search picked the wrong entry)',
        [f"{n:>5}  {entry}" for entry, n in report.not_asked],
    )
    section("Stored now", [f"{v:>5}  {k}" for k, v in report.stored.items()])
    section(
        "Replies that could not be delivered", [f"{n:>5}  {k}" for k, n in report.failed_deliveries]
    )
    section("Updates skipped as unreadable", [f"{n:>5}  {k}" for k, n in report.unreadable])
    return "\n".join(lines) + "\n"
