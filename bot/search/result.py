"""What a search found, and whether it is sure enough to answer.

`SearchResult.confident` decides between answering directly, "did you mean" and "I don't know".
Its thresholds were calibrated on the dev half of eval/questions.yaml (``make eval``) for long
questions, and on the paraphrase set (tests/knowledge/paraphrases.yaml) for short ones; the test
half is only ever read as totals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

SCORE_SCALE = 14.0  # score = raw / (raw + SCORE_SCALE): 0.5 when raw equals the scale
ANSWER_THRESHOLD = 0.52  # answer directly at or above this …
ANSWER_MARGIN = 0.1  # … when the runner-up is at least this share below the best,
CLEAR_THRESHOLD = 0.6  # or at or above this when the runner-up is far behind:
CLEAR_MARGIN = 0.5  # this share below the best,
SHORT_MARGIN = 0.5  # or, for a short question (a few words, on one topic), this share
SHORT_THRESHOLD = 0.2  # and at least this score
SHORT_QUESTION = 6  # terms the index knows (a word gives its stem and itself)
SUGGEST_THRESHOLD = 0.1  # a match at all (bot.search.decide sets the floors of each reply)
SUGGEST_SHARE = 0.3  # runners-up shown under "did you mean" if within this share of the best
# the id of the questions no entry answers (faq.yaml's out_of_scope): never a valid entry id
OUT_OF_SCOPE = "(out of scope)"


@dataclass(frozen=True)
class Match:
    entry_id: str
    score: float


@dataclass(frozen=True)
class SearchResult:
    """Ranked matches (best first) and the normalised query."""

    query: str
    matches: tuple[Match, ...]
    runner_up: float = 0.0  # the second entry's score, even when too low to be shown
    terms: int = 0  # how many of the question's words the index knows
    out_of_scope: bool = False  # closest to the questions no entry answers (no matches then)
    exact: bool = False  # the question is one of the best entry's examples, word for word
    # how close the questions no entry answers came: their score over the best entry's (0: far)
    unanswered: float = 0.0
    situations: tuple[str, ...] = ()  # the asker's situations found (`bot.search.situation`)
    lang: str = ""  # the language the question was read in (the index it was searched in)

    @property
    def best(self) -> Match | None:
        return self.matches[0] if self.matches else None

    @property
    def confident(self) -> bool:
        """The best match is good enough to answer, and clearly ahead of the runner-up: a long
        question needs a high score and some margin, a short one a fair score and a wide margin.
        A question that is one of the entry's own examples (its words, stop words aside) is
        answered whatever the margin: the knowledge says that entry answers it."""
        if not self.matches:
            return False
        if self.exact:
            return True
        top = self.matches[0].score
        best = raw_of(top)
        second = raw_of(max([self.runner_up, *(m.score for m in self.matches[1:2])]))
        short = self.terms <= SHORT_QUESTION
        return (
            (top >= ANSWER_THRESHOLD and second <= best * (1 - ANSWER_MARGIN))
            or (top >= CLEAR_THRESHOLD and second <= best * (1 - CLEAR_MARGIN))
            or (short and top >= SHORT_THRESHOLD and second <= best * (1 - SHORT_MARGIN))
        )


def score_of(raw: float) -> float:
    """A raw ranking score on a 0–1 scale."""
    return raw / (raw + SCORE_SCALE)


def raw_of(score: float) -> float:
    """The raw ranking score behind a 0–1 score."""
    return SCORE_SCALE * score / (1 - score) if score < 1 else math.inf
