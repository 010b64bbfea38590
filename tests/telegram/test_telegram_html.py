"""The Telegram HTML renderer: escaping, links, bullets, and splitting under 4096 characters."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from bot.markup import Bold, BulletList, Link, Paragraph, Text, parse
from bot.render.telegram_html import MAX_MESSAGE_LENGTH, render_chunks, render_message, size


class _TagChecker(HTMLParser):
    """Fails on unbalanced tags and on any tag Telegram's HTML mode would not accept here."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        assert tag in ("b", "a"), tag
        self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack.pop() == tag, tag

    def handle_data(self, data):
        self.text.append(data)


def well_formed(chunk: str) -> str:
    checker = _TagChecker()
    checker.feed(chunk)
    checker.close()
    assert not checker.stack, chunk[-80:]
    return "".join(checker.text)


def test_user_text_is_escaped():
    message = parse("You asked: {q}", {"q": "<script>alert('x')</script> & <b>bold</b>"})
    out = render_message(message)
    assert "<script>" not in out and "<b>bold</b>" not in out
    assert "&lt;script&gt;" in out and "&amp; &lt;b&gt;" in out
    assert well_formed(out) == "You asked: <script>alert('x')</script> & <b>bold</b>"


def test_bold_links_and_bullets():
    message = parse(
        '**Fee** is [75 €](https://example.org/a?b=1&c="2")\n\n- one & two\n- [tg](tg://resolve?domain=x)'
    )
    out = render_message(message)
    assert out.startswith('<b>Fee</b> is <a href="https://example.org/a?b=1&amp;c=&quot;2&quot;">')
    assert '\n\n• one &amp; two\n• <a href="tg://resolve?domain=x">tg</a>' in out
    well_formed(out)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "mailto:a@b.c", 'https://x" onclick="y'])
def test_only_http_and_tg_links_become_links(url: str):
    out = render_message((Paragraph((Link((Text("click"),), url),)),))
    if url.startswith("https://"):
        assert '"https://x&quot; onclick=&quot;y"' in out  # the quote cannot end the attribute
    else:
        assert "<a" not in out and "click" in out
    well_formed(out)


def test_short_message_is_one_chunk():
    message = parse("Hello\n\nWorld")
    assert render_chunks(message) == ["Hello\n\nWorld"]


def test_split_at_paragraph_boundaries():
    paragraphs = tuple(Paragraph((Bold((Text(f"{i}"),)), Text(" " + "x" * 900))) for i in range(10))
    chunks = render_chunks(paragraphs)
    assert len(chunks) == 3
    assert all(size(c) <= MAX_MESSAGE_LENGTH for c in chunks)
    for chunk in chunks:  # every chunk is whole paragraphs
        assert all(p.startswith("<b>") and p.endswith("x") for p in chunk.split("\n\n"))
        well_formed(chunk)
    assert "".join(chunks).count("<b>") == 10


def test_split_between_bullet_items():
    items = tuple((Text(f"item {i} " + "y" * 300),) for i in range(20))
    chunks = render_chunks((Paragraph((Text("Intro"),)), BulletList(items)))
    assert len(chunks) == 2
    assert chunks[1].startswith("• item")
    assert sum(c.count("• ") for c in chunks) == 20


def test_a_huge_paragraph_is_cut_between_words_never_inside_a_tag():
    huge = (
        Paragraph(
            (
                Text("start & "),
                Bold((Text("bold <words> " * 400),)),
                Link((Text("a long link label " * 100),), "https://example.org/?q=1&r=2"),
            )
        ),
    )
    chunks = render_chunks(huge, limit=1000)
    assert len(chunks) > 5
    text = ""
    for chunk in chunks:
        assert size(chunk) <= 1000
        text += well_formed(chunk)
        assert not chunk.endswith("&") and "&am<" not in chunk
    assert text.replace(" ", "") == (
        "start & " + "bold <words> " * 400 + "a long link label " * 100
    ).replace(" ", "")


def test_a_single_enormous_word_is_cut_between_characters():
    word = "&" * 5000  # every character escapes to 5 ("&amp;")
    chunks = render_chunks((Paragraph((Text(word),)),))
    assert all(size(c) <= MAX_MESSAGE_LENGTH for c in chunks)
    assert "".join(well_formed(c) for c in chunks) == word


def test_size_counts_utf16_units_like_telegram():
    assert size("é") == 1 and size("🇫🇷") == 4 and size("€") == 1
    emoji = tuple(Paragraph((Text("🎓" * 1500),)) for _ in range(2))
    chunks = render_chunks(emoji)
    assert len(chunks) == 2 and all(size(c) == 3000 for c in chunks)
