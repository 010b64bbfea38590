"""Hostile raw traffic on Discord: thousands of randomized gateway events (every interaction type,
forged or stale custom_ids, unknown component types, missing member or user, autocomplete on
unknown options, modals with missing fields, odd locales), sent by the fake gateway to the real
discord.py client that `run_discord` runs.

At the end: no unhandled exception, every interaction consumed (and every one Discord would show
as failed, answered), a normal user answered, a bounded log without user text, and an intact
database. Seeded (hostile.SEED): a failure names its seed."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
from typing import Any

import pytest
from dc_fake_discord import FakeDiscord
from dc_harness import Sent, interaction_payload, message_payload, next_id, user
from hostile import MARKER, SEED, Deadline, assert_clean_log, assert_intact, hostile_text, sizes
from rel_logging import production_logging, raw_records
from tg_harness import fresh_engine

from bot.adapters.discord import run_discord
from bot.adapters.discord.buttons import ANSWER_MODAL
from bot.config import Config
from bot.engine import ConversationKey, Event
from bot.engine.commands import offered_on
from bot.health import Vitals
from bot.render import discord_md

DISCORD_TOKEN = "discord-fake-token-for-local-tests"
WAVE = 100  # interactions sent before waiting for the client to take them in
SECONDS_PER_EVENT = 0.05
LOCALES = ["en-US", "fr", "en-GB", "de", "zh-CN", "xx", ""]
COMPONENT_TYPES = [2, 2, 2, 3, 5, 6, 7, 8, 99]


class Traffic:
    def __init__(self, rng: random.Random, fake: FakeDiscord, commands: list[str]) -> None:
        self.rng = rng
        self.fake = fake
        self.commands = commands
        self.users = [600_000_000_000_000_100 + i for i in range(200)]
        self.messages: list[Sent] = []

    def next(self) -> dict[str, Any]:
        rng = self.rng
        kind = rng.random()
        if kind < 0.25:
            payload = self._slash()
        elif kind < 0.50:
            payload = self._component()
        elif kind < 0.65:
            payload = self._autocomplete()
        elif kind < 0.80:
            payload = self._modal()
        elif kind < 0.90:
            payload = self._context_menu()
        else:
            payload = self._base(rng.choice([1, 2, 3, 4, 5, 6, 99]), None)
        if rng.random() < 0.05:  # Discord sends one of the two; a forged event sends neither
            payload.pop("member", None)
            payload.pop("user", None)
        locale = rng.choice(LOCALES)
        if locale:
            payload["locale"] = locale
        else:
            del payload["locale"]
        return payload

    def _base(self, itype: int, data: dict[str, Any] | None, **kw: Any) -> dict[str, Any]:
        rng = self.rng
        return interaction_payload(
            itype, data, uid=rng.choice(self.users), guild=rng.random() < 0.7, **kw
        )

    def _options(self) -> list[dict[str, Any]]:
        rng = self.rng
        options = []
        for _ in range(rng.choice([0, 1, 1, 1, 2])):
            name = rng.choice(["question", "language", "text", "topic", MARKER])
            value: Any = hostile_text(rng, max_len=6000 if rng.random() < 0.05 else 200)
            otype = 3
            if rng.random() < 0.1:
                otype, value = rng.choice([(4, rng.randint(-(2**53), 2**53)), (5, True), (10, 1.5)])
            options.append({"name": name, "type": otype, "value": value})
        return options

    def _slash(self) -> dict[str, Any]:
        rng = self.rng
        name = rng.choice([*self.commands, *self.commands, "removedcommand", MARKER.lower()])
        data = {"id": str(next_id()), "name": name, "type": 1, "options": self._options()}
        return self._base(2, data)

    def _message(self) -> Sent:
        """A message of the bot's, as the one a click comes from."""
        sent = Sent(next_id(), content="step", ephemeral=self.rng.random() < 0.5)
        self.messages.append(sent)
        return sent

    def _custom_id(self) -> str:
        rng = self.rng
        shapes = [
            f"c:w.{rng.randint(0, 99)}.{rng.randint(0, 9)}.{MARKER}",
            f"s:{MARKER}.{rng.randint(0, 10**9)}",
            f"p:{rng.choice(['aps', 'faq_fee', 'faq_' + MARKER, 'x'])}",
            "t",
            ANSWER_MODAL,
            "".join(rng.choice("abc:._-0123456789") for _ in range(rng.randint(1, 100))),
            hostile_text(rng, max_len=100),
        ]
        return rng.choice(shapes)[:100]

    def _register(self, payload: dict[str, Any], sent: Sent) -> None:
        self.fake.transcript.clicked[payload["token"]] = sent

    def _component(self) -> dict[str, Any]:
        rng = self.rng
        sent = self._message()
        data: dict[str, Any] = {
            "custom_id": self._custom_id(),
            "component_type": rng.choice(COMPONENT_TYPES),
        }
        if data["component_type"] in (3, 5, 6, 7, 8):
            data["values"] = [hostile_text(rng, max_len=100) for _ in range(rng.randint(0, 3))]
        raw = sent.as_payload()
        raw["components"] = [
            {
                "type": 1,
                "components": [
                    {"type": 2, "style": 2, "label": "?", "custom_id": data["custom_id"]}
                ],
            }
        ]
        payload = self._base(3, data, message=raw)
        if rng.random() < 0.05:
            del payload["message"]
        self._register(payload, sent)
        return payload

    def _autocomplete(self) -> dict[str, Any]:
        rng = self.rng
        options = self._options() or [{"name": "question", "type": 3, "value": ""}]
        if rng.random() < 0.8:
            rng.choice(options)["focused"] = True
        name = rng.choice(["faq", "faq", "lang", *self.commands, "removedcommand"])
        data = {"id": str(next_id()), "name": name, "type": 1, "options": options}
        return self._base(4, data)

    def _modal(self) -> dict[str, Any]:
        rng = self.rng
        sent = self._message()
        field: dict[str, Any] = {"type": 4, "custom_id": rng.choice(["answer", "other", ""])}
        if rng.random() < 0.8:
            field["value"] = rng.choice([hostile_text(rng, max_len=200), "15/03/2027", ""])
        components = rng.choice(
            [
                [{"type": 1, "components": [field]}],
                [{"type": 1, "components": []}],
                [],
                [{"type": 18, "component": field}],  # a label around the field (newer forms)
                [{"type": 1, "components": [field, dict(field)]}],
            ]
        )
        custom_id = rng.choice([ANSWER_MODAL, ANSWER_MODAL, "someone-elses-form", MARKER])
        payload = self._base(5, {"custom_id": custom_id, "components": components})
        if rng.random() < 0.7:
            payload["message"] = sent.as_payload()
        self._register(payload, sent)
        return payload

    def _context_menu(self) -> dict[str, Any]:
        rng = self.rng
        mid = next_id()
        target = message_payload(mid, hostile_text(rng), author=user(rng.choice(self.users)))
        if rng.random() < 0.2:
            target["content"] = ""
        data: dict[str, Any] = {
            "id": str(next_id()),
            "name": "Ask aps-bot",
            "type": 3,
            "target_id": str(mid),
            "resolved": {"messages": {str(mid): target}},
        }
        if rng.random() < 0.1:
            data["resolved"] = {"messages": {}}
        return self._base(2, data)


