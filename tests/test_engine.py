"""Engine behaviour on a small fixture knowledge base (content-independent)."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from bot.engine import ActionKind, Engine, Event, ReplyKind
from bot.engine.tokens import MAX_TOKEN_BYTES
from bot.i18n import Catalogs
from bot.knowledge import load_knowledge
from bot.storage import MemoryStore
from bot.testing import Client, FakeClock

KB = Path(__file__).parent / "fixtures" / "kb"
TODAY = dt.date(2026, 11, 27)


@pytest.fixture
async def c(clock: FakeClock) -> Client:
    return await Client.create(knowledge_dir=KB, clock=clock, lang="en")


def copied_engine(tmp_path: Path, clock: FakeClock, **kw) -> tuple[Engine, Path]:
    """An engine on a copy of the fixture knowledge, which a test may then edit and reload."""
    kb_dir = tmp_path / "kb"
    shutil.copytree(KB, kb_dir)
    knowledge = load_knowledge(kb_dir, today=dt.date(2026, 11, 27))
    return Engine(knowledge, MemoryStore(), Catalogs(), clock=clock, **kw), kb_dir


async def walk_to_expiry(c: Client, group: str = "Other") -> None:
    await c.send("/aps")
    await c.click(group)
    await c.click("Master")
    assert "When does your titre expire?" in c.text


async def test_walkthrough_to_outcome_with_deadline_and_personalised_checklist(c: Client) -> None:
    await walk_to_expiry(c)
    await c.send("15 March 2027")
    assert c.reply.kind is ReplyKind.WALKTHROUGH
    assert "Card outcome" in c.text
    assert "You get the card for 12 months, it costs €150." in c.text
    assert "Passport" in c.text and "Only for Indians" not in c.text
    assert "108 days left" in c.text
    assert c.reply.actions[0].kind is ActionKind.END


async def test_branch_routes_on_earlier_answer(c: Client) -> None:
    await walk_to_expiry(c, "Indian")
    await c.click("Skip this question")
    assert "India outcome" in c.text and "Only for Indians" in c.text
    assert "days left" not in c.text  # no date given, no computed deadline


async def test_urgent_wording_when_close(c: Client) -> None:
    await walk_to_expiry(c)
    await c.send("2026-12-10")
    assert "Urgent" in c.text and "13 days" in c.text


async def test_past_date_goes_to_the_late_outcome(c: Client) -> None:
    await walk_to_expiry(c)
    await c.send("01/01/2026")
    assert "Too late" in c.text


async def test_bad_date_keeps_the_step_and_explains(c: Client) -> None:
    await walk_to_expiry(c)
    await c.send("next tuesday maybe")
    assert c.reply.kind is ReplyKind.ERROR
    assert "15/03/2027" in c.text and "When does your titre expire?" in c.text
    await c.send("15/03/2027")
    assert "Card outcome" in c.text


async def test_back_restart_cancel(c: Client) -> None:
    await walk_to_expiry(c, "Indian")
    await c.click("« Back")
    assert "Which diploma?" in c.text
    await c.click("« Back")
    assert "Who are you?" in c.text
    await c.click("Other")
    await c.click("Master")
    await c.send("15/03/2027")
    assert "Card outcome" in c.text  # "Indian" was un-answered by going back
    await c.click("Restart")
    assert "Who are you?" in c.text
    await c.click("Cancel")
    assert "cancelled" in c.text
    assert await c.engine.store.load(c.key) is None


async def test_every_step_offers_navigation(c: Client) -> None:
    await c.send("/aps")
    assert "Cancel" in c.labels
    await c.click("Other")
    assert {"« Back", "Restart", "Cancel"} <= set(c.labels)


async def test_stale_token_changes_nothing(c: Client) -> None:
    await c.send("/aps")
    old = c.reply.choices[1].token
    await c.click("Other")
    before = await c.engine.store.load(c.key)
    await c.press(old)  # a button of the previous step, clicked again
    assert c.reply.kind is ReplyKind.EXPIRED and c.reply.alert
    assert await c.engine.store.load(c.key) == before


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # bad MAC
        lambda t: t.replace(".0.", ".1.", 1),  # edited field
        lambda t: "w.x.y",
        lambda t: "",
        lambda t: "💥" * 10,
        lambda t: t * 3,  # too long
    ],
)
async def test_forged_tokens_change_nothing(c: Client, mangle) -> None:
    await c.send("/aps")
    before = await c.engine.store.load(c.key)
    await c.press(mangle(c.reply.choices[0].token))
    assert c.reply.kind is ReplyKind.EXPIRED
    assert await c.engine.store.load(c.key) == before


async def test_tokens_fit_telegram_callback_data(c: Client) -> None:
    await walk_to_expiry(c)
    await c.send("/faq cost")
    for reply in c.history:
        for choice in reply.choices:
            assert len(choice.token.encode()) <= MAX_TOKEN_BYTES


async def test_another_member_cannot_drive_my_buttons(c: Client) -> None:
    group = Client(c.engine, user="alice", scope="group-1", private=False, lang="en")
    await group.send("/faq")
    token = group.reply.choices[0].token
    bob = group.other("bob")
    await bob.press(token)
    assert bob.reply.kind is ReplyKind.NOT_YOURS and "someone else" in bob.reply.alert
    await group.press(token)
    assert group.reply.kind is ReplyKind.FAQ and group.labels


async def test_walkthrough_in_a_group_moves_to_private(c: Client) -> None:
    group = Client(c.engine, user="alice", scope="group-1", private=False, lang="en")
    await group.send("/aps")
    action = group.reply.actions[0]
    assert action.kind is ActionKind.CONTINUE_PRIVATE and action.payload == "aps"
    assert await c.engine.store.load(group.key) is None  # nothing personal asked in the group
    await c.send("/start aps")
    assert "Who are you?" in c.text


async def test_faq_in_a_group_is_short_with_more_in_private(c: Client) -> None:
    group = Client(c.engine, user="alice", scope="group-1", private=False, lang="en")
    await group.send("how much does the card cost")
    assert group.reply.faq_id == "fee"
    assert "Tax" not in group.text  # the detail waits for the private chat
    assert group.reply.actions[0].payload == "faq_fee"
    await c.send("/start faq_fee")
    assert "Tax €100 plus stamp €50." in c.text


async def test_faq_answer_more_and_related(c: Client) -> None:
    await c.send("how much does the card cost?")
    assert c.reply.faq_id == "fee" and "It costs €150." in c.text
    assert "Sources: test source (published 10 January 2026; read on 1 June 2026)" in c.text
    await c.click("Tell me more")
    assert "Tax €100 plus stamp €50." in c.text
    await c.click("Which documents?")
    assert c.reply.faq_id == "documents"


async def test_no_match_lists_topics_and_records_only_normalised_text(c: Client) -> None:
    await c.send("Quelle est la météo à Marseille, Alice ?")
    assert c.reply.faq_id is None
    assert {"Money", "Paperwork"} <= set(c.labels)
    misses = await c.engine.store.misses()
    assert misses == [("meteo marseille alice", 1)]
    await c.click("Paperwork")
    assert set(c.labels) == {"Which documents?", "Can I work?"}


async def test_a_weak_lone_match_is_answered_not_offered_alone(c: Client) -> None:
    await c.send("documents stuff")  # only the documents entry is near: no one-button menu
    assert c.reply.faq_kind == "answer" and c.reply.faq_shown == ("documents",)
    assert "Did you mean" not in c.text


async def test_huge_message_is_answered(c: Client) -> None:
    await c.send("how much does it cost " + "blah " * 1000)
    assert c.reply.kind is ReplyKind.FAQ


async def test_unknown_command(c: Client) -> None:
    await c.send("/frobnicate now")
    assert c.reply.kind is ReplyKind.ERROR and "/frobnicate" in c.text and "/help" in c.text


async def test_language_resolution(clock: FakeClock) -> None:
    c = await Client.create(knowledge_dir=KB, clock=clock, lang="fr-FR")
    await c.send("/help")
    assert "Ce que je sais faire" in c.text
    c.locale = "pt-br"  # no Portuguese catalog: the default
    await c.send("/help")
    assert "What I can do" in c.text
    await c.send("/lang fr")
    assert "français" in c.text
    c.locale = "en-US"  # the explicit choice wins over the platform
    await c.send("/help")
    assert "Ce que je sais faire" in c.text
    assert await c.engine.store.get_lang("test", "alice") == "fr"


async def test_language_menu_and_french_navigation(clock: FakeClock) -> None:
    c = await Client.create(knowledge_dir=KB, clock=clock)
    await c.send("/lang")
    catalogs = c.engine.catalogs  # every catalog's language, named in itself
    assert set(c.labels) == {catalogs.language_name(code) for code in catalogs.languages}
    await c.click("Français")
    await c.send("/aps")
    await c.click("Other")
    assert {"« Retour", "Recommencer", "Annuler"} <= set(c.labels)


async def test_question_language_is_followed_without_explicit_choice(c: Client) -> None:
    await c.send("combien coute la carte")
    assert c.reply.lang == "fr" and "Sources :" in c.text


async def test_inactivity_timeout_from_stored_timestamps(c: Client, clock: FakeClock) -> None:
    await walk_to_expiry(c)
    clock.advance(c.engine.session_timeout + 1)
    await c.send("15/03/2027")  # no walkthrough any more: an FAQ question
    assert "inactive for too long" in c.text
    assert await c.engine.store.load(c.key) is None


async def test_resume_where_left_off(c: Client) -> None:
    await walk_to_expiry(c)
    await c.send("/aps")
    assert "continue where you left off" in c.text and "When does your titre expire?" in c.text


async def test_privacy_mydata_forget(c: Client) -> None:
    await walk_to_expiry(c)
    await c.send("15/03/2027")
    await c.send("/lang en")
    await c.send("/privacy")
    assert "30 days" in c.text
    await c.send("/mydata")
    assert "Your answers: Other; Master; When does your titre expire? 15 March 2027" in c.text
    assert "English" in c.text and "=" not in c.text and "**" not in c.text
    await c.send("/forget")
    assert "deleted 2 records" in c.text
    await c.send("/mydata")
    assert "nothing stored" in c.text


async def test_forget_in_french_uses_plural_forms(clock: FakeClock) -> None:
    c = await Client.create(knowledge_dir=KB, clock=clock, lang="fr")
    await c.send("/lang fr")
    await c.send("/forget")
    assert "j'ai effacé 1 donnée" in c.text


async def test_admin_commands(tmp_path: Path, clock: FakeClock) -> None:
    engine, kb_dir = copied_engine(tmp_path, clock, admins=frozenset({"test:root"}))
    admin = Client(engine, user="root", lang="en")
    user = Client(engine, user="eve", lang="en")
    await user.send("/stats")
    assert user.reply.kind is ReplyKind.ERROR  # not an admin: unknown command
    await user.send("zzz qqq xyzzy")
    await admin.send("/stats")
    assert "Unanswered questions: 1" in admin.text and "zzz qqq xyzzy" in admin.text
    (kb_dir / "faq.yaml").write_text("entries: [", encoding="utf-8")
    await admin.send("/reload")
    assert "kept the current version" in admin.text and re.search(
        r"faq\.yaml:\d+: invalid YAML", admin.text
    )
    await user.send("how much does the card cost")
    assert user.reply.faq_id == "fee"  # the old knowledge still answers
    shutil.copy(KB / "faq.yaml", kb_dir / "faq.yaml")
    await admin.send("/reload")
    assert "Knowledge reloaded" in admin.text


async def test_events_of_one_conversation_never_interleave(clock: FakeClock) -> None:
    class SlowStore(MemoryStore):
        active = 0
        overlap = False

        async def load(self, key):
            SlowStore.active += 1
            SlowStore.overlap |= SlowStore.active > 1
            await asyncio.sleep(0.001)
            try:
                return await super().load(key)
            finally:
                SlowStore.active -= 1

    c = await Client.create(knowledge_dir=KB, clock=clock, store=SlowStore(), lang="en")
    await c.send("/aps")
    token = c.reply.choices[2].token  # "Other"
    replies = await asyncio.gather(
        *(c.engine.handle(Event.choice_of(c.key, token)) for _ in range(5))
    )
    kinds = sorted(r.kind.value for r in replies)
    assert kinds == ["expired"] * 4 + ["walkthrough"]  # one transition, never two
    assert not SlowStore.overlap


async def test_flood_gets_one_notice_then_silence_then_service(c: Client, clock: FakeClock) -> None:
    burst = c.engine.flood.burst
    c.pace = 0.0  # all at once
    kinds, texts = [], []
    for _ in range(burst + 5):
        await c.send("how much does the card cost")
        kinds.append(c.reply.kind)
        texts.append(c.text)
    assert kinds[:burst] == [ReplyKind.FAQ] * burst
    assert kinds[burst] is ReplyKind.THROTTLED and "very quickly" in texts[burst]
    assert all(k is ReplyKind.THROTTLED for k in kinds[burst + 1 :])
    assert not c.reply.messages  # silence after the one notice
    other = c.other("bob", scope="dm-bob")
    await other.send("how much does the card cost")
    assert other.reply.kind is ReplyKind.FAQ  # other users are not affected
    clock.advance(3 / c.engine.flood.rate)
    await c.send("how much does the card cost")
    assert c.reply.kind is ReplyKind.FAQ


async def test_reload_mid_walkthrough_restarts_cleanly(tmp_path: Path, clock: FakeClock) -> None:
    engine, kb_dir = copied_engine(tmp_path, clock, admins=frozenset({"test:root"}))
    c = Client(engine, user="alice", lang="en")
    await walk_to_expiry(c)
    old_menu = c.reply.choices
    text = (kb_dir / "flow.yaml").read_text(encoding="utf-8")
    (kb_dir / "flow.yaml").write_text(
        text.replace("Which diploma?", "Which diploma did you get?"), encoding="utf-8"
    )
    admin = Client(engine, user="root", lang="en")
    await admin.send("/reload")
    assert "Knowledge reloaded" in admin.text
    await c.press(old_menu[0].token)  # "Skip" on the old flow's menu
    assert "updated since you started" in c.text and "Who are you?" in c.text
    await c.click("Other")
    assert "Which diploma did you get?" in c.text


async def test_reload_mid_date_question_restarts_instead_of_guessing(
    tmp_path: Path, clock: FakeClock
) -> None:
    engine, kb_dir = copied_engine(tmp_path, clock)
    c = Client(engine, user="alice", lang="en")
    await walk_to_expiry(c)
    text = (kb_dir / "flow.yaml").read_text(encoding="utf-8")
    (kb_dir / "flow.yaml").write_text(
        text.replace("Who are you?", "Who are you, really?"), encoding="utf-8"
    )
    engine.reload_from_disk()
    await c.send("15/03/2027")
    assert "updated since you started" in c.text and "Who are you, really?" in c.text


async def test_different_users_run_in_parallel(clock: FakeClock) -> None:
    gate = asyncio.Event()

    class StallingStore(MemoryStore):
        async def load(self, key):
            if key.user == "slow":
                await gate.wait()  # stalls until the other user has been served
            return await super().load(key)

    c = await Client.create(knowledge_dir=KB, clock=clock, store=StallingStore(), lang="en")
    slow = asyncio.create_task(
        c.engine.handle(Event.command_of(c.key.__class__("test", "a", "slow"), "help"))
    )
    fast = await asyncio.wait_for(c.engine.handle(Event.command_of(c.key, "help")), timeout=5)
    assert fast.messages and not slow.done()
    gate.set()
    assert (await asyncio.wait_for(slow, timeout=5)).messages


async def test_a_walkthrough_option_outside_the_mac_can_only_pick_a_button_of_that_step(
    c: Client,
) -> None:
    await c.send("/aps")
    token = c.reply.choices[0].token  # "European"
    prefix = token.rsplit(".", 1)[0]
    assert all(ch.token.startswith(prefix + ".") for ch in c.reply.choices)  # one MAC per step
    before = await c.engine.store.load(c.key)
    for forged in (prefix + ".99", prefix + ".x-", prefix + "..", prefix):
        await c.press(forged)
        assert c.reply.kind is ReplyKind.EXPIRED
        assert await c.engine.store.load(c.key) == before
    await c.press(prefix + ".2")  # the third button of that same message: as if clicked
    assert "Which diploma?" in c.text


async def test_answers_use_the_figure_in_force_on_the_clock_date(c: Client, clock) -> None:
    """The fixture's fee doubles in May 2026: a student who paid €75 in April is not told they
    were wrong, and for a year after the change answers say what it was before."""
    clock.now = dt.datetime(2026, 4, 15, 12, tzinfo=dt.UTC).timestamp()
    await c.send("how much does the card cost?")
    assert "It costs €75." in c.text and "Changed recently" not in c.text
    clock.now = dt.datetime(2026, 5, 2, 12, tzinfo=dt.UTC).timestamp()
    await c.send("how much does the card cost?")
    assert "It costs €150." in c.text
    assert "Card fee: €150 since May 2026; €75 before." in c.text
    # the tax and stamp the fee is computed from changed the same day: one note, not three
    assert "Card tax" not in c.text and "Stamp duty:" not in c.text
    await c.click("Tell me more")
    assert "Tax €100 plus stamp €50." in c.text
    clock.now = dt.datetime(2027, 6, 1, 12, tzinfo=dt.UTC).timestamp()
    await c.send("how much does the card cost?")
    assert "It costs €150." in c.text and "Changed recently" not in c.text


async def test_french_notes_and_source_dates(clock) -> None:
    c = await Client.create(clock=clock, lang="fr", knowledge=load_knowledge(KB, today=TODAY))
    clock.now = dt.datetime(2026, 5, 2, 12, tzinfo=dt.UTC).timestamp()
    await c.send("combien coute la carte")
    text = c.text.replace("\xa0", " ").replace("\u202f", " ")
    assert "depuis mai 2026 ; 75 € avant." in text
    assert "(publié : 10 janvier 2026 ; lu le 1er juin 2026)" in text


async def test_a_direct_answer_offers_the_runner_up_first(clock: FakeClock) -> None:
    """When the search answers, the next entries it found lead the related buttons."""
    c = await Client.create(clock=clock, lang="en")  # the real knowledge: two talent-like cards
    question = "what is the salary threshold for the talent salarie qualifie card"
    result = c.engine.knowledge.faq.index.search(question)
    assert result.confident and len(result.matches) >= 2
    await c.send(question)
    assert c.reply.faq_id == result.matches[0].entry_id
    runners = [c.engine.knowledge.faq.by_id[m.entry_id].title for m in result.matches[1:]]
    assert c.labels[1 : 1 + len(runners)] == runners  # right after "Tell me more"
