"""The weekly source check sent to Telegram admins, against the fake Bot API.

The sources are served by a local HTTP server (tests/sourcewatch_fakes.py); the job's callback
is run directly (`Job.run`), as the JobQueue would on Monday morning.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sourcewatch_fakes import running_server, weekly_kb
from tg_fake_api import FakeBotAPI
from tg_harness import fresh_engine, make_config

from bot.adapters.telegram.application import build_application
from bot.adapters.telegram.sourcewatch import JOB_NAME
from bot.config import ConfigError
from bot.knowledge import load_knowledge

# Alice: a Telegram admin; Bob: a bare id (any platform), in French; Carol: never wrote to the bot
ALICE, BOB, CAROL = 5150, 777, 1000


async def test_the_weekly_job_messages_each_admin_in_their_language(
    api: FakeBotAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_server() as srv:
        monkeypatch.setenv("APS_BOT_SERVICE_PUBLIC_URL", f"{srv.base}/fiches/{{id}}")
        config = make_config(
            api,
            APS_BOT_SOURCES_WATCH="weekly",
            APS_BOT_ADMINS=f"telegram:{ALICE},{BOB},discord:42,{CAROL}",
        )
        engine = fresh_engine(config)
        engine.reload(load_knowledge(weekly_kb(tmp_path / "kb", srv)))
        await engine.store.set_lang("telegram", str(BOB), "fr", engine.clock())
        application = build_application(config, engine)
        async with application:
            (job,) = application.job_queue.get_jobs_by_name(JOB_NAME)
            trigger = str(job.job.trigger)
            assert "day_of_week='mon'" in trigger and "hour='8'" in trigger, trigger
            assert str(job.job.trigger.timezone) == "UTC"
            api.fail_next(
                "sendMessage",
                403,
                {"ok": False, "error_code": 403, "description": "Forbidden: bot can't initiate"},
            )
            mark = api.mark()
            await job.run(application)
            sent = api.calls_of("sendMessage", since=mark)
        await engine.store.close()
    # in the order of APS_BOT_ADMINS sorted: Carol's chat refused it, the others still got it
    assert [int(c["chat_id"]) for c in sent] == [CAROL, BOB, ALICE]
    by_chat = {int(c["chat_id"]): c["text"] for c in sent}
    english = by_chat[ALICE]
    assert "🔎 Weekly source check: <b>1 source changed</b> since it was last read." in english
    assert (
        '• <a href="https://www.service-public.gouv.fr/particuliers/vosdroits/F39530">'
        "S1 service-public.fr F39530</a>: modified on 1 June 2026 (last read as modified on "
        "30 January 2026)"
    ) in english
    assert "F17319" not in english  # unchanged: not listed
    assert "1 other source could not be checked." in english  # the page that is gone
    french = by_chat[BOB]
    assert "<b>1 source a changé</b> depuis sa dernière lecture" in french
    assert "modifiée le 1er juin 2026 (à la dernière lecture : modifiée le 30 janvier 2026)" in (
        french
    )


async def test_nothing_changed_sends_nothing_and_off_schedules_nothing(
    api: FakeBotAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_server() as srv:
        monkeypatch.setenv("APS_BOT_SERVICE_PUBLIC_URL", f"{srv.base}/fiches/{{id}}")
        kb = weekly_kb(tmp_path / "kb", srv)
        srv.serve("/fiches/F39530", "F17319.xml")  # a wrong fiche: an error, not a change
        config = make_config(api, APS_BOT_SOURCES_WATCH="weekly", APS_BOT_ADMINS=str(ALICE))
        engine = fresh_engine(config)
        engine.reload(load_knowledge(kb))
        application = build_application(config, engine)
        async with application:
            (job,) = application.job_queue.get_jobs_by_name(JOB_NAME)
            mark = api.mark()
            await job.run(application)
            assert api.calls_of("sendMessage", since=mark) == []
        off = build_application(make_config(api, APS_BOT_ADMINS=str(ALICE)), engine)
        assert off.job_queue.get_jobs_by_name(JOB_NAME) == ()
        await engine.store.close()


def test_an_unusable_fiche_url_stops_the_start_in_one_line(
    api: FakeBotAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APS_BOT_SERVICE_PUBLIC_URL", "https://example.org/no-placeholder")
    config = make_config(api, APS_BOT_SOURCES_WATCH="weekly")
    with pytest.raises(ConfigError, match="APS_BOT_SERVICE_PUBLIC_URL must be an http"):
        build_application(config, fresh_engine(config))
