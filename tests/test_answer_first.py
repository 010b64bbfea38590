"""The first reply to a question (issue 19): an answer, a composed reply, "did you mean" or "I
don't know", one decision for every front end; the asker's situation; short answers.

The front ends' own tests (Telegram, Discord, web, console) check that each kind is rendered
natively; here the engine's replies are checked on the real knowledge base.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bench.faq_eval import load
from bot.engine import Engine, ReplyKind
from bot.engine.features.faq import one_tap
from bot.engine.shorts import short_answer
from bot.i18n import Catalogs
from bot.knowledge import DEFAULT_KNOWLEDGE_DIR, load_knowledge
from bot.markup import WARNING_SIGN, lead, parse, plain_text, preview
from bot.search.decide import ANSWER, COMPOSED, SUGGEST, UNKNOWN, decide, decide_result
from bot.search.result import Match, SearchResult
from bot.storage import MemoryStore
from bot.testing import SKIP, Client, FakeClock


@pytest.fixture(scope="module")
def knowledge():
    clock = FakeClock()
    today = dt.datetime.fromtimestamp(clock(), dt.UTC).date()
    return load_knowledge(DEFAULT_KNOWLEDGE_DIR, today=today, catalogs=Catalogs())


@pytest.fixture
def engine(knowledge) -> Engine:
    return Engine(knowledge, MemoryStore(), Catalogs(), clock=FakeClock(), flood_control=False)


def title_of(knowledge, entry_id: str) -> str:
    return knowledge.faq.by_id[entry_id].title


# ------------------------------------------------------------------ the four kinds


async def test_a_clear_question_gets_the_answer_under_its_question(engine, knowledge) -> None:
    c = Client(engine, lang="en")
    await c.send("how much does the rece card cost")
    reply = c.reply
    assert reply.faq_kind == ANSWER and reply.faq_shown == ("fee",) and reply.faq_id == "fee"
    assert c.text.startswith(title_of(knowledge, "fee"))  # the headline is the entry's question
    related = [knowledge.faq.by_id[r].title for r in knowledge.faq.by_id["fee"].related]
    assert set(related) <= set(c.labels)  # "Related" buttons
    assert c.labels[-1] == "❓ Not what I asked"


async def test_not_what_i_asked_is_counted_per_entry_once_without_who(engine) -> None:
    c = Client(engine, lang="en")
    await c.send("how much does the rece card cost")
    answer = c.reply
    await c.click("Not what I asked")
    assert c.reply.kind is ReplyKind.ACK and "Try other words" in c.reply.alert
    c.reply = answer
    await c.click("Not what I asked")  # the same answer shown once: counted once
    counters = await engine.store.counters()
    assert counters["vote.missed.fee"] == 1
    assert not any(c.key.user in name for name in counters)


async def test_close_entries_are_composed_with_their_short_answers(engine, knowledge) -> None:
    c = Client(engine, lang="en")
    await c.send("rece prix")  # the fee, the fee's history and the change of status's fee
    reply = c.reply
    assert reply.faq_kind == COMPOSED and reply.lang == "fr"  # "prix" is French
    assert reply.faq_shown[0] == "fee" and 2 <= len(reply.faq_shown) <= 3
    c = Client(engine, lang="en")
    await c.send("documents and cost")
    reply = c.reply
    assert reply.faq_kind == COMPOSED and {"documents", "fee"} <= set(reply.faq_shown)
    intro = {2: "Two answers may fit:", 3: "Three answers may fit:"}[len(reply.faq_shown)]
    assert c.text.startswith(intro)
    for entry_id in reply.faq_shown:
        entry = knowledge.faq.by_id[entry_id]
        assert f"\n\n{entry.title}\n\n" in c.text  # each question, in bold in the markup
        assert f"More: {entry.title}" in c.labels  # and its own "More" button
    assert "Sources:" in c.text
    await c.click(f"More: {title_of(knowledge, 'documents')}")
    assert c.reply.faq_kind == ANSWER and c.reply.faq_id == "documents"


async def test_a_question_asking_two_things_gets_both_answers(engine) -> None:
    c = Client(engine, lang="en")
    await c.send("how much does it cost? and where do I apply?")
    assert c.reply.faq_kind == COMPOSED and c.reply.faq_shown == ("fee", "where_apply")
    assert c.text.startswith("Your question has several parts:")
    c = Client(engine, lang="fr")
    await c.send("combien coute la carte ? et ou deposer le dossier ?")
    assert c.reply.faq_shown == ("fee", "where_apply")
    assert c.text.startswith("Votre question a plusieurs parties :")


async def test_did_you_mean_only_bare_titles_and_never_one(engine, knowledge) -> None:
    c = Client(engine, lang="en")
    await c.send("card papers")  # weak matches only: nothing to compose
    assert c.reply.faq_kind == SUGGEST and "Did you mean" in c.text
    assert len(c.labels) >= 2
    assert c.labels == [knowledge.faq.by_id[i].title for i in decide_ids(knowledge, "card papers")]
    await c.send("what does rece even stand for")  # one weak match: answered, not a menu
    assert c.reply.faq_kind == ANSWER and c.reply.faq_shown == ("aps_vs_rece",)


def decide_ids(knowledge, text: str) -> tuple[str, ...]:
    return decide(knowledge.faq.index, text).offered[:3]


async def test_out_of_scope_and_nonsense_get_i_dont_know(engine) -> None:
    for text in ("how do I open a bank account?", "quelle est la météo à Marseille ?"):
        c = Client(engine, lang="en")
        await c.send(text)
        assert c.reply.faq_kind == UNKNOWN and not c.reply.faq_shown
        topics = set(
            engine.catalogs.get(c.reply.lang).pgettext("faq:topics", t)
            for t in engine.knowledge.faq.topics.values()
        )
        assert set(c.labels) == topics


async def test_i_dont_know_offers_the_nearest_entries_then_the_topics(engine, knowledge) -> None:
    """An "I don't know" to a question the search had words for says so, and puts its nearest
    entries one tap away (titles, never an answer), then "Browse the topics"."""
    text = "can my wife work in France while I hold the rece?"
    decision = decide(knowledge.faq.index, text)
    assert decision.kind == UNKNOWN and "family" in decision.offered  # the nearest, not the answer
    c = Client(engine, lang="en")
    await c.send(text)
    assert c.reply.faq_kind == UNKNOWN and not c.reply.faq_shown
    assert c.text.startswith("Sorry, I don't have an answer to that yet.")
    nearest = [title_of(knowledge, i) for i in decision.offered[:3]]
    assert c.labels == [*nearest, "Browse the topics"]
    assert one_tap(knowledge, decision) == decision.offered[:3]  # what make eval counts
    await c.click(title_of(knowledge, "family"))
    assert c.reply.faq_id == "family"
    await c.send(text)
    await c.click("Browse the topics")
    topics = [
        engine.catalogs.get("en").pgettext("faq:topics", t) for t in knowledge.faq.topics.values()
    ]
    assert c.labels == topics


@pytest.mark.parametrize("terms", [1, 2, 3])
def test_a_vague_question_s_did_you_mean_always_has_its_titles(terms: int) -> None:
    """A short question with weak matches gets "did you mean" and its titles, however few of its
    terms the search knew (the nearest entries of an "I don't know" need two: not these)."""
    matches = (Match("fee", 0.12), Match("timbre", 0.11))
    decision = decide_result(SearchResult("x", matches, 0.11, terms))
    assert decision.kind == SUGGEST and decision.offered == ("fee", "timbre")


def test_an_entrys_own_example_is_answered_however_common_its_words(knowledge) -> None:
    """ "what is the rece card" is one of aps_vs_rece's examples: its words are in nearly every
    entry, so it scores low, but the knowledge says which entry answers it."""
    decision = decide(knowledge.faq.index, "What is the RECE card?")
    assert decision.result.exact and decision.result.best.score < 0.15  # under unknown_floor
    assert decision.kind == ANSWER and decision.shown == ("aps_vs_rece",)


def test_no_reply_is_ever_a_one_option_menu(knowledge) -> None:
    """Every evaluation question and every example question: "did you mean" offers two titles
    or more, a composed reply two or three entries, an answer one, "I don't know" none (labels
    are not read)."""
    texts = [q.text for q in load()]
    texts += [q for e in knowledge.faq.entries for qs in e.examples.values() for q in qs[:3]]
    texts.append("card papers")  # weak matches only (see above): a "did you mean" for sure
    seen = set()
    for text in texts:
        d = decide(knowledge.faq.index, text)
        seen.add(d.kind)
        shown, tap = len(d.shown), one_tap(knowledge, d)
        assert d.kind != SUGGEST or (len(d.offered) >= 2 and shown == 0), text
        assert d.kind != COMPOSED or 2 <= shown <= 3, text
        assert d.kind != ANSWER or (shown == 1 and d.shown[0] not in tap), text
        # "I don't know" shows no entry; its nearest ones (three at most) are buttons
        assert d.kind != UNKNOWN or (not shown and tap == d.offered[:3]), text
    assert seen == {ANSWER, COMPOSED, SUGGEST, UNKNOWN}


# ------------------------------------------------------------------ the asker's situation


async def test_a_second_rece_is_not_answered_yes(engine) -> None:
    """Harmful before issue 19: someone who already had the card was told they could get one."""
    for text, lang in (
        ("can I get a second RECE?", "en"),
        ("my RECE ended, can I apply again?", "en"),
        ("est-ce que je peux avoir une deuxieme RECE ?", "fr"),
    ):
        c = Client(engine, lang=lang)
        await c.send(text)
        shown = c.reply.faq_shown
        assert "duration" in shown, (text, shown)  # "12 months, not renewable"
        assert not {"eligible", "when_apply", "from_abroad"} & set(shown), (text, shown)
        assert c.reply.faq_kind != ANSWER or shown == ("duration",)


async def test_an_indian_already_on_the_rece_is_not_told_12_plus_12(engine) -> None:
    for text, lang in (
        ("I'm Indian and already on RECE, can I extend it?", "en"),
        ("je suis indien et j'ai deja la carte RECE, je peux la prolonger ?", "fr"),
    ):
        c = Client(engine, lang=lang)
        await c.send(text)
        assert c.reply.faq_shown[0] == "duration", (text, c.reply.faq_shown)
        assert "india" not in c.reply.faq_shown  # "12 + 12 months" is the Indian APS's


async def test_a_recepisse_holder_is_not_only_told_the_student_cap(engine, knowledge) -> None:
    """Before issue 19 the answer was "capped at 964 hours", written for the student titre."""
    for text, lang in (
        ("I have a récépissé, can I work full time?", "en"),
        ("j'ai un récépissé, je peux travailler à temps plein ?", "fr"),
    ):
        c = Client(engine, lang=lang)
        await c.send(text)
        shown = c.reply.faq_shown
        assert "work_pending_change" in shown, (text, shown)  # full time while it is decided
        assert c.reply.faq_kind == COMPOSED or shown == ("work_pending_change",)
        assert "bilateral_work" not in shown


async def test_walkthrough_answers_tell_the_situation_and_nothing_new_is_stored(engine) -> None:
    """Someone who said in /aps that they already hold the card asks "can I renew it?": the
    holder's answer, from what the walkthrough keeps; the conversation stores nothing more."""
    c = Client(engine, lang="en")
    # by node and option id; the card's end date skipped: an outcome for holders
    await c.walk({"nationality": "other", "finished": "holder", "card_end": SKIP})
    before = await engine.store.load(c.key)
    await c.send("can I renew it?")
    assert c.reply.faq_kind == ANSWER and c.reply.faq_shown == ("duration",)
    assert await engine.store.load(c.key) == before
    stranger = Client(engine, user="bob", lang="en")
    await stranger.send("can I renew it?")
    assert stranger.reply.faq_shown != ("duration",)  # the same words, without the walkthrough


