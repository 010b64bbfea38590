"""Property-based tests: whatever users send, the engine answers and its state stays valid."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import tempfile
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine import ADMIN_COMMANDS, COMMANDS, ConversationKey, Engine, Event, Reply, ReplyKind
from bot.engine.dates import parse_date
from bot.i18n import Catalogs
from bot.knowledge import load_knowledge
from bot.search import fold
from bot.storage import SqliteStore
from bot.testing import FakeClock

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = Catalogs()
KNOWLEDGE = {
    "fixture": load_knowledge(
        Path(__file__).parent / "fixtures" / "kb", today=dt.date(2026, 11, 27)
    ),
    "real": load_knowledge(ROOT / "knowledge", today=dt.date(2026, 11, 27)),
}

nasty_chars = st.sampled_from(
    [
        "\u202e",
        "\u200b",
        "\u200d",
        "\ufeff",
        "\x00",
        "\ud800",
        "\udfff",
        "🇫🇷",
        "👍🏽",
        "\n",
        "*",
        "_",
        "<b>",
        "&amp;",
        "[x](javascript:alert(1))",
        "@everyone",
        "<@123>",
        "`",
        "\\",
        "{fee}",
        "%(num)d",
        "é",
        "ß",
        "İ",
        "ﬁ",
        "١٢/٠٣/٢٠٢٧",
    ]
)
free_text = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(st.text(max_size=20), nasty_chars), max_size=40).map("".join),
    st.integers(min_value=0, max_value=10_000).map(lambda n: "x" * n),
    st.sampled_from(
        ["15/03/2027", "2027-02-30", "combien coute la carte", "I am indian", "1", "99"]
    ),
)
# every real command (so the property also covers ones added later), and some that are not
commands = st.sampled_from(
    [*COMMANDS, *ADMIN_COMMANDS, "", "APS", "nonsense", "start aps", "checklist x", "remind 99/99"]
)

action = st.one_of(
    st.tuples(st.just("command"), commands, free_text),
    st.tuples(st.just("text"), free_text, st.none()),
    st.tuples(st.just("click"), st.integers(min_value=0, max_value=20), st.none()),
    st.tuples(st.just("stale"), st.integers(min_value=0, max_value=20), st.none()),
    st.tuples(st.just("forged"), st.text(max_size=120), st.none()),
    st.tuples(st.just("wait"), st.integers(min_value=0, max_value=30 * 86400), st.none()),
)


async def run_sequence(kb_name: str, actions, locale, private: bool) -> None:
    clock = FakeClock()
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "db.sqlite3")
        engine = Engine(
            KNOWLEDGE[kb_name], store, CATALOGS, clock=clock, admins=frozenset({"test:u1"})
        )
        key = ConversationKey("test", "scope", "u1")
        last = Reply()
        seen_tokens: list[str] = []
        for kind, a, b in actions:
            if kind == "command":
                event = Event.command_of(
                    key, a.split(" ")[0], b or "", locale=locale, private=private
                )
            elif kind == "text":
                event = Event.text_of(key, a, locale=locale, private=private)
            elif kind == "click":
                if not last.choices:
                    continue
                event = Event.choice_of(
                    key, last.choices[a % len(last.choices)].token, private=private
                )
            elif kind == "stale":
                if not seen_tokens:
                    continue
                event = Event.choice_of(key, seen_tokens[a % len(seen_tokens)], private=private)
            elif kind == "forged":
                event = Event.choice_of(key, a, private=private)
            else:
                clock.advance(a)
                continue
            reply = await engine.handle(event)
            assert isinstance(reply, Reply)
            assert (
                reply.messages or reply.alert or reply.choices or reply.kind is ReplyKind.THROTTLED
            )
            seen_tokens.extend(c.token for c in reply.choices)
            last = reply
            conv = await store.load(key)
            if conv is not None and conv.node is not None:
                flow = engine.knowledge.flow
                assert conv.node in flow.nodes and flow.nodes[conv.node].kind != "branch"
                assert all(n in flow.nodes for n in conv.history)
                assert conv.step >= 0 and conv.flow_version == flow.version
        await store.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kb_name=st.sampled_from(["fixture", "real"]),
    actions=st.lists(action, min_size=1, max_size=25),
    locale=st.sampled_from([None, "fr", "en-US", "pt-br", "", "zz_ZZ", "\x00"]),
    private=st.booleans(),
)
def test_any_event_sequence_gets_a_reply_and_keeps_state_valid(kb_name, actions, locale, private):
    asyncio.run(run_sequence(kb_name, actions, locale, private))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=2000))
def test_normaliser_never_fails_and_stores_safely(text: str) -> None:
    index = _real_index()
    once = index.normalised(text)
    assert len(once) <= 200
    assert "\x00" not in once
    once.encode("utf-8")  # raises on a lone surrogate: none may survive into the store
    numbers, words = index.analyzer.query_terms(text)
    assert all(t and t == t.strip() for qt in words for t in qt.candidates)
    assert all(n.startswith("#") for n in numbers)
    index.search(text)  # and the search itself never fails


@functools.cache
def _real_index():
    from bot.knowledge import load_knowledge

    return load_knowledge().faq.index


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=100))
def test_date_parser_never_fails(text: str) -> None:
    result = parse_date(text)
    assert result is None or isinstance(result, dt.date)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=60))
def test_fold_leaves_no_case_no_accent_and_is_stable(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    assert folded.casefold() == folded
    assert not any(unicodedata.combining(c) for c in folded)
    assert "  " not in folded and folded == folded.strip()


def test_fold_normalises_compatibility_forms_before_the_case() -> None:
    """Found by the property above: lower-casing first left "𝐻" (bold) as "H"."""
    assert fold("𝐻𝐄𝐋𝐋𝐎") == "hello"
    assert fold("ＲＥＣＥ") == "rece"  # full-width letters, as some keyboards type them
    assert fold("Straße") == fold("STRASSE") == "strasse"
    assert fold("ﬁn d'études") == "fin d etudes"
