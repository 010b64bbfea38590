"""The HTML renderer: every text node is inert, only http(s) and mailto links are live."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from bot.markup import Bold, BulletList, Link, Paragraph, Text, parse
from bot.render.html import escape, render_message, render_sectioned

HOSTILE = [
    "<b>bold</b><script>alert(1)</script><i>x</i>",
    '<a href="javascript:alert(1)">click</a> " onmouseover="alert(1)',
    "&lt;b&gt; &amp; &#60;script&#62;",
    "</p></li></ul><img src=x onerror=alert(1)>",
    "zero\u200bwidth rtl\u202eevil\u202c",
]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data


def _parse(html: str) -> _Tags:
    p = _Tags()
    p.feed(html)
    p.close()
    return p


@pytest.mark.parametrize("hostile", HOSTILE)
def test_user_text_is_inert_everywhere(hostile: str):
    message = (
        Paragraph((Text("You wrote: "), Text(hostile))),
        Paragraph((Bold((Text(hostile),)),)),
        Paragraph((Link((Text(hostile),), "https://example.org/"), Link((Text("x"),), hostile))),
        BulletList(((Text(hostile),), (Bold((Text(hostile),)),))),
    )
    parsed = _parse(render_message(message))
    assert {tag for tag, _ in parsed.tags} <= {"p", "strong", "a", "ul", "li"}
    for tag, attrs in parsed.tags:
        if tag == "a":
            assert attrs["href"] == "https://example.org/"
            assert set(attrs) == {"href", "rel", "target"}
    assert hostile in parsed.text  # shown, as text


def test_structure_and_links():
    message = parse(
        "**Cost**\n\nIt costs **€75**, see [service-public](https://www.service-public.gouv.fr/x?a=1&b=2)."
        "\n\n- one\n- two [mail](mailto:help@example.org)"
    )
    out = render_message(message)
    assert "<p><strong>Cost</strong></p>" in out
    assert 'href="https://www.service-public.gouv.fr/x?a=1&amp;b=2"' in out
    assert 'rel="noopener noreferrer external" target="_blank"' in out
    assert '<li>two <a href="mailto:help@example.org">mail</a></li>' in out
    sectioned = render_sectioned(message, level=3)
    assert sectioned.startswith("<h3>Cost</h3>")


def test_a_link_to_another_scheme_is_text():
    out = render_message((Paragraph((Link((Text("app"),), "tg://resolve?domain=x"),)),))
    assert "<a" not in out and "app (tg://resolve?domain=x)" in out


def test_escape_covers_attributes():
    assert escape("\"<>&'") == "&quot;&lt;&gt;&amp;&#x27;"
