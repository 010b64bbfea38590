"""Hostile raw traffic on Telegram: thousands of randomized, readable raw updates of every shape
Telegram sends (private and group messages, forum topics, channel posts, edits, stickers, odd
entities, forged or stale callbacks, inline queries, odd language codes, huge ids, other bots),
plus a few it cannot read, polled by the real bot from the fake Bot API.

At the end: no unhandled exception, every update consumed, a normal user answered, a bounded log
without user text, and an intact database. Seeded (hostile.SEED): a failure names its seed."""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

import pytest
import tg_updates as tg
from hostile import MARKER, SEED, Deadline, assert_clean_log, assert_intact, hostile_text, sizes
from rel_logging import production_logging, raw_records
from telegram import Update
from telegram.ext import AIORateLimiter
from tg_fake_api import BOT_ID, BOT_USERNAME, FakeBotAPI
from tg_harness import fresh_engine, make_config, running

from bot.adapters.telegram.delivery import reply_chunks
from bot.engine import ConversationKey, Event
from bot.health import Vitals
from bot.render.telegram_html import MAX_MESSAGE_LENGTH, size

COMMANDS = [
    "aps", "faq", "start", "help", "lang", "privacy", "mydata", "forget", "cancel", "back",
    "restart", "remind", "reminders", "checklist", "stats", "reload", "nosuchcommand",
]  # fmt: skip
LANGUAGES = ["en", "fr", "fr-FR", "en-GB", "de", "zh-hans", "pt-br", "ar", "", "xx", "q" * 35, None]
UNREADABLE_EVERY = 1500  # one unreadable update in this many (at least one per run)
SECONDS_PER_UPDATE = 0.05  # the time limit: generous on a loaded machine


