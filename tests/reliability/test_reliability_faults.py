"""Fault injection: the bot on a fake Bot API that fails 20% of calls (429, 500, timeouts, dropped
connections). Several users do walkthroughs and ask questions at the same time; every reply must
be delivered in the end or its failure logged, and no update may be handled twice."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import tg_updates as tg
from telegram.request import HTTPXRequest
from tg_fake_api import Call, FakeBotAPI, FaultPlan
from tg_harness import buttons, fresh_engine, make_config, running

from bot.adapters.telegram.delivery import reply_chunks
from bot.engine import ConversationKey, Engine, Event, Reply, ReplyKind
from bot.engine.reply import ChoiceKind

READ_TIMEOUT = 0.4  # the bot's HTTP client gives up on a Bot API call after this long
USERS = 8
MAX_STEPS = 4  # walkthrough clicks per user: with /aps and two questions, under the flood burst
ACTION_DEADLINE = 12.0  # seconds for one user action to be answered or reported, at worst
DATE = "15/03/2027"
QUESTIONS = {"en": ("how much does it cost", "/privacy"), "fr": ("combien ça coûte", "/privacy")}
SENDS = ("sendMessage", "editMessageText")


def short_timeouts() -> dict[str, Any]:
    """`run_telegram` overrides: HTTP clients that give up quickly, so timeouts happen fast."""
    return {
        "request": HTTPXRequest(
            connection_pool_size=64,
            read_timeout=READ_TIMEOUT,
            write_timeout=READ_TIMEOUT,
            connect_timeout=READ_TIMEOUT,
            pool_timeout=2.0,
        ),
        "get_updates_request": HTTPXRequest(read_timeout=1.0, connect_timeout=1.0),
    }


class Recorder:
    """Wraps `engine.handle`: every event each user's updates produced, and its reply."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.handled: dict[str, list[tuple[Event, Reply]]] = {}
        original = engine.handle

        async def handle(event: Event) -> Reply:
            reply = await original(event)
            self.handled.setdefault(event.key.user, []).append((event, reply))
            return reply

        engine.handle = handle  # type: ignore[method-assign]


@dataclass
class UserRun:
    uid: int
    lang: str
    actions: list[tuple[str, str]] = field(
        default_factory=list
    )  # ("send", text) | ("click", label)
    delivered: int = 0  # actions whose whole reply reached the chat
    reported: int = 0  # actions whose failure was logged (the user may have been told)


def failure_logged(records: list[logging.LogRecord], update_id: int) -> bool:
    return any(
        r.name == "bot.adapters.telegram.errors" and r.args and r.args[0] == update_id
        for r in records
    )


async def act(
    api: FakeBotAPI, recorder: Recorder, run: UserRun, update: dict, caplog
) -> dict | None:
    """Push one update of `run`'s user and wait until its reply is in the chat or its failure
    logged. Returns the bot's message carrying the reply's buttons (None if it never arrived)."""
    user = str(run.uid)
    before = len(recorder.handled.get(user, []))
    mark = api.mark()
    update_id = api.push(update)["update_id"]
    deadline = time.monotonic() + ACTION_DEADLINE
    while len(recorder.handled.get(user, [])) <= before:
        assert time.monotonic() < deadline, f"update {update_id} of {user} was never handled"
        await asyncio.sleep(0.02)
    _, reply = recorder.handled[user][before]
    expected = reply_chunks(reply) or ([reply.alert] if reply.alert else [])
    while True:
        shown = [
            c
            for c in api.calls[mark:]
            if c.method in SENDS and c.took_effect and int(c["chat_id"]) == run.uid
        ]
        texts = [c["text"] for c in shown]
        if _in_order(expected, texts):
            run.delivered += 1
            last = next(c for c in reversed(shown) if c["text"] == expected[-1])
            return last.result
        if failure_logged(caplog.records, update_id):
            run.reported += 1
            return None
        assert time.monotonic() < deadline, (
            f"update {update_id} of {user}: neither delivered nor reported; "
            f"calls {[(c.method, c.outcome) for c in api.calls[mark:]]}"
        )
        await asyncio.sleep(0.02)


def _in_order(expected: list[str], texts: list[str]) -> bool:
    it = iter(texts)
    return all(any(t == e for t in it) for e in expected)


NOTICES = ("Sorry, something went wrong", "Désolé, un problème est survenu")  # one per failure


def duplicates(calls: list[Call], uid: int) -> int:
    """Messages shown more than once in `uid`'s chat, the error notice aside (each failed update
    gets its own). None is expected: a send that may have arrived (it timed out, or the connection
    dropped) is never repeated."""
    sends = [
        c for c in calls if c.method == "sendMessage" and c.took_effect and int(c["chat_id"]) == uid
    ]
    texts = [c["text"] for c in sends if not c["text"].startswith(NOTICES)]
    return len(texts) - len(set(texts))


