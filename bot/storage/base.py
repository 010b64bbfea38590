"""The Store protocol: everything the engine keeps, behind one interface.

What is stored, and why (the /privacy text says the same to users):

- per conversation (platform, scope, user): the walkthrough position and answers, to resume after
  a restart; deleted by /forget, and after a period without activity by `purge`;
- per user (platform, user): the language they chose with /lang;
- unanswered questions: normalised text and a count, never who asked;
- deadline reminders the user asked for (platform, user, delivery scope, kind, dates, language),
  deleted once sent, cancelled, by /forget, or a retention period after they were due;
- document checklists: per user and outcome, the ticked item indexes (no document text);
- aggregate counters for moderators (questions, outcomes, languages, votes): names and numbers,
  never a user id; the single-use nonces of vote buttons (random, linked to no one);
- one random secret that signs button tokens.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from bot.storage.records import Checklist, Conversation, ConversationKey, Reminder


@runtime_checkable
class Store(Protocol):
    async def load(self, key: ConversationKey) -> Conversation | None:
        """The conversation's state, or None."""

    async def save(
        self, key: ConversationKey, conversation: Conversation, expected_step: int | None = None
    ) -> bool:
        """Write the conversation's state in one atomic write.

        With `expected_step`, write only if the stored state is still at that step (compare and
        set), so two instances handling clicks of the same conversation cannot both advance it.
        Returns whether it was written.
        """

    async def delete(self, key: ConversationKey) -> None:
        """Remove the conversation's state, if any."""

    async def get_lang(self, platform: str, user: str) -> str | None:
        """The language the user chose, or None."""

    async def set_lang(self, platform: str, user: str, lang: str | None, now: float) -> None:
        """Remember (or, with None, forget) the user's language."""

    async def user_data(self, platform: str, user: str) -> dict:
        """Everything stored about the user: ``{"language": …, "conversations": [{scope, state}],
        "reminders": [Reminder], "checklists": [Checklist]}``."""

    async def forget(self, platform: str, user: str) -> int:
        """Delete every row about the user; the number of rows deleted."""

    async def record_miss(self, normalised: str, now: float) -> None:
        """Count an unanswered question (normalised text only)."""

    async def misses(self, limit: int = 10) -> list[tuple[str, int]]:
        """The most frequent unanswered questions, most frequent first."""

    async def counts(self) -> dict[str, int]:
        """Aggregates for /stats: conversations, users, misses_total, misses_distinct."""

    async def purge(self, before: float) -> int:
        """Delete conversations, user settings and checklists untouched since `before`, reminders
        due before it (never sent: the user blocked the bot…) and vote nonces used before it;
        how many rows."""

    # ---------------------------------------------------------------- reminders

    async def replace_reminders(
        self, platform: str, user: str, kind: str, reminders: list[Reminder], now: float
    ) -> None:
        """Replace the user's reminders of `kind` by `reminders`, in one atomic write."""

    async def list_reminders(self, platform: str, user: str) -> list[Reminder]:
        """The user's pending reminders, soonest first."""

    async def cancel_reminders(
        self, platform: str, user: str, reminder_id: str | None = None
    ) -> int:
        """Delete one of the user's reminders (or all of them); how many went."""

    async def claim_reminders(
        self, platform: str, now: float, lease: float, limit: int
    ) -> list[Reminder]:
        """Lease up to `limit` of `platform`'s reminders that are due (``next_at <= now``).

        Atomic: a claimed reminder gets ``next_at = now + lease``, so no other caller (another
        instance sharing the store) gets it again before the lease ends. Unless completed by then,
        it is claimable again afterwards (the sender crashed).
        """

    async def complete_reminder(self, reminder_id: str) -> None:
        """Delete a reminder that was sent (or need not be); nothing if it is already gone."""

    # ---------------------------------------------------------------- checklists

    async def get_checklist(
        self, platform: str, user: str, outcome: str | None = None
    ) -> Checklist | None:
        """The user's checklist for `outcome`, or with None their most recently changed one."""

    async def save_checklist(self, platform: str, user: str, checklist: Checklist) -> None:
        """Write the user's checklist for ``checklist.outcome``."""

    # ---------------------------------------------------------------- counters

    async def bump(self, *names: str) -> None:
        """Add one to each named counter (``questions.asked``, ``outcome.out_rece``…)."""

    async def counters(self) -> dict[str, int]:
        """Every counter by name."""

    async def use_vote(self, nonce: str, now: float) -> bool:
        """Mark a vote button's nonce used; False if it already was (the vote is not counted)."""

    async def secret(self) -> bytes:
        """The secret that signs tokens, created on first use and kept."""

    async def close(self) -> None:
        """Release resources."""
