"""``aps-bot sources check`` against recorded fixtures served on 127.0.0.1 (never the network).

The command is run as a user runs it (``bot.cli.main``), on a knowledge folder whose
sources.yaml points at the local server; fiches come through ``APS_BOT_SERVICE_PUBLIC_URL``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sourcewatch_fakes import FIXTURES, FixtureServer, Route, running_server

from bot.cli import main
from bot.config import Config, ConfigError
from bot.i18n import Catalogs
from bot.knowledge import KnowledgeError, load_sources
from bot.knowledge.model import Since, Source, SourceRead
from bot.markup import plain_text
from bot.sourcewatch import FicheError, Status, check_sources, main_text, parse_fiche
from bot.sourcewatch import fetch as fetchmod
from bot.sourcewatch.judge import judge_fiche, judge_page
from bot.sourcewatch.notify import admin_ids, report_message

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_KB = Path(__file__).parent / "fixtures" / "kb"

# The main-text fingerprints of the page fixtures. They are a stored format (moderators paste
# them into sources.yaml): if the text extraction changes, these must not change silently.
FP_ETAG_PAGE = "sha256:02571212ae97294a9696edbb6ee1332fbcd319c0256b3d6e95a286742977507c"
FP_PLAIN_PAGE = "sha256:ab005e6b06a7fd429c0fdfc44cb95d42af49c780a59b51f0fcd1ad50914e712d"
FP_SCRIPT_PAGE = "sha256:fdcb8e8254231e967f4eda25b99eeb99938d9b5cefd69a20f38028c9141b1d56"
SLOW_SECONDS = 3.0


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    with running_server() as srv:
        srv.serve("/fiches/F17319", "F17319.xml")
        srv.serve("/fiches/F2229", "F2229.json")
        srv.serve("/fiches/F39530", "F39530-modified-2026-06-01.xml")
        srv.serve("/fiches/F34501", "F34501-new-notice.json")
        srv.serve(
            "/pages/etag",
            "page-etag.html",
            headers={"ETag": 'W/"v1"', "Last-Modified": "Sun, 01 Mar 2026 08:00:00 GMT"},
        )
        srv.serve("/pages/plain", "page-plain.html")
        srv.serve("/pages/script", "page-script-v1.html")
        srv.serve("/pages/flaky", "page-plain.html", fail_first=1)
        srv.serve("/pages/slow", "page-plain.html", delay=SLOW_SECONDS)
        yield srv


# --- The knowledge folder and the command --------------------------------------------------------


def sources_yaml(base: str) -> str:
    """Every case, one source each (S1-S4 fiches, S5-S12 pages, S13 not watched)."""

    def page(sid: str, path: str, reads: str = "") -> str:
        return (
            f"{sid}:\n  title: Page {sid}\n  publisher: Tests\n  url: {base}{path}\n"
            f"  kind: institutional\n  watch: page\n{reads}"
        )

    def read(on: str, fingerprint: str = "") -> str:
        extra = f"\n      fingerprint: '{fingerprint}'" if fingerprint else ""
        return (
            f'  reads:\n    - date: {on}\n      copy: false\n      showed: "what the page said"'
            f"{extra}\n"
        )

    def fiche(sid: str, fid: str, published: str, on: str) -> str:
        return (
            f"{sid}:\n  title: Fiche {fid}\n  publisher: Service-public.fr (DILA)\n"
            f"  url: https://www.service-public.gouv.fr/particuliers/vosdroits/{fid}\n"
            f"  published: {published}\n  kind: official\n  watch: service-public:{fid}\n"
            f'  reads:\n    - date: {on}\n      copy: false\n      showed: "modified {published}"\n'
        )

    return "".join(
        [
            fiche("S1", "F17319", "2026-01-01", "2026-02-01"),  # XML, as read
            fiche("S2", "F2229", "2025-06-11", "2026-02-01"),  # JSON, as read
            fiche("S3", "F39530", "2026-01-30", "2026-02-01"),  # modified since
            fiche("S4", "F34501", "2025-06-01", "2025-09-01"),  # a notice since
            page("S5", "/pages/etag", read("2026-03-02", 'etag:"v1"')),
            page("S6", "/pages/plain", read("2026-02-01", FP_PLAIN_PAGE)),
            page("S7", "/pages/script", read("2026-02-01", FP_SCRIPT_PAGE)),
            page("S8", "/pages/missing", read("2026-02-01", FP_PLAIN_PAGE)),
            page("S9", "/pages/flaky", read("2026-02-01", FP_PLAIN_PAGE)),
            page("S10", "/pages/slow", read("2026-02-01", FP_PLAIN_PAGE)),
            page("S11", "/pages/plain"),  # never read
            page("S12", "/pages/etag", read("2026-02-01")),  # Last-Modified after the read
            "S13:\n  title: Not watched\n  publisher: Tests\n  url: https://example.org/s13\n",
        ]
    )


@pytest.fixture
def kb(tmp_path: Path, server: FixtureServer) -> Path:
    folder = tmp_path / "kb"
    shutil.copytree(FIXTURE_KB, folder)
    (folder / "sources.yaml").write_text(sources_yaml(server.base), encoding="utf-8")
    return folder


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, server: FixtureServer) -> Iterator[None]:
    """Loopback only (no proxy), the local fiche template, a short retry delay; and the root
    logger as it was (the command sets up logging)."""
    for name in list(os.environ):
        if name.lower() in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("APS_BOT_SERVICE_PUBLIC_URL", f"{server.base}/fiches/{{id}}")
    monkeypatch.delenv("APS_BOT_KNOWLEDGE", raising=False)
    monkeypatch.setattr(fetchmod, "RETRY_DELAY", 0.05)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:], root.level = handlers, level


def check(kb: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["sources", "check", "--knowledge", str(kb), "--timeout", "1", *args])
    out, err = capsys.readouterr()
    return code, out, err


def lines_by_id(out: str) -> dict[str, str]:
    return {line.split(" ", 1)[0]: line for line in out.splitlines() if line.startswith("S")}


# --- Through the command line --------------------------------------------------------------------


def test_everything_at_once(kb: Path, server: FixtureServer, capsys) -> None:
    code, out, err = check(kb, capsys)
    assert code == 1, out + err
    lines = lines_by_id(out)
    assert sorted(lines, key=lambda s: int(s[1:])) == [f"S{i}" for i in range(1, 13)]
    assert lines["S1"] == "S1 unchanged: F17319 modified 2026-01-01, as last read"
    assert lines["S2"] == "S2 unchanged: F2229 modified 2025-06-11, as last read"
    assert lines["S3"].startswith(
        "S3 changed: F39530 modified 2026-06-01, last read as modified 2026-01-30"
    )
    assert lines["S3"].endswith(
        "<https://www.service-public.gouv.fr/particuliers/vosdroits/F39530>"
    )
    assert lines["S4"].startswith("S4 changed: F34501 announces a change: new notice R72813 of ")
    assert "2025-10-15" in lines["S4"] and "after the last read on 2025-09-01" in lines["S4"]
    assert lines["S5"] == "S5 unchanged: same ETag as read on 2026-03-02"
    assert lines["S6"] == "S6 unchanged: main text as read on 2026-02-01"
    assert lines["S7"] == "S7 unchanged: main text as read on 2026-02-01"
    assert lines["S8"] == f"S8 error: HTTP 404 from {server.base}/pages/missing"
    assert lines["S9"] == "S9 unchanged: main text as read on 2026-02-01"
    assert lines["S10"] == f"S10 error: no complete answer within 1 s from {server.base}/pages/slow"
    assert lines["S11"] == (
        "S11 no-baseline: never read (no reads entry): read the page, then record fingerprint "
        f"{FP_PLAIN_PAGE} in a reads entry <{server.base}/pages/plain>"
    )
    assert lines["S12"].startswith(
        "S12 changed: Last-Modified 2026-03-01 is after the last read on 2026-02-01"
    )
    assert out.splitlines()[-1] == (
        "sources check: 3 changed, 6 unchanged, 1 no-baseline, 2 error (12 watched, 1 not watched)"
    )
    assert err == ""


@pytest.mark.parametrize(
    ("only", "expected"),
    [
        ("S1,S2,S5,S6,S7,S9", 0),  # nothing changed, all checked (S9 after one retry)
        ("S1,S3", 1),  # a fiche modified since
        ("S4", 1),  # a fiche announcing a change
        ("S12", 1),  # a page's Last-Modified after the last read
        ("S1,S8", 3),  # a 404: not checked
        ("S1,S11", 3),  # never read: no baseline
        ("S3,S8,S11", 1),  # a change wins over what could not be checked
    ],
)
def test_exit_codes(kb: Path, capsys, only: str, expected: int) -> None:
    code, out, _ = check(kb, capsys, "--only", only)
    assert code == expected, out
    assert set(lines_by_id(out)) == set(only.split(","))


def test_a_5xx_is_retried_once(kb: Path, server: FixtureServer, capsys) -> None:
    code, out, _ = check(kb, capsys, "--only", "S9")
    assert (code, server.routes["/pages/flaky"].hits) == (0, 2), out
    server.routes["/pages/flaky"].fail_first = 10
    server.routes["/pages/flaky"].hits = 0
    code, out, _ = check(kb, capsys, "--only", "S9")
    assert (code, server.routes["/pages/flaky"].hits) == (3, 2)  # one retry, not more
    assert "S9 error: HTTP 500 from" in out


def test_a_dropped_connection_is_retried_and_redirects_are_followed(
    kb: Path, server: FixtureServer, capsys
) -> None:
    server.serve("/pages/flaky", "page-plain.html", drop_first=1)
    server.routes["/pages/plain"] = Route(b"", redirect="/pages/moved")
    server.serve("/pages/moved", "page-plain.html")
    code, out, _ = check(kb, capsys, "--only", "S6,S9", "--json")
    results = {r["id"]: r for r in json.loads(out)["results"]}
    assert code == 0, out
    assert server.routes["/pages/flaky"].hits == 2
    assert results["S6"]["fetched"] == f"{server.base}/pages/moved"
    server.serve("/pages/flaky", "page-plain.html", drop_first=2)
    code, out, _ = check(kb, capsys, "--only", "S9")
    assert code == 3
    assert lines_by_id(out)["S9"].startswith("S9 error: connection lost (RemoteProtocolError)")


def test_what_cannot_be_read_is_an_error_not_a_change(
    kb: Path, server: FixtureServer, capsys
) -> None:
    server.serve("/fiches/F17319", "page-plain.html")  # a wrong template: a web page, not data
    server.routes["/pages/plain"] = Route(b"<html><body><script>render()</script></body></html>")
    code, out, _ = check(kb, capsys, "--only", "S1,S6")
    lines = lines_by_id(out)
    assert code == 3
    assert lines["S1"] == (
        "S1 error: XML root is <html>, not <Publication> (not a service-public fiche) at "
        f"{server.base}/fiches/F17319"
    )
    assert lines["S6"].startswith("S6 error: no readable text at ")
    # a document that is not HTML is fingerprinted as it is
    server.routes["/pages/plain"] = Route(b"%PDF-1.7 ...", content_type="application/pdf")
    code, out, _ = check(kb, capsys, "--only", "S6")
    assert code == 1 and "main text differs" in out


def test_the_timeout_bounds_a_slow_answer(kb: Path, capsys) -> None:
    started = time.monotonic()
    code, out, _ = check(kb, capsys, "--only", "S10", "--timeout", "0.3")
    assert code == 3
    assert "S10 error: no complete answer within 0.3 s" in out
    assert time.monotonic() - started < SLOW_SECONDS - 0.5  # no retry after a timeout


def test_a_change_only_in_scripts_styles_and_menu_is_no_change(
    kb: Path, server: FixtureServer, capsys
) -> None:
    server.serve("/pages/script", "page-script-v2.html")
    code, out, _ = check(kb, capsys, "--only", "S7")
    assert (code, lines_by_id(out)["S7"]) == (0, "S7 unchanged: main text as read on 2026-02-01")
    # …while a change of one word in the text is one
    route = server.routes["/pages/script"]
    route.body = route.body.replace(b"12 mois", b"24 mois")
    code, out, _ = check(kb, capsys, "--only", "S7")
    assert code == 1
    assert lines_by_id(out)["S7"].startswith(
        "S7 changed: main text differs from the read of 2026-02-01; now sha256:"
    )


def test_a_new_etag_is_a_change(kb: Path, server: FixtureServer, capsys) -> None:
    server.routes["/pages/etag"].headers["ETag"] = '"v2"'
    code, out, _ = check(kb, capsys, "--only", "S5")
    assert code == 1
    assert lines_by_id(out)["S5"] == (
        f'S5 changed: ETag "v2" differs from the read of 2026-03-02; main text now {FP_ETAG_PAGE} '
        f"<{server.base}/pages/etag>"
    )


def test_json_output(kb: Path, server: FixtureServer, capsys) -> None:
    code, out, _ = check(kb, capsys, "--json", "--only", "S1,S3,S4,S6,S8,S11")
    data = json.loads(out)
    assert code == data["exit_code"] == 1
    assert data["summary"] == {
        "changed": 2,
        "unchanged": 2,
        "no-baseline": 1,
        "error": 1,
        "watched": 6,
        "not_watched": 0,
    }
    by_id = {r["id"]: r for r in data["results"]}
    assert [r["id"] for r in data["results"]] == ["S1", "S3", "S4", "S6", "S8", "S11"]
    keys = {"id", "status", "reason", "cause", "watch", "url", "fetched", "last_read", "baseline"}
    keys |= {"modified", "notices", "fingerprint", "etag", "last_modified"}
    assert all(set(r) == keys for r in data["results"])
    s3 = by_id["S3"]
    assert s3["status"] == "changed" and s3["modified"] == "2026-06-01"
    assert (s3["baseline"], s3["last_read"]) == ("2026-01-30", "2026-02-01")
    assert s3["fetched"] == f"{server.base}/fiches/F39530"
    assert s3["watch"] == "service-public:F39530"
    assert by_id["S4"]["notices"] == [
        {
            "id": "R72813",
            "date": "2025-10-15",
            "title": "Niveau exigé en français et examen civique pour solliciter une carte de "
            "résident ou une carte de séjour pluriannuelle",
        }
    ]
    assert by_id["S6"]["fingerprint"] == by_id["S6"]["baseline"] == FP_PLAIN_PAGE
    assert by_id["S8"]["status"] == "error" and by_id["S8"]["fingerprint"] is None
    assert by_id["S11"]["status"] == "no-baseline"
    assert by_id["S11"]["fingerprint"] == FP_PLAIN_PAGE


def test_suggest_prints_a_reads_entry_that_check_refuses_until_completed(kb: Path, capsys) -> None:
    code, out, _ = check(kb, capsys, "--only", "S3,S11", "--suggest")
    assert code == 1
    today = dt.date.today().isoformat()
    assert f"    - date: {today}\n" in out
    assert "  published: 2026-06-01\n" in out  # S3's new modification date
    assert f'      fingerprint: "{FP_PLAIN_PAGE}"\n' in out  # S11's page
    # pasted as is, the entry is refused: 'showed' is for the person who read the page
    block = out.split("# S11:")[1]
    entry = block[block.index("    - date:") :]
    sources = (kb / "sources.yaml").read_text(encoding="utf-8")

    def paste(text: str) -> None:  # S11 has no reads yet: the list goes before S12
        pasted = sources.replace("S12:\n", "  reads:\n" + text + "S12:\n")
        (kb / "sources.yaml").write_text(pasted, encoding="utf-8")

    paste(entry)
    with pytest.raises(KnowledgeError, match=r"S11.reads\[0\]: say what the source showed"):
        load_sources(kb)
    paste(entry.replace('showed: ""', 'showed: "nine months"'))
    assert load_sources(kb)["S11"].reads[-1].fingerprint == FP_PLAIN_PAGE
    code, out, _ = check(kb, capsys, "--only", "S11")
    assert (code, lines_by_id(out)["S11"]) == (0, f"S11 unchanged: main text as read on {today}")


def test_the_user_agent_says_who_asks(kb: Path, server: FixtureServer, capsys) -> None:
    check(kb, capsys, "--only", "S6")
    assert server.user_agents and all(
        ua.startswith("aps-bot/") and "source watch" in ua for ua in server.user_agents
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--only", "S99"], "aps-bot: --only: no source 'S99' in sources.yaml"),
        (["--only", "S13"], "aps-bot: --only: S13 is not watched"),
        (["--only", " , "], "aps-bot: --only needs source ids"),
    ],
)
def test_usage_errors_are_one_line(kb: Path, capsys, args: list[str], message: str) -> None:
    code, out, err = check(kb, capsys, *args)
    assert code == 2 and out == ""
    assert err.startswith(message) and err.count("\n") == 1, err


def test_json_output_stays_json(kb: Path, capsys) -> None:
    with pytest.raises(SystemExit) as info:  # argparse's usage error
        check(kb, capsys, "--json", "--suggest")
    assert info.value.code == 2
    assert "argument --suggest: not allowed with argument --json" in capsys.readouterr().err


@pytest.mark.parametrize(
    "template",
    ["http://127.0.0.1:9/fiches/", "ftp://example.org/{id}", "not a url {id}", "https:///{id}"],
)
def test_a_bad_template_is_one_line_and_never_echoed(
    kb: Path, capsys, monkeypatch: pytest.MonkeyPatch, template: str
) -> None:
    monkeypatch.setenv("APS_BOT_SERVICE_PUBLIC_URL", template)
    code, out, err = check(kb, capsys)
    assert code == 2 and out == ""
    assert err.startswith("aps-bot: APS_BOT_SERVICE_PUBLIC_URL must be an http(s) URL with {id}")
    assert err.count("\n") == 1 and template not in err


def test_credentials_in_the_template_are_never_printed(
    kb: Path, server: FixtureServer, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret_base = server.base.replace("http://", "http://robot:s3cr3t@")
    monkeypatch.setenv("APS_BOT_SERVICE_PUBLIC_URL", f"{secret_base}/fiches/{{id}}?token=t0k3n")
    code, out, err = check(kb, capsys, "--only", "S1,S3")
    assert code == 1
    code, json_out, _ = check(kb, capsys, "--only", "S1,S3", "--json")
    for secret in ("s3cr3t", "t0k3n", "robot"):
        assert secret not in out + err + json_out
    assert f"{server.base}/fiches/F39530" in json_out


def test_knowledge_errors_exit_2(kb: Path, tmp_path: Path, capsys) -> None:
    code, out, err = check(tmp_path / "nowhere", capsys)
    assert (code, out) == (2, "")
    assert err.strip().endswith("sources.yaml:0: file not found") and err.count("\n") == 1
    (kb / "sources.yaml").write_text(
        "S1:\n  title: t\n  publisher: p\n  url: https://example.org/s1\n  watch: page\n"
        "  reads:\n    - date: 2026-01-01\n      copy: false\n      showed: x\n"
        "      fingerprint: md5:abc\n",
        encoding="utf-8",
    )
    code, out, err = check(kb, capsys)
    assert (code, out) == (2, "")
    assert "sources.yaml:10: source S1.reads[0]: 'fingerprint' must be sha256:" in err


def test_an_unreadable_knowledge_folder_is_one_line(tmp_path: Path, capsys) -> None:
    (tmp_path / "sources.yaml").mkdir()  # a folder where the file should be
    code, out, err = check(tmp_path, capsys)
    assert (code, out) == (2, "")
    assert "sources.yaml:0: cannot read" in err and err.count("\n") == 1


def test_help_and_entry_point() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("APS_BOT_")}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "sources", "check", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    for option in ("--only", "--json", "--timeout", "--knowledge", "--suggest", "Exit codes"):
        assert option in result.stdout


def test_the_entry_point_runs_offline_in_a_subprocess(kb: Path, server: FixtureServer) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("APS_BOT_")}
    env["APS_BOT_SERVICE_PUBLIC_URL"] = f"{server.base}/fiches/{{id}}"
    command = ["sources", "check", "--knowledge", str(kb), "--only", "S1,S2,S6"]
    result = subprocess.run(
        [sys.executable, "-m", "bot", *command],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith("sources check: 0 changed, 3 unchanged")


# --- The pieces ----------------------------------------------------------------------------------


def test_xml_and_json_forms_of_a_fiche_read_the_same() -> None:
    xml = parse_fiche((FIXTURES / "F17319.xml").read_bytes())
    js = parse_fiche((FIXTURES / "F17319.json").read_bytes())
    assert (xml.format, js.format) == ("xml", "json")
    assert xml.id == js.id == "F17319"
    assert xml.important == xml.modified == js.important == js.modified == dt.date(2026, 1, 1)
    assert (
        xml.title
        == js.title
        == "Carte de séjour ou VLS-TS - Recherche d'emploi/création d'entreprise"
    )


def test_the_later_of_the_two_dates_counts() -> None:
    # as in the 2025 copy of F17319: a significant change on 06-26, a minor one on 09-12
    text = (FIXTURES / "F17319.xml").read_text(encoding="utf-8")
    text = text.replace('Importante="2026-01-01T00:00:00"', 'Importante="2025-06-26T00:00:00"')
    text = text.replace("modified 2026-01-01", "modified 2025-09-12")
    fiche = parse_fiche(text)
    assert (fiche.important, fiche.modified) == (dt.date(2025, 6, 26), dt.date(2025, 9, 12))
    assert fiche.latest == dt.date(2025, 9, 12)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "neither XML nor JSON"),
        ("Service indisponible", "neither XML nor JSON"),
        ("<html><body>Not found</body></html>", "XML root is <html>"),
        ("<Publication ID='F1'><dc:date>", "invalid XML"),
        ('<!DOCTYPE x [<!ENTITY a "b">]><Publication/>', "entity declarations refused"),
        ('{"id": "F1", "children": []}', "no Publication element"),
        ('{"id": ', "invalid JSON"),
        ("[1, 2]", "neither XML nor JSON"),
        (
            '<Publication ID="F1"><dc:title xmlns:dc="x">t</dc:title></Publication>',
            "no modification date",
        ),
    ],
)
def test_what_is_not_a_fiche_is_said_in_one_line(content: str, message: str) -> None:
    with pytest.raises(FicheError, match=message) as info:
        parse_fiche(content)
    assert "\n" not in str(info.value)


def test_main_text_keeps_the_text_and_drops_the_chrome() -> None:
    html = (
        "<html><head><title>T</title><script>var a = '<p>no</p>';</script></head><body>"
        "<header>Site</header><nav>Menu</nav>"
        "<main><header><h1>Titre</h1></header><p>Un&nbsp;texte</p><p>de   deux\n lignes</p>"
        "<noscript>Activez JS</noscript></main>"
        "<footer>Pied</footer></body></html>"
    )
    assert main_text(html) == "Titre Un texte de deux lignes"
    assert main_text("<body><div>a<div>b</div></div><p>c</p></body>") == "a b c"
    assert main_text("<div role='main'><div>x</div>y</div><div>not main</div>") == "x y"
    assert main_text("<script>only()</script>") == ""


def _source(**changes) -> Source:
    base = {
        "id": "S1",
        "title": "t",
        "short": "t",
        "publisher": "p",
        "url": "https://example.org/",
        "kind": "official",
        "watch": "page",
    }
    return Source(**{**base, **changes})


def test_a_month_only_published_date_covers_its_month() -> None:
    fiche = parse_fiche((FIXTURES / "F17319.xml").read_bytes())  # modified 2026-01-01
    source = _source(watch="service-public:F17319", published=Since(dt.date(2026, 1, 1), True))
    assert judge_fiche(source, fiche, "F17319", "").status is Status.UNCHANGED
    older = _source(watch="service-public:F17319", published=Since(dt.date(2025, 12, 1), True))
    result = judge_fiche(older, fiche, "F17319", "")
    assert result.status is Status.CHANGED
    assert result.reason == "F17319 modified 2026-01-01, last read as modified 2025-12"


def test_fiche_edge_cases() -> None:
    fiche = parse_fiche((FIXTURES / "F34501-new-notice.json").read_bytes())
    read = SourceRead(dt.date(2026, 11, 30), "notice dated 2025-10-15")
    known = _source(
        watch="service-public:F34501", published=Since(dt.date(2025, 6, 1)), reads=(read,)
    )
    assert judge_fiche(known, fiche, "F34501", "").status is Status.UNCHANGED  # notice already read
    unrecorded = _source(watch="service-public:F34501", reads=(read,))
    result = judge_fiche(unrecorded, fiche, "F34501", "")
    assert result.status is Status.NO_BASELINE
    assert "set published: 2025-06-01" in result.reason
    wrong = judge_fiche(known, fiche, "F17319", "")
    assert (wrong.status, wrong.reason) == (
        Status.ERROR,
        "the data fetched is fiche F34501, not F17319",
    )
    ahead = _source(
        watch="service-public:F34501", published=Since(dt.date(2025, 9, 1)), reads=(read,)
    )
    lagging = judge_fiche(ahead, fiche, "F34501", "")
    assert lagging.status is Status.UNCHANGED and "may lag behind" in lagging.reason


def test_page_edge_cases() -> None:
    lm = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    by_text = _source(reads=(SourceRead(dt.date(2026, 2, 1), "x", fingerprint=FP_PLAIN_PAGE),))
    # a text fingerprint decides alone: a newer Last-Modified with the same text is no change
    same = judge_page(by_text, FP_PLAIN_PAGE, "", lm, "")
    assert same.status is Status.UNCHANGED and "Last-Modified 2026-05-01 is newer" in same.reason
    by_etag = _source(reads=(SourceRead(dt.date(2026, 2, 1), "x", fingerprint='etag:"a"'),))
    assert judge_page(by_etag, FP_PLAIN_PAGE, 'W/"a"', None, "").status is Status.UNCHANGED
    gone = judge_page(by_etag, FP_PLAIN_PAGE, "", None, "")
    assert gone.status is Status.NO_BASELINE and FP_PLAIN_PAGE in gone.reason
    undated = _source(reads=(SourceRead(dt.date(2026, 2, 1), "x"),))
    old_lm = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    assert judge_page(undated, FP_PLAIN_PAGE, "", old_lm, "").status is Status.NO_BASELINE
    # the newest read with a fingerprint is the baseline
    two = _source(
        reads=(
            SourceRead(dt.date(2026, 1, 1), "x", fingerprint=FP_ETAG_PAGE),
            SourceRead(dt.date(2026, 2, 1), "x", fingerprint=FP_PLAIN_PAGE),
            SourceRead(dt.date(2026, 3, 1), "x"),
        )
    )
    assert judge_page(two, FP_PLAIN_PAGE, "", None, "").status is Status.UNCHANGED


def test_the_real_sources_yaml_loads_with_every_watch() -> None:
    sources = load_sources(ROOT / "knowledge")
    watched = {s.id: s.watch for s in sources.values() if s.watch}
    assert watched["S1"] == "service-public:F17319"
    assert all(w == "page" or w.startswith("service-public:F") for w in watched.values())


# --- The weekly message to admins (the adapters' tests send it: tests/telegram, tests/discord) ---


def test_admin_ids_per_platform() -> None:
    admins = frozenset({"telegram:1", "2", "discord:3", "telegram:abc", "matrix:4"})
    assert admin_ids(admins, "telegram") == ["2", "1"]  # a bare id is anyone's
    assert admin_ids(admins, "discord") == ["2", "3"]


async def test_the_admin_message_names_each_change(kb: Path) -> None:
    sources = load_sources(kb)
    report = await check_sources(sources, only=["S3", "S4", "S6", "S8", "S12"], env=os.environ)
    text = plain_text(report_message(report, sources, Catalogs().get("en")))
    assert text.splitlines() == [
        "🔎 Weekly source check: 3 sources changed since they were last read.",
        "",
        "• S3 Service-public.fr (DILA): modified on 1 June 2026 (last read as modified on 30 January 2026)",
        "• S4 Service-public.fr (DILA): announces a change (notice of 15 October 2025: Niveau exigé en français "
        "et examen civique pour solliciter une carte de résident ou une carte de séjour "
        "pluriannuelle)",
        "• S12 Tests: the page changed since it was last read (1 February 2026)",
        "",
        "Read them, then update the knowledge and record your reads (README, “Watching the "
        "sources”); the command aps-bot sources check gives the details.",
        "",
        "1 other source could not be checked.",
    ]
    assert [r.cause for r in report.results if r.status is Status.CHANGED] == [
        "modified",
        "notice",
        "last-modified",
    ]


@pytest.mark.parametrize(
    ("value", "expected"), [("", ""), ("off", ""), ("Weekly", "weekly"), ("daily", None)]
)
def test_the_weekly_setting(value: str, expected: str | None) -> None:
    env = {"APS_BOT_SOURCES_WATCH": value}
    if expected is None:
        with pytest.raises(ConfigError, match="APS_BOT_SOURCES_WATCH must be 'weekly'"):
            Config.from_env(env)
    else:
        assert Config.from_env(env).sources_watch == expected
