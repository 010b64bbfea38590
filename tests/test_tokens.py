"""Button payloads (bot/engine/tokens.py) and the reply's mode: typed values packed and signed in
one place, the format of the buttons already in users' chats still understood, and every reply
saying whether it replaces the clicked message."""

from __future__ import annotations

import dataclasses
import io

import pytest

from bot.console import Console
from bot.engine import EventKind, ReplyKind, ReplyMode
from bot.engine.tokens import (
    ANYONE,
    MAX_TOKEN_BYTES,
    ChecklistAction,
    ChecklistButton,
    FaqAction,
    FaqButton,
    LanguageButton,
    Payload,
    ReminderAction,
    ReminderButton,
    Signed,
    TokenCodec,
    Vote,
    VoteButton,
    WalkButton,
    claims,
)
from bot.testing import SKIP, Client, FakeClock

SECRET = b"golden-secret-0123456789abcdef!!"
OWNER = "967b47c9"  # TokenCodec(SECRET).owner("telegram", "42")

# Tokens made by the codec before payloads were typed (commit ba46cb5), with SECRET: the buttons
# already in users' chats. They must still be understood, field for field.
BEFORE = [
    (
        "w.abcd1234.3.7.Xy_9-a.967b47c9.640372e91874ed4f.2",
        WalkButton("abcd1234", 3, 7, "Xy_9-a", "2"),
        OWNER,
    ),
    (
        "f.abcd1234.a.12.967b47c9.9faffd5bf7381e63",
        FaqButton("abcd1234", FaqAction.ANSWER, 12),
        OWNER,
    ),
    (
        "f.abcd1234.m.12.967b47c9.65b70a7e7fe0c7fa",
        FaqButton("abcd1234", FaqAction.DETAIL, 12),
        OWNER,
    ),
    ("l.fr.967b47c9.3b7ecd92de62dc04", LanguageButton("fr"), OWNER),
    (
        "r.o.20270315.967b47c9.c9c8f8c5758fca37",
        ReminderButton(ReminderAction.OPT_IN_TITRE, "20270315"),
        OWNER,
    ),
    (
        "c.t.abcd1234.40.3.967b47c9.12ac899729791303",
        ChecklistButton(ChecklistAction.TICK, "abcd1234", 40, "3"),
        OWNER,
    ),
    (
        "v.abcd1234.12.x.0a1b2c3d.0.7a8d5f8b0a4a323d",
        VoteButton("abcd1234", 12, Vote.MISSED, "0a1b2c3d"),
        ANYONE,
    ),
]


@pytest.fixture
def codec() -> TokenCodec:
    return TokenCodec(SECRET)


def test_buttons_already_in_chats_are_understood(codec: TokenCodec) -> None:
    assert codec.owner("telegram", "42") == OWNER
    for token, payload, owner in BEFORE:
        assert codec.unpack(token) == Signed(payload, owner), token
        assert codec.pack(payload, owner) == token  # and new ones are made the same way


def test_every_payload_kind_is_one_class_with_typed_fields(codec: TokenCodec) -> None:
    kinds = {cls.kind: cls for cls in Payload.KINDS.values()}
    assert set(kinds) == {"w", "f", "l", "r", "c", "v"}
    unpacked = codec.unpack(BEFORE[0][0])
    assert unpacked is not None
    walk = unpacked.payload
    assert isinstance(walk, WalkButton) and walk.step == 3 and walk.node == 7  # ints, not text
    faq = codec.unpack(BEFORE[1][0])
    assert faq is not None and faq.payload.action is FaqAction.ANSWER  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="taken"):

        class Again(Payload, kind="f"):  # a second class may not take a kind
            pass


def test_the_largest_payloads_fit_telegram_and_discord(codec: TokenCodec) -> None:
    """Each kind at the largest its fields take in practice: 8-character versions, steps and
    indexes in the thousands, 12-character reminder ids, the walkthrough's 3-character tail."""
    largest = [
        WalkButton("f" * 8, 99999, 999, "N" * 6, "999"),
        FaqButton("f" * 8, FaqAction.DETAIL, 9999),
        LanguageButton("pt-BR"),
        ReminderButton(ReminderAction.CANCEL, "a" * 12),
        ChecklistButton(ChecklistAction.OPEN, "f" * 8, 999, "f" * 16),  # 64 documents
        VoteButton("f" * 8, 9999, Vote.MISSED, "a" * 8),
    ]
    for payload in largest:
        token = codec.pack(payload, OWNER)
        assert len(token.encode()) <= MAX_TOKEN_BYTES, payload  # Telegram's callback_data
        assert len(f"c:{token}") <= 100  # Discord's custom_id, with our prefix
        assert codec.unpack(token) == Signed(payload, OWNER)
    with pytest.raises(ValueError, match="too long"):
        codec.pack(ReminderButton(ReminderAction.CANCEL, "a" * 40), OWNER)
    with pytest.raises(ValueError, match=r"\[A-Za-z0-9_-\]"):
        codec.pack(LanguageButton("f.r"), OWNER)  # a field cannot smuggle a separator