async def test_a_nationality_from_the_walkthrough_prefers_that_countrys_entry(engine) -> None:
    c = Client(engine, lang="en")
    await c.walk({"nationality": "tunisia"}, until="finished")  # by node and option id
    await c.send("what applies to me after my master?")
    assert c.reply.faq_shown == ("tunisia",)
    await c.send("combien de temps dure l'aps ?")
    assert "india" not in c.reply.faq_shown  # another country's entry is left out
    stranger = Client(engine, user="bob", lang="en")
    await stranger.send("what applies to me after my master?")
    assert "tunisia" not in stranger.reply.faq_shown


# ------------------------------------------------------------------ short answers


def test_a_lead_is_the_first_sentence_and_keeps_the_warning() -> None:
    message = parse(
        "Yes, full time, without your employer asking for any authorisation. ⚠️ The rule is "
        "unsettled: ask your préfecture."
    )
    assert plain_text(lead(message)) == (
        f"{WARNING_SIGN} Yes, full time, without your employer asking for any authorisation."
    )
    short_first = parse(
        "No. Since 2023 France gives Indian alumni a **5-year** visa for short stays. It does "
        "not let you work."
    )  # a very short first sentence takes the next one
    assert plain_text(lead(short_first)) == (
        "No. Since 2023 France gives Indian alumni a 5-year visa for short stays."
    )
    long = parse("word " * 100)
    assert plain_text(lead(long, limit=50)).endswith("…")
    assert len(plain_text(lead(long, limit=50))) <= 50


async def test_a_preview_cut_before_its_warning_starts_with_one() -> None:
    text = "The card costs 150 euros, paid in timbres when you collect it (⚠️ read on one page)."
    assert preview(text, 40).startswith(WARNING_SIGN) and len(preview(text, 40)) <= 40
    assert preview("No warning here, and long enough to be cut somewhere.", 20).endswith("…")
    assert preview(text, 200) == text


async def test_an_entry_without_short_falls_back_to_its_lead_with_its_warning(engine) -> None:
    kb = engine.knowledge
    # an entry whose answer's warning is not in its first sentence, its short left out
    entry = next(
        e for e in kb.faq.entries if WARNING_SIGN in e.answer and not e.answer.startswith("⚠")
    )
    entry = dataclasses.replace(entry, short="")
    turn = await engine.turn(kb, engine.catalogs.get("en"), None, "test", "alice")
    text = plain_text(short_answer(entry, turn.knowledge_text))
    assert text.startswith(WARNING_SIGN) and len(text) <= 202
    answer = plain_text(turn.knowledge_text(f"faq:{entry.id}.answer", entry.answer))
    assert answer.startswith(text.removeprefix(WARNING_SIGN).strip().removesuffix("…"))
