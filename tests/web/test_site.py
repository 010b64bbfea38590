"""``aps-bot site``: the static site built from the real knowledge, checked as files.

The browser tests (test_browser.py) click through it; these check what a file can show: every
page's language, every internal link, no third-party or inline script, JSON-LD, the figures in
force on the build day, the walkthrough's graph, and the search index's size and normalisation.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
import yaml
from site_helpers import BUILD_DAY, build, js_tokens, parse_page

from bot.i18n import catalog_languages
from bot.knowledge import DEFAULT_KNOWLEDGE_DIR, load_knowledge
from bot.site.search_index import Normaliser
from bot.site.walk import walk

ROOT = Path(__file__).resolve().parents[2]
LANGS = catalog_languages()  # every catalog, as the site builds them
KB = load_knowledge(DEFAULT_KNOWLEDGE_DIR)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("site")
    return out, build(out)


def pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def test_report_counts_what_was_written(site):
    out, report = site
    assert report.total_pages == len(pages(out))
    assert report.languages == list(LANGS)
    flow_pages = len(walk(load_knowledge(DEFAULT_KNOWLEDGE_DIR).flow))
    assert report.walkthrough_pages == flow_pages
    for lang in LANGS:
        assert len(list((out / lang / "walkthrough").glob("*.html"))) == flow_pages
        assert (out / lang / "index.html").is_file()
    assert (out / "index.html").is_file()


def test_every_page_has_a_language_and_only_its_own_scripts(site):
    out, _ = site
    for path in pages(out):
        page = parse_page(path)
        lang = path.relative_to(out).parts[0]
        assert page.lang == (lang if lang in LANGS else "en"), path
        assert not page.inline_handlers, path
        for script in page.scripts:
            if script.get("type") == "application/ld+json":
                continue
            assert "src" in script, f"inline script in {path}"
            assert not urlsplit(script["src"]).scheme, f"third-party script in {path}"
        for style in page.styles:
            assert not urlsplit(style).scheme, f"third-party stylesheet in {path}"
        text = path.read_text(encoding="utf-8")
        assert "style=" not in text, f"inline style in {path}"
        assert "fonts.googleapis" not in text and "@import" not in text


def test_every_internal_link_resolves(site):
    out, _ = site
    for path in pages(out):
        page = parse_page(path)
        for href in page.links:
            if urlsplit(href).scheme in ("http", "https", "mailto"):
                continue
            target, fragment = urldefrag(href)
            resolved = (path.parent / target).resolve() if target else path
            assert resolved.is_file(), f"{path.relative_to(out)}: broken link {href}"
            if fragment:
                assert fragment in parse_page(resolved).ids, f"{path}: no #{fragment} in {target}"


def test_faq_pages_carry_faqpage_json_ld_matching_the_heading(site):
    out, _ = site
    for lang in LANGS:
        for path in (out / lang / "faq").glob("*.html"):
            page = parse_page(path)
            (block,) = page.json_ld
            data = json.loads(block)
            assert data["@context"] == "https://schema.org" and data["@type"] == "FAQPage"
            (question,) = data["mainEntity"]
            assert question["@type"] == "Question"
            assert question["name"] == page.h1[0]
            assert question["acceptedAnswer"]["@type"] == "Answer"
            assert len(question["acceptedAnswer"]["text"]) > 20


def test_fee_page_shows_the_figures_in_force_their_change_and_checked_sources(site):
    out, _ = site
    en = (out / "en" / "faq" / "fee.html").read_text(encoding="utf-8")
    fr = (out / "fr" / "faq" / "fee.html").read_text(encoding="utf-8")
    assert "<strong>€150</strong>" in en  # in force on the build day (since May 2026)
    assert "€150 since May 2026; €75 before" in en  # the engine's "Changed recently" note
    assert "service-public.fr F17319</a> (version of 1 January 2026)" in en
    assert "150\u00a0€ depuis mai 2026 ; 75\u00a0€ avant" in fr
    assert "(version du 1er janvier 2026)" in fr and "vérifié le" not in fr
    assert 'hreflang="fr" href="../../fr/faq/fee.html"' in en


def test_changes_page_lists_each_changing_fact_newest_period_first(site):
    out, _ = site
    html = (out / "en" / "changes.html").read_text(encoding="utf-8")
    section = html[html.index('id="fee_rece"') :]
    section = section[: section.index("</section>")]
    assert section.index("May 2026") < section.index("—")  # newest first; the oldest has no start
    assert "€150" in section and "€75" in section and "in force" in section
    fr = (out / "fr" / "changes.html").read_text(encoding="utf-8")
    assert "mai 2026" in fr and "en vigueur" in fr


def test_walkthrough_pages_link_into_a_graph_where_every_page_reaches_an_outcome(site):
    out, _ = site
    for lang in LANGS:
        folder = out / lang / "walkthrough"
        links: dict[str, set[str]] = {}
        outcomes = set()
        for path in folder.glob("*.html"):
            page = parse_page(path)
            targets = {
                h
                for h in page.links
                if "/" not in h and h.endswith(".html") and (folder / h).is_file()
            }
            links[path.name] = targets
            if 'class="option"' not in path.read_text(encoding="utf-8"):
                outcomes.add(path.name)
        seen, todo = set(), ["index.html"]
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                todo += links[name]
        assert seen == set(links), f"unreachable: {set(links) - seen}"
        for name in links:  # no dead end: each page leads on to an outcome
            reach, todo = set(), [name]
            while todo:
                n = todo.pop()
                if n not in reach:
                    reach.add(n)
                    todo += links[n]
            assert reach & outcomes, name


def test_a_page_reached_by_typing_a_date_has_no_countdown_to_it(site):
    out, _ = site
    html = (out / "en" / "walkthrough" / "out_holder_ended.html").read_text(encoding="utf-8")
    assert "Your RECE card or APS has ended" in html
    assert "days ago" not in html and "day ago" not in html


def test_search_index_is_small_and_normalised_like_the_bot(site):
    out, report = site
    for lang in LANGS:
        raw = (out / lang / "search-index.json").read_bytes()
        assert len(raw) == report.index_bytes[lang] <= 300 * 1024
        index = json.loads(raw)
        ids = [e[0] for e in index["entries"]]
        fee = ids.index("fee")
        assert fee in index["postings"]["@timbre"][0::2]  # "timbres fiscaux" in its answer
        assert js_tokens(index, "Timbre fiscal ?") == ["@timbre"]
        # every example question a student typed normalises in the browser as at build time
        normaliser = Normaliser(KB.faq.index.analyzer, lang)
        faq = yaml.safe_load((ROOT / "knowledge" / "faq.yaml").read_text(encoding="utf-8"))
        for entry in faq["entries"]:
            for questions in entry["examples"].values():
                for q in questions:
                    assert js_tokens(index, q) == normaliser.tokens(q), q


def test_search_snippets_are_the_short_answers(site):
    """Issue 19: a result's snippet is the entry's short answer (its answer's lead without one),
    with its figures filled in and any ⚠️ of the answer kept."""
    out, _ = site
    index = json.loads((out / "en" / "search-index.json").read_bytes())
    snippets = {e[0]: e[3] for e in index["entries"]}
    for entry in KB.faq.entries:
        snippet = snippets[entry.id]
        assert snippet and "{" not in snippet and len(snippet) <= 240, entry.id
        assert ("⚠️" in snippet) == ("⚠️" in (entry.short or entry.answer)), entry.id


def test_paraphrases_mostly_normalise_as_in_the_bot(site):
    """Questions the index never saw: the tables come from the indexed texts, so an unseen
    abbreviation may be missed; most questions still normalise exactly as in the bot."""
    out, _ = site
    index = json.loads((out / "en" / "search-index.json").read_text(encoding="utf-8"))
    cases = yaml.safe_load(
        (ROOT / "tests" / "knowledge" / "paraphrases.yaml").read_text(encoding="utf-8")
    )
    normaliser = Normaliser(KB.faq.index.analyzer, "en")
    same = sum(js_tokens(index, c["q"]) == normaliser.tokens(c["q"]) for c in cases)
    assert same / len(cases) >= 0.8, f"{same}/{len(cases)}"


def test_cli_builds_the_site_and_reports_the_pages(tmp_path: Path):
    done = subprocess.run(
        [sys.executable, "-m", "bot", "site", str(tmp_path / "out"), "--date", str(BUILD_DAY)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "pages in" in done.stdout and "search index" in done.stdout
    assert (tmp_path / "out" / "index.html").is_file()
    bad = subprocess.run(
        [sys.executable, "-m", "bot", "site", str(tmp_path / "x"), "--date", "27/11/2026"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr and "Traceback" not in bad.stderr


def test_a_rebuild_replaces_the_old_site_and_other_folders_are_refused(tmp_path: Path):
    out = tmp_path / "out"
    build(out)
    stale = out / "en" / "walkthrough" / "a_page_of_an_older_flow.html"
    stale.write_text("old", encoding="utf-8")
    build(out)
    assert not stale.exists() and (out / "en" / "walkthrough" / "index.html").is_file()
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "site", str(mine)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "not empty" in done.stderr
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "keep me"