def test_forged_truncated_and_misshapen_tokens_are_refused(codec: TokenCodec) -> None:
    token = BEFORE[1][0]
    for bad in (
        token[:-1],  # truncated
        token[:-4] + "0000",  # a MAC that does not match
        token.replace(".a.", ".m."),  # an edited field
        TokenCodec(b"another secret").pack(FaqButton("abcd1234", FaqAction.ANSWER, 12), OWNER),
        "z.1.2.3",  # a kind this version does not have
        "",
        "f." + "x" * 80,  # too long
        "f.é",  # not ASCII
        None,
    ):
        assert codec.unpack(bad) is None, bad

    def signed(body: str) -> str:  # authentic, but not a payload's shape
        return f"{body}.{codec._mac(body)}"

    for body in (
        f"f.abcd1234.a.twelve.{OWNER}",  # an int field that is not a number
        f"f.abcd1234.q.12.{OWNER}",  # an action FaqButton does not have
        f"f.abcd1234.a.{OWNER}",  # a field missing
        f"f.abcd1234.a.12.0.{OWNER}",  # a field too many
        f"v.abcd1234.12.up.0a1b2c3d.{ANYONE}",
    ):
        assert codec.unpack(signed(body)) is None, body
    prefix = codec.pack_prefix(WalkButton("abcd1234", 3, 7, "Xy_9-a"), OWNER)
    assert prefix.endswith(".") and codec.unpack(prefix + "2") == Signed(
        WalkButton("abcd1234", 3, 7, "Xy_9-a", "2"), OWNER
    )
    for tail in ("", "1234", "-", "é"):
        assert codec.unpack(prefix + tail) is None, tail


def test_claims_reads_the_kind_only() -> None:
    assert claims(BEFORE[4][0], ReminderButton)
    assert not claims(BEFORE[1][0], ReminderButton)
    assert claims("r.forged", ReminderButton)  # no check: only for leaving buttons out


# ---------------------------------------------------------------------- the reply's mode


RECE = {"nationality": "other", "finished": "done", "diploma": "master", "titre_status": "valid"}


async def to_the_date(client: Client) -> None:
    """/aps, then answer by node and option id up to the titre's expiry date."""
    await client.send("/aps")
    while (step := await client.step()) is not None and step.node.id != "titre_expiry":
        await client.answer(step.node.id, step.choose(RECE))
        assert client.reply.mode is ReplyMode.REPLACE  # a step replaces the step clicked


async def test_each_reply_says_where_it_goes() -> None:
    client = await Client.create(lang="en")
    await client.send("/help")
    assert client.reply.mode is ReplyMode.NEW
    await client.click("Start the walkthrough")  # under /help: the help stays
    assert client.reply.kind is ReplyKind.WALKTHROUGH and client.reply.mode is ReplyMode.NEW
    await client.send("/cancel")
    await to_the_date(client)
    await client.answer("titre_expiry", SKIP)
    assert client.reply.mode is ReplyMode.REPLACE and "RECE" in client.text
    await client.click("My checklist")  # below the outcome, which stays
    assert client.reply.mode is ReplyMode.NEW and "0/" in client.text
    await client.click("1.")  # ticking redraws the checklist in place
    assert client.reply.mode is ReplyMode.REPLACE and "1/" in client.text
    await client.send("how much does the rece card cost?")
    assert client.reply.mode is ReplyMode.NEW and client.reply.faq_id
    for label in ("Tell me more", "👍"):
        await client.click(label)
        assert client.reply.mode is ReplyMode.NEW, label
    await client.send("how much does it cost? and where do I apply?")
    assert client.reply.faq_kind == "composed"
    await client.click("More: How much")  # posted anew: the composed preview stays
    assert client.reply.mode is ReplyMode.NEW and client.reply.faq_id
    await client.send("/lang")
    await client.click("English")
    assert client.reply.mode is ReplyMode.NEW


async def test_a_typed_date_answers_in_place_of_the_step() -> None:
    """On Discord the date is typed in a form opened from the step: the next step replaces it."""
    client = await Client.create(lang="en")
    await to_the_date(client)
    await client.send("not a date")
    assert client.reply.kind is ReplyKind.ERROR and client.reply.mode is ReplyMode.REPLACE
    await client.send("15/03/2027")
    assert client.reply.kind is ReplyKind.WALKTHROUGH and client.reply.mode is ReplyMode.REPLACE
    await client.send("/aps")  # a command: posted anew
    assert client.reply.mode is ReplyMode.NEW


def test_payloads_are_values() -> None:
    walk = WalkButton("v", 1, 2, "n", "0")
    assert dataclasses.replace(walk, option="1") != walk
    with pytest.raises(dataclasses.FrozenInstanceError):
        walk.step = 5  # type: ignore[misc]


async def test_the_console_drops_the_numbers_of_a_replaced_message() -> None:
    """A cancelled walkthrough replaces its step: "1" then no longer picks the step's option but
    is typed text; a reply posted anew without buttons leaves the last buttons usable."""
    clock = FakeClock()
    client = await Client.create(lang="en", clock=clock)
    out = io.StringIO()
    console = Console(client.engine, io.StringIO(), out, interactive=False, locale="en")

    async def type_(line: str) -> None:
        clock.advance(5)  # a person's pace (the flood gate agrees)
        event = console.event_for(line)
        assert event is not None
        await console.handle(event)

    await type_("/aps")
    await type_(str(len(console.choices)))  # Cancel, the last button
    assert (
        out.getvalue()
        .rstrip()
        .endswith("Walkthrough cancelled. Send /aps to start again, or ask a question.")
    )
    assert console.choices == []  # the cancelled step's buttons are gone
    event = console.event_for("1")
    assert event is not None and event.kind is EventKind.TEXT
    await type_("/help")
    assert console.choices  # /help's buttons
    await type_("/privacy")
    assert console.choices  # /privacy has none: the help's are still on screen
    assert console.event_for("1").kind is EventKind.CHOICE  # type: ignore[union-attr]