def taken_in(vitals: Vitals) -> int:
    """Events the client read and handled, or could not read and skipped."""
    discord_vitals = vitals.of("discord")
    return discord_vitals.handled + discord_vitals.unreadable


def expects_answer(payload: dict[str, Any]) -> bool:
    """An interaction Discord shows as failed unless it is answered: a command, a click or a
    form, from someone (an autocomplete unanswered just shows no suggestions)."""
    has_user = "member" in payload or "user" in payload
    return has_user and payload["type"] in (2, 3, 5) and "data" in payload


@pytest.mark.parametrize("count", sizes())
async def test_hostile_gateway_events_through_the_real_client(
    discord_endpoints: None, tmp_path, count: int
) -> None:
    seed = SEED + count
    rng = random.Random(seed)
    database = tmp_path / "hostile.sqlite3"
    fake = await FakeDiscord().start()
    config = Config.from_env(
        {
            "DISCORD_BOT_TOKEN": DISCORD_TOKEN,
            "DISCORD_API_BASE_URL": fake.api_url,
            "DISCORD_GATEWAY_URL": fake.gateway_url,
            "APS_BOT_DATABASE": str(database),
        }
    )
    engine = fresh_engine(config)
    vitals = Vitals()
    deadline = Deadline(30 + SECONDS_PER_EVENT * count)
    with production_logging(config) as out, raw_records() as raw:
        task = asyncio.create_task(run_discord(config, engine, vitals=vitals))
        try:
            await asyncio.wait_for(fake.identified.wait(), 5)
            await asyncio.sleep(0.05)
            commands = [c.name for c in offered_on(engine.commands, "discord")]
            traffic = Traffic(rng, fake, commands)
            expected: set[str] = set()
            sent_payloads: dict[str, dict] = {}
            for start in range(0, count, WAVE):
                for _ in range(min(WAVE, count - start)):
                    payload = traffic.next()
                    if expects_answer(payload):
                        expected.add(payload["id"])
                        sent_payloads[payload["id"]] = payload
                    await fake.send_interaction(payload)
                while taken_in(vitals) < min(start + WAVE, count):
                    assert not task.done(), f"seed {seed}: the client stopped: {task}"
                    assert deadline.left > 0.1, f"seed {seed}: events not taken in in time"
                    await asyncio.sleep(0.01)
            while not expected <= fake.transcript.answered:
                assert not task.done(), f"seed {seed}: the client stopped"
                missing = expected - fake.transcript.answered
                assert deadline.left > 0.1, (
                    f"seed {seed}: {len(missing)} never answered, such as "
                    f"{[sent_payloads[m].get('data') for m in sorted(missing)[:3]]}"
                )
                await asyncio.sleep(0.05)
            await _quiet(fake)
            hostile_seconds = deadline.elapsed
            handled = taken_in(vitals)

            # afterwards, a normal user asks the fee and gets the answer
            key = ConversationKey("discord", "1", "1")
            reference = await fresh_engine(Config.from_env({"APS_BOT_DATABASE": "memory"})).handle(
                Event.text_of(key, "how much does it cost", locale="en-US")
            )
            embed = discord_md.faq_embed(reference.messages[0])
            assert embed is not None
            answer = await fake.slash("faq", {"question": "how much does it cost"})
            assert answer.embeds and answer.embeds[0]["title"] == embed[0].title, f"seed {seed}"
            assert answer.ephemeral
            counters = await engine.store.counters()
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, 10)
            await fake.close()
            await engine.store.close()
    assert handled == count, f"seed {seed}"
    assert counters["questions.asked"] > 0
    for request in fake.transcript.requests:
        body = request.payload or {}
        data = body.get("data") or body
        assert len(data.get("content") or "") <= 2000
        for row in data.get("components") or []:
            for component in row.get("components", []):
                assert len(component.get("custom_id", "")) <= 100
    assert_clean_log(out.getvalue(), raw.texts, [r.levelno for r in raw.records], seed)
    assert_intact(database)
    figures = {
        "events": count,
        "seconds": round(hostile_seconds, 1),
        "per_second": round(count / hostile_seconds),
        "answered": len(fake.transcript.answered),
        "unreadable": vitals.of("discord").unreadable,
        "log_bytes": len(out.getvalue().encode()),
        "seed": seed,
    }
    print("hostile discord:", json.dumps(figures))


