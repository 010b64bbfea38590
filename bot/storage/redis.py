"""A Store in Redis, for several instances sharing state (webhook behind a load balancer, shards).

Layout (every key under a prefix, ``aps-bot:`` by default):

- ``conv:{platform}:{user}:{scope}``: the conversation state (JSON), with a TTL of the retention
  period, refreshed at each write: expiry is Redis's job, no sweep needed;
- ``scopes:{platform}:{user}``: the set of scopes the user has conversations in (same TTL), so
  /mydata and /forget find every row without scanning the keyspace;
- ``lang:{platform}:{user}``: the chosen language (same TTL);
- ``misses``: a sorted set of normalised unanswered questions and their counts (no user ids);
- ``secret``: the token-signing secret, created once with SET NX.

A transition is one Lua script: it compares the stored step with the expected one and writes the
state and the index together, so two instances cannot both advance one conversation.
"""

from __future__ import annotations

import secrets as _secrets

from bot.engine.events import ConversationKey
from bot.engine.state import Conversation

_SAVE = """
local cur = redis.call('GET', KEYS[1])
if ARGV[2] ~= '' then
  if not cur then return 0 end
  if tostring(cjson.decode(cur)['step']) ~= ARGV[2] then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
redis.call('SADD', KEYS[2], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[3])
return 1
"""

_FORGET = """
local n = 0
for _, scope in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  n = n + redis.call('DEL', ARGV[1] .. scope)
end
redis.call('DEL', KEYS[1])
return n + redis.call('DEL', KEYS[2])
"""


class RedisStore:
    """A Store on a Redis server.

    Args:
        url: ``redis://host:port/db`` (``rediss://`` for TLS).
        ttl_seconds: how long untouched data lives (the retention period).
        prefix: namespace for every key.
    """

    def __init__(
        self, url: str, *, ttl_seconds: int = 30 * 86400, prefix: str = "aps-bot:"
    ) -> None:
        import redis.asyncio as aioredis

        self._redis = aioredis.from_url(url, decode_responses=False)
        self._ttl = int(ttl_seconds)
        self._p = prefix
        self._save = self._redis.register_script(_SAVE)
        self._forget = self._redis.register_script(_FORGET)
        self._secret: bytes | None = None

    def _conv(self, key: ConversationKey) -> str:
        return f"{self._p}conv:{key.platform}:{key.user}:{key.scope}"

    def _scopes(self, platform: str, user: str) -> str:
        return f"{self._p}scopes:{platform}:{user}"

    def _lang(self, platform: str, user: str) -> str:
        return f"{self._p}lang:{platform}:{user}"

    async def load(self, key: ConversationKey) -> Conversation | None:
        raw = await self._redis.get(self._conv(key))
        return Conversation.from_json(raw) if raw is not None else None

    async def save(
        self, key: ConversationKey, conversation: Conversation, expected_step: int | None = None
    ) -> bool:
        written = await self._save(
            keys=[self._conv(key), self._scopes(key.platform, key.user)],
            args=[
                conversation.to_json(),
                "" if expected_step is None else str(expected_step),
                self._ttl,
                key.scope,
            ],
        )
        return bool(written)

    async def delete(self, key: ConversationKey) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(self._conv(key))
            pipe.srem(self._scopes(key.platform, key.user), key.scope)
            await pipe.execute()

    async def get_lang(self, platform: str, user: str) -> str | None:
        raw = await self._redis.get(self._lang(platform, user))
        return raw.decode() if raw is not None else None

    async def set_lang(self, platform: str, user: str, lang: str | None, now: float) -> None:
        if lang is None:
            await self._redis.delete(self._lang(platform, user))
        else:
            await self._redis.set(self._lang(platform, user), lang, ex=self._ttl)

    async def user_data(self, platform: str, user: str) -> dict:
        scopes = sorted(
            s.decode() for s in await self._redis.smembers(self._scopes(platform, user))
        )
        conversations = []
        for scope in scopes:
            conv = await self.load(ConversationKey(platform, scope, user))
            if conv is not None:  # its TTL may have run out before the index's
                conversations.append({"scope": scope, "state": conv})
        return {"language": await self.get_lang(platform, user), "conversations": conversations}

    async def forget(self, platform: str, user: str) -> int:
        return int(
            await self._forget(
                keys=[self._scopes(platform, user), self._lang(platform, user)],
                args=[f"{self._p}conv:{platform}:{user}:"],
            )
        )

    async def record_miss(self, normalised: str, now: float) -> None:
        await self._redis.zincrby(f"{self._p}misses", 1, normalised)

    async def misses(self, limit: int = 10) -> list[tuple[str, int]]:
        rows = await self._redis.zrange(f"{self._p}misses", 0, -1, desc=True, withscores=True)
        ranked = sorted(((t.decode(), int(c)) for t, c in rows), key=lambda r: (-r[1], r[0]))
        return ranked[:limit]

    async def counts(self) -> dict[str, int]:
        conversations = users = 0
        async for _ in self._redis.scan_iter(match=f"{self._p}conv:*", count=1000):
            conversations += 1
        async for _ in self._redis.scan_iter(match=f"{self._p}lang:*", count=1000):
            users += 1
        rows = await self._redis.zrange(f"{self._p}misses", 0, -1, withscores=True)
        return {
            "conversations": conversations,
            "users": users,
            "misses_total": int(sum(c for _, c in rows)),
            "misses_distinct": len(rows),
        }

    async def purge(self, before: float) -> int:
        # Redis expires idle keys itself (TTL = retention period); nothing to sweep.
        return 0

    async def secret(self) -> bytes:
        if self._secret is None:
            key = f"{self._p}secret"
            await self._redis.set(key, _secrets.token_bytes(32), nx=True)
            self._secret = await self._redis.get(key)
        return self._secret

    async def close(self) -> None:
        await self._redis.aclose()
