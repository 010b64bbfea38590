"""Neutral markup → Discord Markdown: escaping, links, splitting, embeds within Discord's limits."""

from __future__ import annotations

from bot.markup import Bold, BulletList, Link, Paragraph, Text, parse
from bot.render import discord_md


def test_user_text_is_escaped_and_cannot_mention() -> None:
    out = discord_md.render_message(
        (Paragraph((Text("*hi* __x__ `code` [a](https://evil) @everyone <@123> <@&5> <#7>"),)),)
    )
    assert "\\*hi\\*" in out and "\\_\\_x\\_\\_" in out and "\\`code\\`" in out
    assert "\\[a\\](https://evil)" in out  # the masked link is inert
    assert "@everyone" not in out  # a zero-width space breaks it
    assert "<@123>" not in out and "<@&5>" not in out and "<#7>" not in out


def test_bold_bullets_and_links() -> None:
    message = parse("**Title**\n\n- one\n- two [site](https://example.org/a_b)")
    out = discord_md.render_message(message)
    assert out.startswith("**Title**\n\n- one\n- two ")
    assert "[site](<https://example.org/a_b>)" in out


def test_link_urls_cannot_break_out() -> None:
    out = discord_md.render_inlines((Link((Text("x]y"),), "https://e.org/a>b c"),))
    assert out == "[x\\]y](<https://e.org/a%3Eb%20c>)"


def test_split_keeps_paragraphs_and_headings_together() -> None:
    paras = [f"**Heading {i}**\n\n" + ("word " * 150).strip() for i in range(6)]
    pieces = discord_md.split("\n\n".join(paras))
    assert len(pieces) > 1 and all(len(p) <= 2000 for p in pieces)
    assert all(not p.rstrip().endswith("**") for p in pieces)  # no heading left alone at the end
    assert (
        "\n\n".join(pieces).replace("\n\n", " ").split()
        == "\n\n".join(paras).replace("\n\n", " ").split()
    )


def test_split_cuts_a_huge_paragraph_without_loss() -> None:
    text = "x" * 4500
    pieces = discord_md.split(text)
    assert [len(p) for p in pieces] == [2000, 2000, 500] and "".join(pieces) == text


def test_faq_embed_puts_sources_in_the_footer() -> None:
    message = (
        Paragraph((Bold((Text("How much?"),)),)),
        Paragraph((Text("It costs "), Bold((Text("225 €"),)), Text("."))),
        BulletList(((Text("a"),), (Text("b"),))),
        Paragraph((Text("Sources: "), Link((Text("SP"),), "https://sp.fr"), Text(" (seen 1 May)"))),
    )
    embed, links = discord_md.faq_embed(message)
    assert embed.title == "How much?"
    assert embed.description == "It costs **225 €**.\n\n- a\n- b"
    assert embed.footer.text == "Sources: SP (seen 1 May)"
    assert [(link.label, link.url) for link in links] == [("SP", "https://sp.fr")]
    assert len(embed) <= discord_md.MAX_EMBED_TOTAL


def test_no_embed_for_other_shapes_or_oversized() -> None:
    assert discord_md.faq_embed((Paragraph((Text("plain"),)),)) is None
    huge = (
        Paragraph((Bold((Text("T"),)),)),
        Paragraph((Text("y" * 5000),)),
        Paragraph((Link((Text("S"),), "https://s.fr"),)),
    )
    assert discord_md.faq_embed(huge) is None