class Traffic:
    """Raw updates drawn from one seeded generator."""

    def __init__(self, rng: random.Random, api: FakeBotAPI, count: int) -> None:
        self.rng = rng
        self.every = max(2, min(UNREADABLE_EVERY, count // 2))
        self.api = api
        self.users = [self._user(i) for i in range(300)]
        self.groups = [
            tg.group_chat(-1001000000000 - i, forum=rng.random() < 0.5) for i in range(8)
        ]
        self.bot_messages: list[dict] = []
        self.unreadable = 0

    def _user(self, i: int) -> dict[str, Any]:
        rng = self.rng
        uid = rng.choice([i + 10_000, 2**52 - 1 - i, 7_000_000_000 + i])
        name = rng.choice(["Ana", "محمد", "李", "Zoë 🇫🇷", "\u202eevil", "x" * 64])
        user = tg.user(uid, name, rng.choice(LANGUAGES))
        if rng.random() < 0.3:
            user["username"] = f"user_{i}"
        return user

    def next(self, i: int) -> dict[str, Any]:
        rng = self.rng
        if i % self.every == self.every // 2:
            self.unreadable += 1
            sender = rng.choice(self.users)
            return tg.unreadable_update(tg.private_chat(sender), sender, f"/faq {MARKER}")
        kind = rng.random()
        if kind < 0.30:
            update = self._private_text()
        elif kind < 0.45:
            update = self._command()
        elif kind < 0.60:
            update = self._group()
        elif kind < 0.75:
            update = self._callback()
        elif kind < 0.83:
            update = self._inline()
        elif kind < 0.93:
            update = self._other()
        else:
            update = self._odd_entities()
        Update.de_json({"update_id": 1, **update}, None)  # readable, or the generator is wrong
        return update

    def _sender(self) -> dict[str, Any]:
        return self.rng.choice(self.users)

    def _private_text(self) -> dict[str, Any]:
        sender = self._sender()
        return tg.message_update(tg.private_chat(sender), sender, hostile_text(self.rng))

    def _command(self) -> dict[str, Any]:
        rng = self.rng
        sender = self._sender()
        name = rng.choice(COMMANDS)
        target = rng.choice(["", "", f"@{BOT_USERNAME}", "@other_bot"])
        args = rng.choice(["", hostile_text(rng, max_len=200), "aps", "faq_fee", "fr", "zz"])
        chat = tg.private_chat(sender) if rng.random() < 0.7 else rng.choice(self.groups)
        thread = rng.randint(1, 10**6) if chat.get("is_forum") and rng.random() < 0.5 else None
        text = f"/{name}{target} {args}".strip()
        return tg.message_update(chat, sender, text, thread_id=thread)

    def _group(self) -> dict[str, Any]:
        rng = self.rng
        sender, chat = self._sender(), rng.choice(self.groups)
        text = hostile_text(rng)
        reply_to = None
        shape = rng.random()
        if shape < 0.3:
            text = f"@{BOT_USERNAME} {text}"
        elif shape < 0.5 and self.bot_messages:
            reply_to = rng.choice(self.bot_messages)
        elif shape < 0.6:
            other = self._sender()
            reply_to = tg.message(chat, other, hostile_text(rng, max_len=100))
        thread = rng.randint(1, 10**6) if chat.get("is_forum") and rng.random() < 0.5 else None
        return tg.message_update(chat, sender, text, thread_id=thread, reply_to=reply_to)

    def _callback(self) -> dict[str, Any]:
        rng = self.rng
        sender = self._sender()
        chat_id = sender["id"] if rng.random() < 0.7 else rng.choice(self.groups)["id"]
        message = self.api._message({"chat_id": chat_id, "text": "step"})
        self.bot_messages.append(message)
        data = rng.choice(
            [
                hostile_text(rng, max_len=64).encode()[:64].decode("utf-8", "ignore") or "x",
                f"w.{rng.randint(0, 99)}.{rng.randint(0, 9)}.{MARKER}",
                f"c.{rng.randint(0, 10**9)}",
                "".join(rng.choice("abcdef0123456789.") for _ in range(rng.randint(1, 64))),
            ]
        )
        update = tg.callback_update(sender, message, data)
        query = update["callback_query"]
        if rng.random() < 0.1:  # a button under an inline-mode message: no message
            del query["message"]
            query["inline_message_id"] = str(rng.randint(1, 10**12))
        if rng.random() < 0.05:  # a game button: no data
            del query["data"]
            query["game_short_name"] = "game"
        return update

    def _inline(self) -> dict[str, Any]:
        rng = self.rng
        update = tg.inline_update(self._sender(), hostile_text(rng, max_len=256))
        chat_type = rng.choice(["sender", "private", "group", "supergroup", "channel", None])
        if chat_type is None:
            del update["inline_query"]["chat_type"]
        else:
            update["inline_query"]["chat_type"] = chat_type
        return update

    def _other(self) -> dict[str, Any]:
        rng = self.rng
        sender, group = self._sender(), rng.choice(self.groups)
        chat = tg.private_chat(sender)
        text = hostile_text(rng)
        shapes = [
            {"edited_message": {**tg.message(chat, sender, text), "edit_date": 1}},
            {"channel_post": tg.message({**group, "type": "channel"}, sender, text)},
            {"message": {**tg.message(chat, sender, text), "via_bot": {**tg.user(BOT_ID, "APS bot"), "is_bot": True}}},
            {"message": tg.message(chat, {**sender, "is_bot": True}, f"/aps {MARKER}")},
            {"message": {**tg.message(group, sender, ""), "new_chat_members": [sender]}},
            {"message": {**tg.message(chat, sender, ""), "sticker": {
                "file_id": "CAAC", "file_unique_id": "AgAD", "type": "regular",
                "width": 512, "height": 512, "is_animated": False, "is_video": False}}},
            {"message": {**tg.message(group, sender, ""), "photo": [{
                "file_id": "AgAC", "file_unique_id": "AQAD", "width": 90, "height": 90}],
                "caption": text}},
            {"message": {**tg.message(chat, sender, ""), "dice": {"emoji": "🎲", "value": 4}}},
            {"message": {**tg.message(chat, sender, text), "forward_origin": {
                "type": "hidden_user", "sender_user_name": "someone", "date": 1}}},
            {"message": {**tg.message(group, sender, ""), "poll": tg.poll_message(
                group, bot_api_9_6=True)["poll"]}},
            {"my_chat_member": {
                "chat": group, "from": sender, "date": 1,
                "old_chat_member": {"user": sender, "status": "left"},
                "new_chat_member": {"user": sender, "status": "member"}}},
        ]  # fmt: skip
        shape = rng.choice(shapes)
        for value in shape.values():
            if value.get("text") == "":  # Telegram sends no empty text: a sticker has none
                del value["text"]
        return shape

    def _odd_entities(self) -> dict[str, Any]:
        rng = self.rng
        sender = self._sender()
        chat = tg.private_chat(sender) if rng.random() < 0.5 else rng.choice(self.groups)
        text = hostile_text(rng, max_len=300)
        update = tg.message_update(chat, sender, text)
        length = len(text.encode("utf-16-le")) // 2
        update["message"]["entities"] = [
            {
                "type": rng.choice(
                    ["bot_command", "mention", "text_mention", "bold", "spoiler", "hashtag",
                     "url", "text_link", "custom_emoji", "blockquote", "future_kind"]
                ),
                "offset": rng.randint(0, length + 5),
                "length": rng.randint(0, length + 5),
                **({"user": self._sender()} if rng.random() < 0.3 else {}),
            }
            for _ in range(rng.randint(1, 6))
        ]  # fmt: skip
        return update


def _checked_replies(api: FakeBotAPI, since: int) -> int:
    """What the bot sent is within Telegram's limits; how many messages it sent."""
    sent = 0
    for call in api.calls[since:]:
        if call.method in ("sendMessage", "editMessageText"):
            sent += 1
            assert size(call["text"]) <= MAX_MESSAGE_LENGTH
        markup = call.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []):
            for button in row:
                assert len(button.get("callback_data", "").encode()) <= 64
        if call.method == "answerInlineQuery":
            assert len(call["results"]) <= 50
    return sent


@pytest.mark.parametrize("count", sizes())
async def test_hostile_raw_updates_through_the_real_bot(api: FakeBotAPI, tmp_path, count: int):
    seed = SEED + count
    rng = random.Random(seed)
    database = tmp_path / "hostile.sqlite3"
    config = make_config(api, APS_BOT_DATABASE=str(database))
    engine = fresh_engine(config)
    vitals = Vitals()
    deadline = Deadline(30 + SECONDS_PER_UPDATE * count)
    with production_logging(config) as out, raw_records() as raw:
        # Telegram's own rate (30 messages a second) is the rate limiter's business and would
        # make the run last minutes: off here, as its 429 retries stay on
        limiter = AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=3)
        overrides = {"vitals": vitals, "rate_limiter": limiter}
        async with running(api, engine=engine, overrides=overrides) as bot:
            traffic = Traffic(rng, api, count)
            mark = api.mark()
            pushed = [api.push(traffic.next(i)) for i in range(count)]
            last = pushed[-1]["update_id"]
            while api.offset <= last or vitals.of("telegram").handled < count:
                assert deadline.left > 0.1, (
                    f"seed {seed}: {vitals.of('telegram').handled} of {count} handled in time"
                )
                await asyncio.sleep(0.05)
            await api.settle(mark, quiet=0.3, timeout=deadline.left)
            hostile_seconds = deadline.elapsed
            sent = _checked_replies(api, mark)

            # afterwards, a normal user asks the fee and gets the answer
            alice = tg.user(4_000_001, "Alice", "en")
            key = ConversationKey("telegram", str(alice["id"]), str(alice["id"]))
            expected = reply_chunks(await fresh_engine(make_config(api)).handle(
                Event.text_of(key, "how much does it cost", locale="en", private=True)
            ))  # fmt: skip
            mark = api.mark()
            api.push(tg.message_update(tg.private_chat(alice), alice, "how much does it cost"))
            answer = await api.wait_for(
                "sendMessage", since=mark, count=len(expected), timeout=10,
                where=lambda c: int(c["chat_id"]) == alice["id"],
            )  # fmt: skip
            assert [c["text"] for c in answer] == expected, f"seed {seed}"
            counters = await bot.engine.store.counters()
    assert traffic.unreadable >= 1 and vitals.of("telegram").unreadable == traffic.unreadable
    assert counters["questions.asked"] > 0
    assert_clean_log(out.getvalue(), raw.texts, [r.levelno for r in raw.records], seed)
    assert_intact(database)
    figures = {
        "updates": count,
        "seconds": round(hostile_seconds, 1),
        "per_second": round(count / hostile_seconds),
        "messages_sent": sent,
        "unreadable": traffic.unreadable,
        "log_bytes": len(out.getvalue().encode()),
        "seed": seed,
    }
    print("hostile telegram:", json.dumps(figures))