async def user_script(
    api: FakeBotAPI, recorder: Recorder, uid: int, lang: str, rng: random.Random, caplog
) -> UserRun:
    """/aps, up to `MAX_STEPS` random options (or a typed date), then two questions."""
    run = UserRun(uid, lang)
    sender = tg.user(uid, f"U{uid}", lang)
    chat = tg.private_chat(sender)

    async def send(text: str) -> dict | None:
        run.actions.append(("send", text))
        return await act(api, recorder, run, tg.message_update(chat, sender, text), caplog)

    step = await send("/aps")
    for _ in range(MAX_STEPS):
        _, reply = recorder.handled[str(uid)][-1]
        if step is None or reply.kind is not ReplyKind.WALKTHROUGH:
            break  # the step never arrived (its failure was logged): nothing to click
        options = [c for c in reply.choices if c.kind is ChoiceKind.OPTION]
        if options:
            choice = rng.choice(options)
            assert choice.token in [b.get("callback_data") for b in buttons_of(step)]
            run.actions.append(("click", choice.label))
            update = tg.callback_update(sender, step, choice.token)
            step = await act(api, recorder, run, update, caplog)
        elif await _awaits_input(recorder.engine, uid):
            step = await send(DATE)
        else:
            break  # an outcome
    for text in QUESTIONS[lang]:
        await send(text)
    return run


def buttons_of(message: dict) -> list[dict]:
    return buttons(Call(0, "sendMessage", message, 0.0, ""))


async def _awaits_input(engine: Engine, uid: int) -> bool:
    """The user's walkthrough waits for a typed answer (a date)."""
    conv = await engine.store.load(ConversationKey("telegram", str(uid), str(uid)))
    node = engine.knowledge.flow.nodes.get(conv.node or "") if conv else None
    return node is not None and node.kind == "input"


async def replay(engine: Engine, run: UserRun) -> None:
    """The same actions on a fault-free engine, straight through the engine."""
    key = ConversationKey("telegram", str(run.uid), str(run.uid))
    reply = Reply()
    for kind, value in run.actions:
        if kind == "click":
            (token,) = [c.token for c in reply.choices if c.label == value]
            event = Event.choice_of(key, token, locale=run.lang, private=True)
        elif value.startswith("/"):
            event = Event.command_of(key, value[1:], "", locale=run.lang, private=True)
        else:
            event = Event.text_of(key, value, locale=run.lang, private=True)
        reply = await engine.handle(event)


async def test_every_reply_is_delivered_or_reported_under_20_percent_faults(
    api: FakeBotAPI, caplog
) -> None:
    caplog.set_level(logging.INFO)
    config = make_config(api)
    engine = fresh_engine(config)
    recorder = Recorder(engine)
    plan = FaultPlan(rate=0.2, seed=6, retry_after=0.2, delay=READ_TIMEOUT + 0.3)
    rng = random.Random(6)
    started = time.monotonic()
    async with running(api, engine=engine, overrides=short_timeouts()):
        first = api.mark()
        api.strict_edits = (
            True  # a retried edit that already took effect is refused, as on Telegram
        )
        api.faults = plan
        runs = await asyncio.gather(
            *(
                user_script(api, recorder, 9100 + i, ("en", "fr")[i % 2], rng, caplog)
                for i in range(USERS)
            )
        )
        api.faults = None
        calls = [c for c in api.calls[first:]]
        final = {
            r.uid: await engine.store.load(ConversationKey("telegram", str(r.uid), str(r.uid)))
            for r in runs
        }
    elapsed = time.monotonic() - started

    # every action was answered in the chat or its failure was logged
    for r in runs:
        assert r.delivered + r.reported == len(r.actions)
    # each update was handled exactly once, even when getUpdates had to be repeated
    for r in runs:
        assert len(recorder.handled[str(r.uid)]) == len(r.actions)
    # no duplicated transition: each conversation ends exactly where a fault-free run ends
    reference = fresh_engine(config)
    for r in runs:
        await replay(reference, r)
        expected = await reference.store.load(ConversationKey("telegram", str(r.uid), str(r.uid)))
        got = final[r.uid]
        assert (got is None) == (expected is None)
        if got is not None and expected is not None:
            assert (got.node, got.history, got.answers, got.step) == (
                expected.node,
                expected.history,
                expected.answers,
                expected.step,
            )
    await reference.store.close()

    faults = Counter(c.outcome for c in calls if c.outcome not in ("ok", "400"))
    figures = {
        "calls": len(calls),
        "faults": dict(faults),
        "fault_share": round(sum(faults.values()) / len(calls), 3),
        "actions": sum(len(r.actions) for r in runs),
        "delivered": sum(r.delivered for r in runs),
        "reported": sum(r.reported for r in runs),
        "duplicate_messages": sum(duplicates(calls, r.uid) for r in runs),
        "refused_repeat_edits": sum(1 for c in calls if c.outcome == "400"),
        "seconds": round(elapsed, 1),
    }
    print("fault injection:", figures)
    assert sum(faults.values()) >= 8 and set(faults) == {"429", "500", "timeout", "drop"}
    assert figures["delivered"] >= figures["actions"] * 0.8
    assert figures["duplicate_messages"] == 0


