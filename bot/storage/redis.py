"""A Store in Redis, for several instances sharing state (webhook behind a load balancer, shards).

Layout (every key under a prefix, ``aps-bot:`` by default):

- ``conv:{platform}:{user}:{scope}``: the conversation state (JSON), with a TTL of the retention
  period, refreshed at each write: expiry is Redis's job, no sweep needed;
- ``scopes:{platform}:{user}``: the set of scopes the user has conversations in (same TTL), so
  /mydata and /forget find every row without scanning the keyspace;
- ``lang:{platform}:{user}``: the chosen language (same TTL);
- ``misses``: a sorted set of normalised unanswered questions and their counts (no user ids);
- ``secret``: the token-signing secret, created once with SET NX.
- ``rem:{id}``: one reminder (JSON), expiring a retention period after it is due;
  ``rems:{platform}:{user}``: the set of the user's reminder ids; ``rems:next:{platform}``: a sorted
  set of the platform's reminder ids by the time each may next be claimed. A claim is one Lua script (read the due
  ids, push each one's score to the end of its lease), so two instances never claim one reminder;
- ``checklists:{platform}:{user}``: a hash of outcome → checklist (JSON), with the retention TTL;
- ``counters``: a hash of aggregate counters (names and numbers, no user ids);
- ``vote:{nonce}``: a used vote button (SET NX, retention TTL).

A transition is one Lua script: it compares the stored step with the expected one and writes the
state and the index together, so two instances cannot both advance one conversation.
"""

from __future__ import annotations

import secrets as _secrets

from bot.storage.records import Checklist, Conversation, ConversationKey, Reminder

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

# KEYS: rems:next:{platform}, rems:{platform}:{user}; ARGV: prefix, kind ('' = every kind),
# index TTL, then (id, json, next_at, expire seconds) per new reminder. Deletes the user's
# reminders of that kind, then adds the new ones; returns how many were deleted.
_REPLACE = """
local n = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  local raw = redis.call('GET', ARGV[1] .. 'rem:' .. id)
  if (not raw) or ARGV[2] == '' or cjson.decode(raw)['kind'] == ARGV[2] then
    if raw then n = n + 1 end
    redis.call('DEL', ARGV[1] .. 'rem:' .. id)
    redis.call('ZREM', KEYS[1], id)
    redis.call('SREM', KEYS[2], id)
  end
end
local i = 4
while i <= #ARGV do
  redis.call('SET', ARGV[1] .. 'rem:' .. ARGV[i], ARGV[i + 1], 'EX', ARGV[i + 3])
  redis.call('ZADD', KEYS[1], ARGV[i + 2], ARGV[i])
  redis.call('SADD', KEYS[2], ARGV[i])
  redis.call('EXPIRE', KEYS[2], ARGV[3])
  i = i + 4
end
return n
"""

# KEYS: rems:next:{platform}; ARGV: prefix, now, next_at after the lease, limit.
# Returns the claimed reminders (JSON). One script: no other client runs between read and lease.
_CLAIM = """
local out = {}
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[4]))
for _, id in ipairs(ids) do
  local raw = redis.call('GET', ARGV[1] .. 'rem:' .. id)
  if raw then
    local r = cjson.decode(raw)
    r['next_at'] = tonumber(ARGV[3])
    local updated = cjson.encode(r)
    redis.call('SET', ARGV[1] .. 'rem:' .. id, updated, 'KEEPTTL')
    redis.call('ZADD', KEYS[1], ARGV[3], id)
    table.insert(out, updated)
  else
    redis.call('ZREM', KEYS[1], id)  -- expired (retention): drop it from the schedule
  end
end
return out
"""

