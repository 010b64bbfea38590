"""A due reminder sent through the JobQueue job, against the fake Bot API (issue 8).

The job's callback is run directly (`Job.run`), as the JobQueue would every minute: no waiting.
"""

from __future__ import annotations

import datetime as dt

from tg_fake_api import FakeBotAPI
from tg_harness import buttons, fresh_engine, make_config

from bot.adapters.telegram.application import build_application
from bot.adapters.telegram.reminders import JOB_NAME
from bot.engine import ConversationKey
from bot.engine.reminders import plan
from bot.testing import FakeClock

ALICE = 5150


async def test_the_job_sends_due_reminders_once_in_the_users_chat(api: FakeBotAPI) -> None:
    config = make_config(api)
    engine = fresh_engine(config)
    clock = FakeClock(dt.datetime(2027, 1, 14, 8, 30, tzinfo=dt.UTC).timestamp())
    engine.clock = clock
    key = ConversationKey("telegram", str(ALICE), str(ALICE))
    deadline = dt.date(2027, 3, 15)
    created = dt.datetime(2026, 11, 27, tzinfo=dt.UTC).timestamp()
    reminders = plan(key, "titre", deadline, "fr", created)
    await engine.store.replace_reminders("telegram", str(ALICE), "titre", reminders, created)
    application = build_application(config, engine)
    async with application:
        (job,) = application.job_queue.get_jobs_by_name(JOB_NAME)
        mark = api.mark()
        await job.run(application)
        (sent,) = api.calls_of("sendMessage", since=mark)
        assert int(sent["chat_id"]) == ALICE
        assert "votre titre expire le 15 mars 2027, dans 60 jours" in sent["text"]
        assert [b["text"] for b in buttons(sent)] == ["Mes rappels", "Arrêter tous les rappels"]
        assert all(b["callback_data"].startswith("r.") for b in buttons(sent))

        mark = api.mark()
        await job.run(application)  # the next tick: it was marked sent
        clock.advance(3600)
        await job.run(application)
        assert api.calls_of("sendMessage", since=mark) == []
        assert len(await engine.store.list_reminders("telegram", str(ALICE))) == 3

        # a user who blocked the bot: dropped, not retried forever
        clock.now = dt.datetime(2027, 2, 13, 8, 30, tzinfo=dt.UTC).timestamp()
        api.fail_next(
            "sendMessage",
            403,
            {
                "ok": False,
                "error_code": 403,
                "description": "Forbidden: bot was blocked by the user",
            },
        )
        await job.run(application)
        assert len(await engine.store.list_reminders("telegram", str(ALICE))) == 2
    await engine.store.close()