SERVER_ERROR = {"ok": False, "error_code": 500, "description": "Internal Server Error"}


async def test_a_step_that_cannot_be_delivered_is_reported_and_kept_for_the_next_aps(
    api: FakeBotAPI, caplog
) -> None:
    """Every attempt to show a step fails: the failure is logged (with the update, not the text),
    the user is told, and /aps shows the step the click led to, the transition made once."""
    caplog.set_level(logging.INFO)
    async with running(api) as bot:
        alice = tg.user(9201, "Alice", "en")
        chat = tg.private_chat(alice)
        mark = api.mark()
        api.push(tg.message_update(chat, alice, "/aps"))
        (step,) = await api.wait_for(
            "sendMessage", since=mark, where=lambda c: c.get("reply_markup")
        )
        key = ConversationKey("telegram", str(alice["id"]), str(alice["id"]))
        before = await bot.engine.store.load(key)
        assert before is not None
        for _ in range(3):  # the first try and both retries
            api.fail_next("editMessageText", 500, SERVER_ERROR)
        mark = api.mark()
        click = api.push(tg.callback_update(alice, step.result, buttons(step)[-2]["callback_data"]))
        (alert,) = await api.wait_for(
            "answerCallbackQuery", since=mark, where=lambda c: c.get("show_alert"), timeout=8
        )
        assert alert["text"].startswith("Sorry, something went wrong")
        edits = api.calls_of("editMessageText", since=mark)
        assert [c.outcome for c in edits] == ["500", "500", "500"]
        assert failure_logged(caplog.records, click["update_id"])
        after = await bot.engine.store.load(key)
        assert after is not None and after.step == before.step + 1  # one transition, kept

        mark = api.mark()
        api.push(tg.message_update(chat, alice, "/aps"))
        (resumed,) = await api.wait_for(
            "sendMessage", since=mark, where=lambda c: c.get("reply_markup")
        )
        assert resumed["text"].endswith(edits[0]["text"])  # the step the click led to
        again = await bot.engine.store.load(key)
        assert again is not None and (again.node, again.step) == (after.node, after.step)


async def test_a_send_that_timed_out_is_not_repeated_an_edit_is_and_each_is_one_line(
    api: FakeBotAPI,
) -> None:
    """sendMessage is not idempotent: after a read timeout the message may be in the chat (here
    it is), so it is not sent again; the failure is one log line, not a traceback. An edit is
    idempotent: after a timeout it is simply repeated."""
    from rel_logging import production_logging

    config = make_config(api)
    with production_logging(config) as out:
        async with running(api, overrides=short_timeouts()):
            alice = tg.user(9211, "Alice", "en")
            chat = tg.private_chat(alice)
            mark = api.mark()
            api.push(tg.message_update(chat, alice, "/aps"))
            (step,) = await api.wait_for(
                "sendMessage", since=mark, where=lambda c: c.get("reply_markup")
            )
            api.faults = FaultPlan(
                rate=1.0, kinds=("timeout",), methods=frozenset({"sendmessage"}),
                delay=READ_TIMEOUT + 0.3, max_faults=1,
            )  # fmt: skip
            mark = api.mark()
            api.push(tg.message_update(chat, alice, "/privacy"))
            sent = await api.wait_for("sendMessage", since=mark, count=2, timeout=8)
            await api.settle(mark, quiet=0.3)
            assert [c.outcome for c in sent] == ["timeout", "ok"]
            assert sent[1]["text"].startswith("Sorry, something went wrong")  # not a repeat
            assert len(api.calls_of("sendMessage", since=mark)) == 2

            api.faults = FaultPlan(
                rate=1.0, kinds=("timeout",), methods=frozenset({"editmessagetext"}),
                delay=READ_TIMEOUT + 0.3, max_faults=1,
            )  # fmt: skip
            mark = api.mark()
            api.push(tg.callback_update(alice, step.result, buttons(step)[0]["callback_data"]))
            edits = await api.wait_for("editMessageText", since=mark, count=2, timeout=8)
            assert [c.outcome for c in edits] == ["timeout", "ok"]
            assert edits[0]["text"] == edits[1]["text"]
            api.faults = None
    logged = out.getvalue()
    assert "reply not delivered: TimedOut (ReadTimeout)" in logged
    assert "editMessageText failed (TimedOut); retrying" in logged
    assert "Traceback" not in logged
