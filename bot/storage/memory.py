"""An in-memory Store, for tests and for trying the console without touching the disk."""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import replace

from bot.storage.records import Checklist, Conversation, ConversationKey, Reminder


class MemoryStore:
    def __init__(self) -> None:
        self._conversations: dict[ConversationKey, str] = {}
        self._langs: dict[tuple[str, str], tuple[str, float]] = {}
        self._misses: Counter[str] = Counter()
        self._secret = secrets.token_bytes(32)
        self._reminders: dict[str, Reminder] = {}
        self._checklists: dict[tuple[str, str, str], str] = {}
        self._counters: Counter[str] = Counter()
        self._votes: dict[str, float] = {}

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
            "reminders": await self.list_reminders(platform, user),
            "checklists": self._user_checklists(platform, user),
        }

    async def forget(self, platform: str, user: str) -> int:
        keys = [k for k in self._conversations if k.platform == platform and k.user == user]
        for k in keys:
            del self._conversations[k]
        had_lang = self._langs.pop((platform, user), None) is not None
        lists = [k for k in self._checklists if k[:2] == (platform, user)]
        for k in lists:
            del self._checklists[k]
        reminders = await self.cancel_reminders(platform, user)
        return len(keys) + int(had_lang) + len(lists) + reminders

    # ---------------------------------------------------------------- reminders

    async def replace_reminders(
        self, platform: str, user: str, kind: str, reminders: list[Reminder], now: float
    ) -> None:
        for r in await self.list_reminders(platform, user):
            if r.kind == kind:
                del self._reminders[r.id]
        for r in reminders:
            self._reminders[r.id] = r

    async def list_reminders(self, platform: str, user: str) -> list[Reminder]:
        mine = [r for r in self._reminders.values() if r.platform == platform and r.user == user]
        return sorted(mine, key=lambda r: (r.due, r.id))

    async def cancel_reminders(
        self, platform: str, user: str, reminder_id: str | None = None
    ) -> int:
        gone = [
            r.id
            for r in await self.list_reminders(platform, user)
            if reminder_id is None or r.id == reminder_id
        ]
        for rid in gone:
            del self._reminders[rid]
        return len(gone)

    async def claim_reminders(
        self, platform: str, now: float, lease: float, limit: int
    ) -> list[Reminder]:
        due = sorted(
            (r for r in self._reminders.values() if r.platform == platform and r.next_at <= now),
            key=lambda r: (r.next_at, r.id),
        )[:limit]
        for r in due:
            self._reminders[r.id] = replace(r, next_at=now + lease)
        return [self._reminders[r.id] for r in due]

    async def complete_reminder(self, reminder_id: str) -> None:
        self._reminders.pop(reminder_id, None)

    # ---------------------------------------------------------------- checklists

    def _user_checklists(self, platform: str, user: str) -> list[Checklist]:
        found = [
            Checklist.from_json(v) for k, v in self._checklists.items() if k[:2] == (platform, user)
        ]
        return sorted(found, key=lambda c: -c.updated_at)

    async def get_checklist(
        self, platform: str, user: str, outcome: str | None = None
    ) -> Checklist | None:
        if outcome is not None:
            raw = self._checklists.get((platform, user, outcome))
            return Checklist.from_json(raw) if raw is not None else None
        found = self._user_checklists(platform, user)
        return found[0] if found else None

    async def save_checklist(self, platform: str, user: str, checklist: Checklist) -> None:
        self._checklists[(platform, user, checklist.outcome)] = checklist.to_json()

    # ---------------------------------------------------------------- counters

    async def bump(self, *names: str) -> None:
        for name in names:
            self._counters[name] += 1

    async def counters(self) -> dict[str, int]:
        return dict(self._counters)

    async def use_vote(self, nonce: str, now: float) -> bool:
        if nonce in self._votes:
            return False
        self._votes[nonce] = now
        return True

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
        old_lists = [
            k for k, v in self._checklists.items() if Checklist.from_json(v).updated_at < before
        ]
        for k in old_lists:
            del self._checklists[k]
        old_reminders = [rid for rid, r in self._reminders.items() if r.due < before]
        for rid in old_reminders:
            del self._reminders[rid]
        old_votes = [n for n, at in self._votes.items() if at < before]
        for n in old_votes:
            del self._votes[n]
        return len(old) + len(old_langs) + len(old_lists) + len(old_reminders) + len(old_votes)

    async def secret(self) -> bytes:
        return self._secret

    async def close(self) -> None:
        return None
