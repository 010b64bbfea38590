"""What moderators see: aggregate counters, never who did what.

The engine bumps named counters in the Store as things happen; `gather` turns them into a `Report`
for the admin /stats and ``aps-bot report``. A counter is a name and a number: no user id, no
conversation key, no message text (the top missed questions are the normalised texts already kept
by `Store.record_miss`, without who asked).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.storage.base import Store

ASKED = "questions.asked"
ANSWERED = "questions.answered"  # one entry answered directly
COMPOSED = "questions.composed"  # two or three short answers in one reply
UNSURE = "questions.unsure"  # "did you mean…"
MISSED = "questions.missed"  # no match: the question is also recorded as a miss
OUTCOME = "outcome."  # + the outcome node id: a walkthrough reached it
LANG = "lang."  # + the language of a question asked or an outcome shown
VOTE_UP = "vote.up."  # + the FAQ entry id
VOTE_DOWN = "vote.down."
DELIVERY_FAILED = "delivery.failed."  # + the platform: a reply that could not be delivered
UNREADABLE = "updates.unreadable."  # + the platform: an update the library could not read
NOT_ASKED = "vote.missed."  # + the FAQ entry id: "Not what I asked" under its answer
QUESTION_KEYS = (ASKED, ANSWERED, COMPOSED, UNSURE, MISSED)


@dataclass
class Report:
    """Everything /stats and ``aps-bot report`` show.

    Attributes:
        questions: asked, answered, composed, unsure, missed (keys without the ``questions.``
            prefix).
        top_missed: the most frequent unanswered normalised questions and their counts.
        outcomes: walkthrough outcome id → times reached, most frequent first.
        languages: language code → questions asked and outcomes shown in it.
        votes: FAQ entry id → (helpful, not helpful), most voted first.
        not_asked: FAQ entry id → times "Not what I asked" was clicked under it, most first.
        stored: what the Store holds now (conversations, users with a language…).
        failed_deliveries: platform → replies that could not be delivered.
        unreadable: platform → updates skipped because the library could not read them.
    """

    questions: dict[str, int] = field(default_factory=dict)
    top_missed: list[tuple[str, int]] = field(default_factory=list)
    outcomes: list[tuple[str, int]] = field(default_factory=list)
    languages: list[tuple[str, int]] = field(default_factory=list)
    votes: list[tuple[str, int, int]] = field(default_factory=list)
    not_asked: list[tuple[str, int]] = field(default_factory=list)
    stored: dict[str, int] = field(default_factory=dict)
    failed_deliveries: list[tuple[str, int]] = field(default_factory=list)
    unreadable: list[tuple[str, int]] = field(default_factory=list)


def _ranked(counters: dict[str, int], prefix: str) -> list[tuple[str, int]]:
    found = [(k[len(prefix) :], v) for k, v in counters.items() if k.startswith(prefix)]
    return sorted(found, key=lambda kv: (-kv[1], kv[0]))


async def gather(store: Store, top: int = 10) -> Report:
    """The report from the Store's counters."""
    counters = await store.counters()
    up, down = dict(_ranked(counters, VOTE_UP)), dict(_ranked(counters, VOTE_DOWN))
    votes = [(e, up.get(e, 0), down.get(e, 0)) for e in set(up) | set(down)]
    votes.sort(key=lambda v: (-(v[1] + v[2]), v[0]))
    return Report(
        questions={k.split(".", 1)[1]: counters.get(k, 0) for k in QUESTION_KEYS},
        top_missed=await store.misses(top),
        outcomes=_ranked(counters, OUTCOME),
        languages=_ranked(counters, LANG),
        votes=votes,
        not_asked=_ranked(counters, NOT_ASKED),
        stored=await store.counts(),
        failed_deliveries=_ranked(counters, DELIVERY_FAILED),
        unreadable=_ranked(counters, UNREADABLE),
    )
