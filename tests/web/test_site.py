"""``aps-bot site``: the static site built from the real knowledge, checked as files.

The browser tests (test_browser.py) click through it; these check what a file can show: every
page's language, every internal link, no third-party or inline script, JSON-LD, the figures in
force on the build day, the walkthrough's graph, and the search index's size and normalisation.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
import yaml
from site_helpers import BUILD_DAY, SiteSearch, SiteSearches, build, parse_page

from bot.i18n import catalog_languages
from bot.knowledge import DEFAULT_KNOWLEDGE_DIR, load_knowledge
from bot.search.decide import decide
from bot.search.export import ranking_tables
from bot.site.search_index import WEIGHT_SCALE, read_varints, varints
from bot.site.walk import walk

ROOT = Path(__file__).resolve().parents[2]
LANGS = catalog_languages()  # every catalog, as the site builds them
KB = load_knowledge(DEFAULT_KNOWLEDGE_DIR)
BASE = "https://example.org/aps/"  # where the site is said to be published


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("site")
    return out, build(out, base_url=BASE)


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
            if target.startswith("/"):  # 404.html: from the site's root on its host
                resolved = out / target.removeprefix(urlsplit(BASE).path)
            else:
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
    assert f'hreflang="fr" href="{BASE}fr/faq/fee.html"' in en


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


def test_search_index_is_small_and_holds_the_bots_own_ranking(site):
    out, report = site
    assert read_varints(varints([0, 31, 32, 1023, 1024, 10**6])) == [0, 31, 32, 1023, 1024, 10**6]
    for lang in LANGS:
        tables = ranking_tables(KB.faq.index.index_of(lang))
        raw = (out / lang / "search-index.json").read_bytes()
        assert len(raw) == report.index_bytes[lang] <= 300 * 1024
        index = json.loads(raw)
        search = SiteSearch(index)
        ids = [e[0] if e else None for e in index["entries"]]
        assert ids == [i if i in KB.faq.by_id else None for i in tables.entry_ids]
        # "timbres fiscaux" in the fee entry: the bot's BM25F weight, to 1/WEIGHT_SCALE
        fee = ids.index("fee")
        timbre = index["tokens"]["@timbre"]
        (weight,) = [w for e, w, _ in search.postings[timbre] if e == fee]
        (bots,) = [w for e, w in tables.weights["@timbre"] if e == fee]
        assert abs(weight - bots) <= 0.5 / WEIGHT_SCALE
        assert index["tokens"]["@timbre"] in search.query("Timbre fiscal ?")


def test_the_sites_first_results_are_the_chats_on_the_eval_questions(site):
    """Issue 21: the site's search (this mirror of assets/site.js, which the browser tests hold
    equal to the script) lists first what the chat shows first, on the real students' questions
    of eval/questions.yaml, on every language's search page: like the chat, it searches the
    index of the language a question is written in. The chat also reads the asker's situation,
    which the site does not: a few close calls differ."""
    out, _ = site
    questions = yaml.safe_load((ROOT / "eval" / "questions.yaml").read_text(encoding="utf-8"))
    for lang in LANGS:
        search = SiteSearches(out, lang)
        first = top3 = asked = 0
        for case in questions:
            chat = decide(KB.faq.index, case["q"], lang=lang).first
            if chat is None:
                continue  # the chat says it does not know: the site may still list something
            asked += 1
            site_ids = [i for i, _ in search.run(case["q"])]
            first += bool(site_ids) and site_ids[0] == chat
            top3 += chat in site_ids[:3]
        assert asked > 200
        assert first / asked >= 0.94, (
            f"{lang}: the chat's first is the site's first {first}/{asked}"
        )
        assert top3 / asked >= 0.98, f"{lang}: in the site's first three {top3}/{asked}"
        assert search.run("prix du titre")[0][0] == "fee"
        assert search.run("combien coute la carte")[0][0] == "fee"


def test_search_snippets_are_the_short_answers(site):
    """Issue 19: a result's snippet is the entry's short answer (its answer's lead without one),
    with its figures filled in and any ⚠️ of the answer kept."""
    out, _ = site
    index = json.loads((out / "en" / "search-index.json").read_bytes())
    snippets = {e[0]: e[3] for e in index["entries"] if e}
    for entry in KB.faq.entries:
        snippet = snippets[entry.id]
        assert snippet and "{" not in snippet and len(snippet) <= 240, entry.id
        assert ("⚠️" in snippet) == ("⚠️" in (entry.short or entry.answer)), entry.id


def test_search_engines_get_absolute_links_a_sitemap_and_descriptions(site):
    """Issue 21: with --base-url, hreflang and canonical links are absolute, sitemap.xml lists
    every page, robots.txt names it; every page has a meta description (the FAQ pages: the
    entry's short answer); the home page describes the site's search in JSON-LD."""
    out, report = site
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    listed = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    assert listed == {BASE + ("" if p == "index.html" else p) for p in report.paths}
    assert len(listed) == report.total_pages - 1  # every page but 404.html
    assert (out / "robots.txt").read_text(encoding="utf-8") == (
        f"User-agent: *\nAllow: /\nSitemap: {BASE}sitemap.xml\n"
    )
    for path in pages(out):
        if path.name == "404.html":
            continue
        page = parse_page(path)
        descriptions = [h for h in page.heads if h.get("name") == "description"]
        assert len(descriptions) == 1 and len(descriptions[0]["content"]) > 30, path
        alternates = {h["hreflang"]: h["href"] for h in page.heads if h.get("rel") == "alternate"}
        assert set(LANGS) <= set(alternates), path
        assert all(href.startswith(BASE) for href in alternates.values()), path
        canonical = [h["href"] for h in page.heads if h.get("rel") == "canonical"]
        here = path.relative_to(out).as_posix()
        assert canonical == [BASE + ("" if here == "index.html" else here)], path
        assert page.search_forms <= 1, f"{path}: one search box per page"
    fee = parse_page(out / "fr" / "faq" / "fee.html")
    (description,) = [h["content"] for h in fee.heads if h.get("name") == "description"]
    assert description.startswith("150") and "timbre" in description
    (block,) = parse_page(out / "en" / "index.html").json_ld
    website = json.loads(block)
    assert website["@type"] == "WebSite" and website["url"] == BASE + "en/index.html"
    action = website["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == BASE + "en/search.html?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"


def test_a_missing_page_gets_a_404_page_in_every_language(site):
    out, _ = site
    html = (out / "404.html").read_text(encoding="utf-8")
    assert '<section lang="en"><h1>There is no such page here.</h1>' in html
    assert '<section lang="fr"><h2>Cette page n&#x27;existe pas ici.</h2>' in html
    assert 'href="/aps/fr/search.html"' in html and 'href="/aps/assets/site.css"' in html
    assert '<meta name="robots" content="noindex">' in html


def test_the_back_button_stays_hidden_unless_the_script_shows_it(site):
    """Issue 21: "« Back" showed on every walkthrough page, doing nothing without JavaScript,
    because the stylesheet's button rule overrode ``hidden``."""
    out, _ = site
    css = (out / "assets" / "site.css").read_text(encoding="utf-8")
    assert "[hidden] { display: none !important; }" in css
    step = (out / "en" / "walkthrough" / "index.html").read_text(encoding="utf-8")
    assert '<button type="button" class="back" hidden>' in step


def test_without_a_base_url_links_stay_relative(tmp_path: Path):
    report = build(tmp_path / "out")
    out = report.out_dir
    assert not (out / "sitemap.xml").exists()
    assert (out / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nAllow: /\n"
    en = (out / "en" / "faq" / "fee.html").read_text(encoding="utf-8")
    assert 'hreflang="fr" href="../../fr/faq/fee.html"' in en and "canonical" not in en


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
    for wrong in (["--date", "27/11/2026"], ["--base-url", "example.org"]):
        bad = subprocess.run(
            [sys.executable, "-m", "bot", "site", str(tmp_path / "x"), *wrong],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert bad.returncode == 2 and "Traceback" not in bad.stderr
        assert ("YYYY-MM-DD" if wrong[0] == "--date" else "--base-url") in bad.stderr
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
