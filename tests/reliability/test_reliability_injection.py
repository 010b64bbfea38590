"""Injection: hostile user text (HTML, Markdown, mentions, javascript: links, backticks, zero-width
and RTL characters) renders inert on Telegram and Discord, in the renderers and through the real
adapters where user text can come back (an unknown command's name is echoed)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
import tg_updates as tg
from dc_harness import Harness
from tg_fake_api import FakeBotAPI
from tg_harness import fresh_engine, running

from bot.adapters.discord import build_client
from bot.config import Config
from bot.engine import Event, Reply, ReplyKind
from bot.markup import Bold, BulletList, Link, Paragraph, Text, plain_text
from bot.render import discord_md, telegram_html

HOSTILE = [
    "<b>bold</b><script>alert(1)</script><i>x</i>",
    '<a href="javascript:alert(1)">click</a> <a href="https://evil.example">me</a>',
    "&lt;b&gt; &amp; &#60;script&#62;",
    "**bold** __under__ ~~strike~~ ||spoiler|| *it* _it_",
    "> quote\n# heading\n- item\n```py\nprint(1)\n``` `code`",
    "@everyone @here",
    "<@123> <@!123> <@&456> <#1> </aps:1> <:pepe:1> <a:dance:2> <t:0:R>",
    "[x](javascript:alert(1)) [y](<https://evil.example>) https://evil.example",
    "zero\u200bwidth\u200c\u200d\ufeff rtl\u202eevil\u202c \u2066iso\u2069 \u200fmark",
]
SAFE_URL = "https://www.service-public.fr/"


def hostile_reply(text: str) -> Reply:
    """A reply echoing `text` as every kind of text node: plain, bold, link labels, bullets."""
    return Reply(
        messages=[
            (
                Paragraph((Text("You wrote: "), Text(text))),
                Paragraph((Bold((Text(text),)),)),
                Paragraph((Link((Text(text),), SAFE_URL), Text(" "), Link((Text(text),), text))),
                BulletList(((Text(text),), (Bold((Text(text),)),))),
            )
        ],
        kind=ReplyKind.FAQ,
    )


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data


def assert_inert_html(html: str, text: str) -> None:
    """Only the bot's own tags (<b>, <a href> to the safe URL); the user's text shown literally."""
    parser = _Tags()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag in ("b", "a"), f"unexpected <{tag}> in {html!r}"
        if tag == "a":
            assert attrs == {"href": SAFE_URL}, f"unexpected link {attrs}"
    assert text in parser.text or text.replace("\n", " ") in parser.text


# Discord formatting that must not survive escaping (after removing backslash escapes)
_DISCORD_ACTIVE = re.compile(
    r"[*_~|`]|\[[^\]\n]*\]\(|@everyone|@here|<[@#:/]|<a:|<t:|^(>|#|-) ", re.MULTILINE
)


def assert_inert_markdown(markdown: str) -> None:
    unescaped = re.sub(r"\\.", "", markdown)
    found = _DISCORD_ACTIVE.findall(unescaped)
    assert not found, f"active Discord markup {found} in {markdown!r}"


@pytest.mark.parametrize("text", HOSTILE)
def test_telegram_html_keeps_hostile_text_inert(text: str) -> None:
    (message,) = hostile_reply(text).messages
    for chunk in telegram_html.render_chunks(message):
        assert_inert_html(chunk, "")
    assert_inert_html(telegram_html.render_message(message), text)


@pytest.mark.parametrize("text", HOSTILE)
def test_discord_markdown_keeps_hostile_text_inert(text: str) -> None:
    reply = hostile_reply(text)
    (message,) = reply.messages
    # the user's text, in a paragraph (bold, bullets and links add the bot's own syntax)
    assert_inert_markdown(discord_md.render_message(message[:1]))
    rendered = discord_md.render_message(message)
    # the only live link is the bot's own, to the safe URL; the hostile target is plain text
    assert re.findall(r"(?<!\\)\]\(<([^>]*)>\)", rendered) == [SAFE_URL]
    assert discord_md.no_mentions().to_dict() == {"parse": []}
    assert plain_text(message)  # the text itself is still all there for the reader


def _forged_command(chat: dict, sender: dict, text: str) -> dict:
    """A message whose bot_command entity covers all of `text` (Telegram would stop at the first
    character not allowed in a command; a forged or future client might not)."""
    update = tg.message_update(chat, sender, text)
    update["message"]["entities"] = [
        {"offset": 0, "length": len(text.encode("utf-16-le")) // 2, "type": "bot_command"}
    ]
    return update


async def test_hostile_text_through_the_telegram_adapter_is_inert(api: FakeBotAPI) -> None:
    async with running(api) as bot:
        eve = tg.user(9401, "Eve", "en")
        chat = tg.private_chat(eve)
        # 1. the engine echoes an unknown command's name
        mark = api.mark()
        command = "/<b>x</b><a_href=javascript:1>`*"  # no "@": that would address another bot
        api.push(_forged_command(chat, eve, command))
        (sent,) = await api.wait_for("sendMessage", since=mark)
        assert "I don't know the command" in sent["text"]
        assert_inert_html(sent["text"], command[:33])
        # 2. replies that carry the hostile text in every kind of node
        original = bot.engine.handle

        async def echo(event: Event) -> Reply:
            if event.text.startswith("echo "):
                return hostile_reply(event.text[5:])
            return await original(event)

        bot.engine.handle = echo  # type: ignore[method-assign]
        for text in HOSTILE:
            mark = api.mark()
            api.push(tg.message_update(chat, eve, "echo " + text))
            calls = await api.wait_for("sendMessage", since=mark)
            for call in calls:
                assert call["parse_mode"] == "HTML"
                assert_inert_html(call["text"], text)
        # 3. the ordinary paths with hostile text: a question, /faq, /mydata
        for text in ("echo-free " + HOSTILE[0], "/faq " + HOSTILE[7], "/mydata"):
            mark = api.mark()
            api.push(tg.message_update(chat, eve, text))
            (call,) = await api.wait_for("sendMessage", since=mark)
            parser = _Tags()
            parser.feed(call["text"])
            assert {t for t, _ in parser.tags} <= {"b", "a"}
            assert "javascript" not in call["text"] and "<script" not in call["text"]


async def test_hostile_text_through_the_discord_adapter_is_inert() -> None:
    engine = fresh_engine(Config.from_env({"APS_BOT_DATABASE": "memory"}))
    original = engine.handle

    async def echo(event: Event) -> Reply:
        if event.text.startswith("echo "):
            return hostile_reply(event.text[5:])
        return await original(event)

    engine.handle = echo  # type: ignore[method-assign]
    harness = await Harness(build_client(Config(), engine)).start()
    try:
        for text in HOSTILE:
            sent = await harness.slash("faq", {"question": "echo " + text})
            assert sent.allowed_mentions == {"parse": []}
            assert_inert_markdown(sent.content.split("\n\n")[0])
            assert "@everyone" not in sent.content and "<@" not in sent.content
        for text in HOSTILE:  # real questions: the answer never carries the user's markup
            sent = await harness.slash("faq", {"question": text})
            assert sent.allowed_mentions == {"parse": []}
            assert "@everyone" not in sent.text and "<@" not in sent.text
            assert "javascript" not in sent.text
    finally:
        await harness.close()
        await engine.store.close()
