"""The Store protocol: everything the engine keeps, behind one interface.

What is stored, and why (the /privacy text says the same to users):

- per conversation (platform, scope, user): the walkthrough position and answers, to resume after
  a restart; deleted by /forget, and after a period without activity by `purge`;
- per user (platform, user): the language they chose with /lang;
- unanswered questions: normalised text and a count, never who asked;
- one random secret that signs button tokens.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from bot.engine.events import ConversationKey
from bot.engine.state import Conversation


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
        """Everything stored about the user: ``{"language": …, "conversations": [{scope, state}]}``."""

    async def forget(self, platform: str, user: str) -> int:
        """Delete every row about the user; the number of rows deleted."""

    async def record_miss(self, normalised: str, now: float) -> None:
        """Count an unanswered question (normalised text only)."""

    async def misses(self, limit: int = 10) -> list[tuple[str, int]]:
        """The most frequent unanswered questions, most frequent first."""

    async def counts(self) -> dict[str, int]:
        """Aggregates for /stats: conversations, users, misses_total, misses_distinct."""

    async def purge(self, before: float) -> int:
        """Delete conversations and user settings untouched since `before`; how many rows."""

    async def secret(self) -> bytes:
        """The secret that signs tokens, created on first use and kept."""

    async def close(self) -> None:
        """Release resources."""