async def _quiet(fake: FakeDiscord, quiet: float = 0.3, limit: float = 10.0) -> None:
    """Until no request reaches the fake for `quiet` seconds (follow-ups after the answers)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + limit
    seen = -1
    while loop.time() < end and seen != len(fake.transcript.requests):
        seen = len(fake.transcript.requests)
        await asyncio.sleep(quiet)


# ---------------------------------------------------------------- what the random runs found


@contextlib.asynccontextmanager
async def _running(vitals: Vitals):
    fake = await FakeDiscord().start()
    config = Config.from_env(
        {
            "DISCORD_BOT_TOKEN": DISCORD_TOKEN,
            "DISCORD_API_BASE_URL": fake.api_url,
            "DISCORD_GATEWAY_URL": fake.gateway_url,
            "APS_BOT_DATABASE": "memory",
        }
    )
    engine = fresh_engine(config)
    task = asyncio.create_task(run_discord(config, engine, vitals=vitals))
    try:
        await asyncio.wait_for(fake.identified.wait(), 5)
        await asyncio.sleep(0.05)
        yield fake, engine, task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 10)
        await fake.close()
        await engine.store.close()


async def test_an_event_discord_py_cannot_read_is_skipped_and_the_bot_goes_on(
    discord_endpoints: None, caplog
) -> None:
    """Before, discord.py's KeyError on such an event ended the connection, and the process."""
    vitals = Vitals()
    async with _running(vitals) as (fake, engine, task):
        await fake.send_interaction(interaction_payload(5, None))  # a form without its data
        no_user = interaction_payload(2, {"id": "1", "name": "help", "type": 1})
        del no_user["member"]
        await fake.send_interaction(no_user)  # from nobody
        answer = await fake.slash("faq", {"question": "how much does it cost"})
        assert answer.embeds and not task.done()
        counters = await engine.store.counters()
    assert vitals.of("discord").unreadable == 2
    assert counters["updates.unreadable.discord"] == 2
    assert "INTERACTION_CREATE event could not be read" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= 40]


async def test_forged_shapes_are_answered_without_errors(discord_endpoints: None, caplog) -> None:
    vitals = Vitals()
    async with _running(vitals) as (fake, _, _):
        step = await fake.slash("aps")
        # our custom_id on a select menu: discord.py leaves it alone, so "expired" from us
        select = interaction_payload(
            3, {"custom_id": "p:aps", "component_type": 3, "values": ["x"]},
            message=step.as_payload(),
        )  # fmt: skip
        fake.transcript.clicked[select["token"]] = step
        await fake.dispatch(select)
        assert "expired" in fake.transcript.last.content
        # an option of another type than the command declares
        payload = interaction_payload(
            2, {"id": "1", "name": "faq", "type": 1,
                "options": [{"name": "question", "type": 4, "value": 42}]},
        )  # fmt: skip
        await fake.dispatch(payload)
        assert payload["id"] in fake.transcript.answered
        # suggestions asked for an option that has none: an empty list, no traceback
        focused = [{"name": "x", "type": 3, "value": "", "focused": True}]
        await fake.dispatch(
            interaction_payload(4, {"id": "1", "name": "help", "type": 1, "options": focused})
        )
        assert fake.transcript.callbacks[-1] == {"type": 8, "data": {"choices": []}}
    assert not [r for r in caplog.records if r.levelno >= 40]
