"""What the first reply to a question shows: one answer, a few short answers, titles, or nothing.

The search ranks entries (`bot.search.index`); this decides what the student sees, for every
front end alike:

- ``answer``: one entry clearly leads. Its answer is given, the runners-up offered as buttons.
- ``composed``: two or three entries are close, or the question asks two things that two entries
  answer. Each one's question and short answer are given in one message.
- ``suggest``: nothing is close enough to compose (every match is weak): "did you mean", with
  at least two titles, never one.
- ``unknown``: nothing matches, the best match is below a floor, or the question is closest to
  the ones no entry answers (out of scope).

Right entry first happens for about 72 to 79 % of real questions, and a wrong answer that looks
right is the worst case. Composing close entries puts the right one in the first reply far more
often than answering the leader alone, without presenting a guess as the answer.

Every threshold of `DecisionPolicy` was calibrated on the dev half of eval/questions.yaml and on
the entries' own examples held out of the index (``make eval EVAL_ARGS=--folds``), never on the
test half.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.search.result import SearchResult, raw_of

if TYPE_CHECKING:
    from bot.search.index import FaqIndex

ANSWER, COMPOSED, SUGGEST, UNKNOWN = "answer", "composed", "suggest", "unknown"
KINDS = (ANSWER, COMPOSED, SUGGEST, UNKNOWN)
CANDIDATES = 5  # entries the search is asked for: the shown ones, then the buttons'
# where a question asking two things splits: "?", ";", a line break, or "and"/"et" after a comma
_PARTS = re.compile(r"[?;\n]+|,\s*(?:and|et|also|aussi|plus|but|mais)\b", re.IGNORECASE)


@dataclass(frozen=True)
class DecisionPolicy:
    """The thresholds of `decide`; scores are the search's 0–1 scores, shares are of raw scores.

    Attributes:
        compose_share: an entry within this share of the best one's score is "close".
        max_composed: at most this many short answers in one reply.
        compose_floor: below this best score, close entries are offered as titles ("did you
            mean") rather than composed: their short answers would be guesses.
        lead_floor: a leader with no close runner-up is answered directly from this score (below
            it, "did you mean" if there are two matches, else "I don't know").
        unknown_floor: below this best score, "I don't know" …
        menu_floor: … except for a short question (`menu_terms` known terms at most) with two
            matches from this score: a vague question ("can I work?") gets "did you mean".
        unanswered_share: "I don't know" when the questions no entry answers score at least this
            share of the best entry (`SearchResult.unanswered`) …
        unanswered_below: … and the best entry scores under this (a strong match is answered).
        part_terms: a part of a two-part question needs this many known terms to count.
        nearest_terms: an "I don't know" offers its nearest entries as buttons when the search
            knew this many of the question's terms (one word, "Marseille", is not near enough).
    """

    compose_share: float = 0.5
    max_composed: int = 3
    compose_floor: float = 0.2
    lead_floor: float = 0.14
    unknown_floor: float = 0.15
    menu_floor: float = 0.1
    menu_terms: int = 3
    unanswered_share: float = 0.4
    unanswered_below: float = 0.45
    part_terms: int = 2
    nearest_terms: int = 2


POLICY = DecisionPolicy()


@dataclass(frozen=True)
class Decision:
    """What the first reply shows.

    Attributes:
        kind: `ANSWER`, `COMPOSED`, `SUGGEST` or `UNKNOWN`.
        shown: the entries whose text is in the reply: the one answered, or the composed ones.
        offered: other entries offered as buttons: the runners-up (answer, composed), the
            titles of "did you mean", or the nearest entries under an "I don't know" (none when
            the question is out of scope or no entry shares a word with it).
        result: the search behind it (scores, situations, the normalised question).
        parts: composed because the question asks two things two entries answer.
    """

    kind: str
    shown: tuple[str, ...]
    offered: tuple[str, ...]
    result: SearchResult
    parts: bool = False

    @property
    def first(self) -> str | None:
        """The entry answered directly, or the first one shown (what ``aps-bot ask`` calls id)."""
        return self.shown[0] if self.shown else None


def decide(
    index: FaqIndex,
    text: str,
    answers: Mapping[str, str] | None = None,
    policy: DecisionPolicy = POLICY,
    lang: str | None = None,
) -> Decision:
    """The first reply to `text` (`answers`: the asker's walkthrough answers, if any; `lang`:
    the asker's language, where to search when the question's words do not tell)."""
    read = index.language_of(text, lang)  # the question's language: its parts are read in it too
    result = index.search(text, limit=CANDIDATES, answers=answers, lang=read)
    return decide_result(result, _parts(index, text, answers, policy, read), policy)


def decide_result(
    result: SearchResult, part_ids: tuple[str, ...] = (), policy: DecisionPolicy = POLICY
) -> Decision:
    """`decide` from a search already made (`part_ids`: the leaders of a question's parts)."""
    matches = result.matches
    if result.out_of_scope or not matches:
        return Decision(UNKNOWN, (), (), result)
    ids = [m.entry_id for m in matches]
    if len(part_ids) >= 2:
        shown = tuple(part_ids[: policy.max_composed])
        return Decision(COMPOSED, shown, _rest(ids, shown), result, parts=True)
    if result.exact:  # one of an entry's own examples, word for word: the knowledge says so
        return Decision(ANSWER, tuple(ids[:1]), tuple(ids[1:]), result)
    best = matches[0].score
    unanswered = result.unanswered >= policy.unanswered_share and best < policy.unanswered_below
    # under an "I don't know": the nearest entries, when the search knew words enough to be near
    leaders = tuple(ids[: policy.max_composed])
    nearest = leaders if result.terms >= policy.nearest_terms else ()
    if unanswered:
        return Decision(UNKNOWN, (), nearest, result)
    if best < policy.unknown_floor:
        vague = result.terms <= policy.menu_terms and best >= policy.menu_floor
        if vague and len(ids) >= 2:
            return Decision(SUGGEST, (), leaders, result)
        return Decision(UNKNOWN, (), nearest, result)
    top = raw_of(best)
    close = [
        m.entry_id
        for m in matches
        if raw_of(m.score) >= policy.compose_share * top and m.score >= policy.unknown_floor
    ]
    if result.confident:
        return Decision(ANSWER, tuple(ids[:1]), tuple(ids[1:]), result)
    if len(close) < 2:
        if best >= policy.lead_floor:
            return Decision(ANSWER, tuple(ids[:1]), tuple(ids[1:]), result)
        if len(ids) >= 2:
            return Decision(SUGGEST, (), leaders, result)
        return Decision(UNKNOWN, (), nearest, result)
    if best < policy.compose_floor:
        return Decision(SUGGEST, (), tuple(close[: policy.max_composed]), result)
    shown = tuple(close[: policy.max_composed])
    return Decision(COMPOSED, shown, _rest(ids, shown), result)


def _rest(ids: list[str], shown: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(i for i in ids if i not in shown)


def _parts(
    index: FaqIndex,
    text: str,
    answers: Mapping[str, str] | None,
    policy: DecisionPolicy,
    lang: str | None = None,
) -> tuple[str, ...]:
    """The entries answering each part of a question that asks two things (or three): each part
    asked alone gets a direct answer. () when it asks one thing, or its parts lead to one entry."""
    parts = [p for p in _PARTS.split(text) if p.strip()]
    if len(parts) < 2:
        return ()
    found: list[str] = []
    for part in parts[:4]:
        result = index.search(part, limit=CANDIDATES, answers=answers, lang=lang)
        if result.terms < policy.part_terms:
            continue
        alone = decide_result(result, (), policy)
        if alone.kind == ANSWER and alone.shown[0] not in found:
            found.append(alone.shown[0])
    return tuple(found) if len(found) >= 2 else ()
