"""Flood control through Telegram: answers, then exactly one polite notice, then silence."""

from __future__ import annotations

import asyncio

import tg_updates as tg
from tg_fake_api import FakeBotAPI
from tg_harness import fresh_engine, make_config, running

from bot.adapters.telegram.delivery import reply_chunks
from bot.engine import ConversationKey, Event
from bot.testing import FakeClock

NOTICE = "You are sending messages very quickly. I will answer again in a few seconds."
QUESTION = "how much does it cost"


async def test_twenty_quick_messages_get_answers_one_notice_then_nothing(api: FakeBotAPI):
    clock = FakeClock()  # time stands still: no token comes back during the burst
    engine = fresh_engine(make_config(api), clock=clock)
    burst = engine.flood.burst if engine.flood else 0
    assert 0 < burst < 20
    answer = reply_chunks(
        await fresh_engine(make_config(api)).handle(
            Event.text_of(ConversationKey("telegram", "1", "1"), QUESTION, locale="en")
        )
    )
    assert engine.flood is not None
    decisions: list[str] = []  # the flood gate's verdicts on the flooder's updates, in order
    check = engine.flood.check

    def recording_check(platform: str, user: str) -> str:
        verdict = check(platform, user)
        if user == str(flooder["id"]):
            decisions.append(verdict)
        return verdict

    engine.flood.check = recording_check  # type: ignore[method-assign]
    flooder, calm = tg.user(9301, "Flo", "en"), tg.user(9302, "Cal", "en")
    async with running(api, engine=engine):
        mark = api.mark()
        for _ in range(20):
            api.push(tg.message_update(tg.private_chat(flooder), flooder, QUESTION))
        await api.wait_for(
            "sendMessage",
            since=mark,
            count=burst * len(answer) + 1,
            where=lambda c: int(c["chat_id"]) == flooder["id"],
            timeout=10,
        )
        api.push(tg.message_update(tg.private_chat(calm), calm, QUESTION))  # someone else
        await api.wait_for(
            "sendMessage", since=mark, where=lambda c: int(c["chat_id"]) == calm["id"]
        )
        calls = await api.settle(mark, quiet=0.3)
        to_flooder = [c["text"] for c in calls if int(c["chat_id"]) == flooder["id"]]
        to_calm = [c["text"] for c in calls if int(c["chat_id"]) == calm["id"]]
        assert to_flooder.count(NOTICE) == 1
        assert sorted(t for t in to_flooder if t != NOTICE) == sorted(answer * burst)
        assert to_calm == answer  # the other user is served as usual
        assert {c.method for c in calls} == {"sendMessage"}
        assert decisions == ["allow"] * burst + ["notice"] + ["drop"] * (19 - burst)

        # still flooding: not even a second notice
        mark = api.mark()
        api.push(tg.message_update(tg.private_chat(flooder), flooder, QUESTION))
        await asyncio.sleep(0.3)
        assert await api.settle(mark, quiet=0.2) == []
        # after a pause, the user is answered again
        clock.advance(30)
        api.push(tg.message_update(tg.private_chat(flooder), flooder, QUESTION))
        (back,) = await api.wait_for("sendMessage", since=mark)
        assert back["text"] == answer[0]
