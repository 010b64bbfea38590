import pytest

from bot.engine.reply import Choice, Reply
from bot.markup import (
    Bold,
    BulletList,
    Link,
    MarkupError,
    Paragraph,
    Text,
    parse,
    placeholders,
    plain_text,
)
from bot.render.plain import render_message, render_reply


def test_paragraphs_bullets_bold_and_links() -> None:
    message = parse("Hello **world**\n\n- one\n- [two](https://example.org)\n\nend")
    assert message == (
        Paragraph((Text("Hello "), Bold((Text("world"),)))),
        BulletList(((Text("one"),), (Link((Text("two"),), "https://example.org"),))),
        Paragraph((Text("end"),)),
    )


def test_placeholder_values_are_inert_text() -> None:
    hostile = "**bold?** [x](javascript:alert(1)) <b>&amp; {other}"
    message = parse("You said: {q}", {"q": hostile})
    assert message == (Paragraph((Text("You said: " + hostile),)),)


@pytest.mark.parametrize(
    "template",
    ["**unclosed", "[label](javascript:alert(1))", "see {missing}", "[label](https://x"],
)
def test_malformed_templates_are_rejected(template: str) -> None:
    with pytest.raises(MarkupError):
        parse(template, {})


def test_literal_braces_and_placeholder_names() -> None:
    assert plain_text(parse("{{x}} {a}", {"a": "1"})) == "{x} 1"
    assert placeholders("{a} and {b} but not {{c}}") == {"a", "b"}


def test_plain_renderer_shows_control_characters_instead_of_running_them() -> None:
    text = render_message(parse("{q}", {"q": "\x1b[2Jgone\x07"}))
    assert "\x1b" not in text and text == "\\x1b[2Jgone\\x07"


def test_plain_renderer_numbers_choices_and_keeps_non_breaking_spaces() -> None:
    reply = Reply(messages=[parse("75\u00a0€")], choices=[Choice("t1", "Yes"), Choice("t2", "No")])
    assert render_reply(reply) == "75\u00a0€\n\n  1. Yes\n  2. No"


def test_shorten_is_the_one_label_cutter() -> None:
    from bot.markup import shorten

    assert shorten("  a short\n label ", 20) == "a short label"
    assert shorten("x" * 70, 64) == "x" * 63 + "…" and len(shorten("x" * 70, 64)) == 64
    assert shorten("cut after this word", 11) == "cut after…"  # no space before the ellipsis
    assert shorten("cut after this word", 16, at_word=True) == "cut after this…"
    assert shorten("line one\nline two", 12, one_line=False) == "line one\nli…"
    assert shorten("exactly ten", 11) == "exactly ten"
