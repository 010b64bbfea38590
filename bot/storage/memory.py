"""An in-memory Store, for tests and for trying the console without touching the disk."""

from __future__ import annotations

import secrets
from collections import Counter

from bot.engine.events import ConversationKey
from bot.engine.state import Conversation


class MemoryStore:
    def __init__(self) -> None:
        self._conversations: dict[ConversationKey, str] = {}
        self._langs: dict[tuple[str, str], tuple[str, float]] = {}
        self._misses: Counter[str] = Counter()
        self._secret = secrets.token_bytes(32)

    async def load(self, key: ConversationKey) -> Conversation | None:
        raw = self._conversations.get(key)
        return Conversation.from_json(raw) if raw is not None else None

    async def save(
        self, key: ConversationKey, conversation: Conversation, expected_step: int | None = None
    ) -> bool:
        if expected_step is not None:
            current = self._conversations.get(key)
            if current is None or Conversation.from_json(current).step != expected_step:
                return False
        # stored serialised, so tests see exactly what a persistent store would give back
        self._conversations[key] = conversation.to_json()
        return True

    async def delete(self, key: ConversationKey) -> None:
        self._conversations.pop(key, None)

    async def get_lang(self, platform: str, user: str) -> str | None:
        found = self._langs.get((platform, user))
        return found[0] if found else None

    async def set_lang(self, platform: str, user: str, lang: str | None, now: float) -> None:
        if lang is None:
            self._langs.pop((platform, user), None)
        else:
            self._langs[(platform, user)] = (lang, now)

    async def user_data(self, platform: str, user: str) -> dict:
        return {
            "language": await self.get_lang(platform, user),
            "conversations": [
                {"scope": k.scope, "state": Conversation.from_json(v)}
                for k, v in self._conversations.items()
                if k.platform == platform and k.user == user
            ],
        }

    async def forget(self, platform: str, user: str) -> int:
        keys = [k for k in self._conversations if k.platform == platform and k.user == user]
        for k in keys:
            del self._conversations[k]
        had_lang = self._langs.pop((platform, user), None) is not None
        return len(keys) + int(had_lang)

    async def record_miss(self, normalised: str, now: float) -> None:
        self._misses[normalised] += 1

    async def misses(self, limit: int = 10) -> list[tuple[str, int]]:
        return sorted(self._misses.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]

    async def counts(self) -> dict[str, int]:
        return {
            "conversations": len(self._conversations),
            "users": len(self._langs),
            "misses_total": sum(self._misses.values()),
            "misses_distinct": len(self._misses),
        }

    async def purge(self, before: float) -> int:
        old = [
            k
            for k, v in self._conversations.items()
            if Conversation.from_json(v).updated_at < before
        ]
        for k in old:
            del self._conversations[k]
        active = {(k.platform, k.user) for k in self._conversations}
        # a language choice goes with the last activity of its user
        old_langs = [k for k, (_, at) in self._langs.items() if at < before and k not in active]
        for k in old_langs:
            del self._langs[k]
        return len(old) + len(old_langs)

    async def secret(self) -> bytes:
        return self._secret

    async def close(self) -> None:
        return None