# ARGV: prefix, id. Deletes the reminder and its index entries (keys derived from its record).
_COMPLETE = """
local raw = redis.call('GET', ARGV[1] .. 'rem:' .. ARGV[2])
if not raw then return 0 end
local r = cjson.decode(raw)
redis.call('SREM', ARGV[1] .. 'rems:' .. r['platform'] .. ':' .. r['user'], ARGV[2])
redis.call('ZREM', ARGV[1] .. 'rems:next:' .. r['platform'], ARGV[2])
redis.call('DEL', ARGV[1] .. 'rem:' .. ARGV[2])
return 1
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
        self._replace = self._redis.register_script(_REPLACE)
        self._claim = self._redis.register_script(_CLAIM)
        self._complete = self._redis.register_script(_COMPLETE)
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
        return {
            "language": await self.get_lang(platform, user),
            "conversations": conversations,
            "reminders": await self.list_reminders(platform, user),
            "checklists": await self._checklists(platform, user),
        }

    async def forget(self, platform: str, user: str) -> int:
        n = int(
            await self._forget(
                keys=[self._scopes(platform, user), self._lang(platform, user)],
                args=[f"{self._p}conv:{platform}:{user}:"],
            )
        )
        n += len(await self._redis.hkeys(self._lists(platform, user)))
        await self._redis.delete(self._lists(platform, user))
        return n + await self.cancel_reminders(platform, user)

    # ---------------------------------------------------------------- reminders

    def _rems(self, platform: str, user: str) -> str:
        return f"{self._p}rems:{platform}:{user}"

    def _next(self, platform: str) -> str:
        return f"{self._p}rems:next:{platform}"

    async def replace_reminders(
        self, platform: str, user: str, kind: str, reminders: list[Reminder], now: float
    ) -> None:
        args: list = [self._p, kind, max(self._ttl, 1)]
        for r in reminders:
            # kept until a retention period after it is due, like every other record
            expire = max(1, int(r.due - now) + self._ttl)
            args += [r.id, r.to_json(), r.next_at, expire]
        await self._replace(keys=[self._next(platform), self._rems(platform, user)], args=args)

    async def list_reminders(self, platform: str, user: str) -> list[Reminder]:
        ids = sorted(i.decode() for i in await self._redis.smembers(self._rems(platform, user)))
        if not ids:
            return []
        raws = await self._redis.mget([f"{self._p}rem:{i}" for i in ids])
        found = [Reminder.from_json(raw) for raw in raws if raw is not None]
        return sorted(found, key=lambda r: (r.due, r.id))

    async def cancel_reminders(
        self, platform: str, user: str, reminder_id: str | None = None
    ) -> int:
        if reminder_id is None:
            return int(
                await self._replace(
                    keys=[self._next(platform), self._rems(platform, user)],
                    args=[self._p, "", self._ttl],
                )
            )
        if not await self._redis.sismember(self._rems(platform, user), reminder_id):
            return 0  # not this user's: nothing happens
        await self.complete_reminder(reminder_id)
        return 1

    async def claim_reminders(
        self, platform: str, now: float, lease: float, limit: int
    ) -> list[Reminder]:
        raws = await self._claim(
            keys=[self._next(platform)], args=[self._p, repr(now), repr(now + lease), limit]
        )
        return sorted((Reminder.from_json(raw) for raw in raws), key=lambda r: (r.due, r.id))

    async def complete_reminder(self, reminder_id: str) -> None:
        await self._complete(keys=[], args=[self._p, reminder_id])

    # ---------------------------------------------------------------- checklists

    def _lists(self, platform: str, user: str) -> str:
        return f"{self._p}checklists:{platform}:{user}"

    async def _checklists(self, platform: str, user: str) -> list[Checklist]:
        raws = await self._redis.hvals(self._lists(platform, user))
        return sorted((Checklist.from_json(r) for r in raws), key=lambda c: -c.updated_at)

    async def get_checklist(
        self, platform: str, user: str, outcome: str | None = None
    ) -> Checklist | None:
        if outcome is None:
            found = await self._checklists(platform, user)
            return found[0] if found else None
        raw = await self._redis.hget(self._lists(platform, user), outcome)
        return Checklist.from_json(raw) if raw is not None else None

    async def save_checklist(self, platform: str, user: str, checklist: Checklist) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(self._lists(platform, user), checklist.outcome, checklist.to_json())
            pipe.expire(self._lists(platform, user), self._ttl)
            await pipe.execute()

    # ---------------------------------------------------------------- counters

    async def bump(self, *names: str) -> None:
        async with self._redis.pipeline(transaction=False) as pipe:
            for name in names:
                pipe.hincrby(f"{self._p}counters", name, 1)
            await pipe.execute()

    async def counters(self) -> dict[str, int]:
        raw = await self._redis.hgetall(f"{self._p}counters")
        return {k.decode(): int(v) for k, v in raw.items()}

    async def use_vote(self, nonce: str, now: float) -> bool:
        return bool(await self._redis.set(f"{self._p}vote:{nonce}", 1, nx=True, ex=self._ttl))

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
