"""The command line, run as a user runs it: a subprocess of the installed ``aps-bot``."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.i18n import Catalogs, catalog_languages
from bot.knowledge import load_knowledge
from bot.knowledge.graph import mermaid
from bot.knowledge.model import Knowledge, flow_context

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_KB = Path(__file__).parent / "fixtures" / "kb"


def run(*args: str, stdin: str = "", env: dict[str, str] | None = None, timeout: float = 60):
    full_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "DISCORD_", "APS_BOT_"))
    }
    full_env.update({"APS_BOT_DATABASE": "memory", "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8"})
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=full_env,
        timeout=timeout,
        check=False,
    )


def path_to_dated_outcome(k: Knowledge) -> tuple[list[str], str]:
    """Console lines (choice numbers and a date) that reach an outcome through the date question."""
    flow = k.flow

    def walk(node_id: str, answers: dict, lines: list[str], seen: frozenset):
        node = flow.nodes[node_id]
        if node.kind == "branch":
            return walk(
                node.cases.get(answers.get(node.on, ""), node.default), answers, lines, seen
            )
        if node.kind == "outcome":
            return (lines, node_id) if any(not line.isdigit() for line in lines) else None
        if node_id in seen:
            return None
        seen = seen | {node_id}
        if node.kind == "input":
            return walk(node.next, {**answers, node.store: "x"}, [*lines, "15/03/2027"], seen)
        for i, opt in enumerate(node.options, 1):
            found = walk(opt.next, {**answers, **opt.set}, [*lines, str(i)], seen)
            if found:
                return found
        return None

    found = walk(flow.start, {}, [], frozenset())
    assert found, "no path through the date question"
    return found


# "How much does it cost?" in each catalog's language: a new language adds its own here
FEE_QUESTIONS = {"en": "how much does it cost?", "fr": "combien ça coûte ?", "zh": "要多少钱？"}


@pytest.mark.parametrize("lang", catalog_languages())
def test_scripted_console_session_walkthrough_and_question(lang: str) -> None:
    k = load_knowledge()
    lines, outcome = path_to_dated_outcome(k)
    assert lang in FEE_QUESTIONS, f"write the fee question in {lang} in FEE_QUESTIONS"
    question = FEE_QUESTIONS[lang]
    script = "\n".join([f"/lang {lang}", "/aps", *lines, question, "/quit"]) + "\n"
    result = run("console", stdin=script)
    assert result.returncode == 0, result.stderr
    t = Catalogs().get(lang)
    node = k.flow.nodes[outcome]
    assert t.pgettext(flow_context(outcome, "title"), node.title) in result.stdout
    assert t.gettext("Sources:") in result.stdout
    fee_title = k.faq.by_id["fee"].title
    assert t.pgettext("faq:fee.title", fee_title) in result.stdout
    assert "Traceback" not in result.stderr


def test_console_numbers_choose_and_unknown_input_is_answered() -> None:
    script = "/aps\n1\n/nonsense\n\x1b[31mhello\n/quit\n"
    result = run("console", "--knowledge", str(FIXTURE_KB), stdin=script)
    assert result.returncode == 0, result.stderr
    assert "EU outcome" in result.stdout
    assert "I don't know the command /nonsense" in result.stdout
    assert "\x1b[31m" not in result.stdout  # a user's escape sequence is shown, not run


def test_console_shows_each_kind_of_first_reply_and_numbers_its_buttons() -> None:
    """Issue 19 in the terminal: composed (a "More" per entry, picked by number), an answer with
    "Not what I asked", "did you mean", and "I don't know"."""
    script = (
        "how much does it cost? and where do I apply?\n2\n"
        "how much does the rece card cost\ncard papers\nhow do I open a bank account?\n/quit\n"
    )
    result = run("console", "--database", "memory", "--lang", "en", stdin=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    composed = out.index("Your question has several parts:")
    assert out.index("  1. More: How much does it cost?", composed) > composed
    more = out.index("  2. More: Where and how do I apply?", composed)
    headline = out.index("\n\nWhere and how do I apply?\n\n", more)  # picked by number
    assert out.index("Sources:", headline) > headline
    assert "❓ Not what I asked" in out
    assert "Did you mean:" in out
    assert "I don't have an answer to that yet" in out


def test_ask_json_in_french() -> None:
    result = run("ask", "--json", "combien coute la carte")
    assert result.returncode == 0, result.stderr
    obj = json.loads(result.stdout)
    assert obj["id"] == "fee" and obj["lang"] == "fr"
    assert 0 < obj["score"] <= 1
    # issue 11: the 2026 fee, with the change and the ⚠️ of a figure read on secondary pages
    answer = obj["answer"].replace("\u202f", " ").replace("\xa0", " ")
    assert "150 €" in answer and "depuis mai 2026 ; 75 € avant" in answer and "⚠️" in answer
    assert isinstance(obj["alternatives"], list)
    assert obj["kind"] == "answer" and obj["shown"] == ["fee"]


def test_ask_json_composed_has_every_short_answer_and_what_it_shows() -> None:
    result = run("ask", "--json", "--lang", "en", "how much does it cost? and where do I apply?")
    assert result.returncode == 0, result.stderr
    obj = json.loads(result.stdout)
    assert obj["kind"] == "composed" and obj["shown"] == ["fee", "where_apply"]
    assert obj["id"] == "fee" and 0 < obj["score"] <= 1  # the first entry shown
    assert "€" in obj["answer"] and "préfecture" in obj["answer"]  # both short answers
    assert not {a["id"] for a in obj["alternatives"]} & set(obj["shown"])
    assert set(obj) >= {"id", "score", "lang", "answer", "alternatives", "kind", "shown"}


def test_ask_the_salary_for_the_change_of_status_gets_the_june_2026_smic() -> None:
    """Issue 20: the threshold follows the SMIC of 1 June 2026, says since when, and keeps the
    ⚠️ of a figure read as quoted (a December rise was mentioned but not found)."""
    result = run("ask", "--json", "quel salaire minimum pour passer salarié après la rece")
    obj = json.loads(result.stdout)
    assert obj["id"] == "salary_threshold", obj
    answer = obj["answer"].replace("\u202f", " ").replace("\xa0", " ")
    assert "Au moins 2 800,53 € brut par mois" in answer
    assert "depuis le 1er juin 2026" in answer and "⚠️" in answer
    assert "(version du 1er janvier 2026)" in answer  # F17319: a copy of its January version


def test_ask_json_no_match_exits_zero() -> None:
    result = run("ask", "--json", "--lang", "en", "zzzz qqqq")
    assert result.returncode == 0
    obj = json.loads(result.stdout)
    assert obj["id"] is None and obj["lang"] == "en"
    assert obj["kind"] == "unknown" and obj["shown"] == []


def test_ask_plain_and_bad_language() -> None:
    result = run("ask", "--lang", "en", "how much does the card cost")
    assert result.returncode == 0 and "€" in result.stdout
    bad = run("ask", "--lang", "xx", "hello")
    assert bad.returncode == 2
    assert bad.stderr.strip().count("\n") == 0 and "unknown language" in bad.stderr


def test_check_passes_on_the_repository() -> None:
    result = run("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "aps-bot check: ok" in result.stdout


def test_check_fails_with_file_and_line_on_a_broken_copy(tmp_path: Path) -> None:
    kb = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", kb)
    text = (kb / "flow.yaml").read_text(encoding="utf-8")
    first_next = re.search(r"^(\s+)next: (\w+)$", text, re.M)
    text = text[: first_next.start(2)] + "no_such_node" + text[first_next.end(2) :]
    (kb / "flow.yaml").write_text(text, encoding="utf-8")
    result = run("check", "--knowledge", str(kb))
    assert result.returncode == 1
    assert re.search(r"flow\.yaml:\d+: node \w+: goes to 'no_such_node'", result.stderr)
    assert "Traceback" not in result.stderr
    (kb / "faq.yaml").write_text("entries:\n  - id: x\n  bad", encoding="utf-8")
    result = run("check", "--knowledge", str(kb))
    assert result.returncode == 1 and re.search(r"faq\.yaml:\d+: invalid YAML", result.stderr)


def test_check_rejects_a_long_or_unmarked_french_short_answer(tmp_path: Path) -> None:
    """The loader checks the English short answers; check holds every other catalog to the same
    length, and to the English's ⚠️, pointing at the catalog entry."""
    from babel.messages.pofile import read_po, write_po

    locales = tmp_path / "locales"
    for lang in ("en", "fr"):
        shutil.copytree(ROOT / "locales" / lang, locales / lang)
    po = locales / "fr" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as f:
        catalog = read_po(f)
    knowledge = load_knowledge()
    fee, rncp = knowledge.faq.by_id["fee"], knowledge.faq.by_id["rncp"]
    assert "⚠️" in rncp.short
    catalog.get(fee.short, context="faq:fee.short").string = "⚠️ " + "Elle coûte {fee_rece}. " * 10
    catalog.get(rncp.short, context="faq:rncp.short").string = "Seulement au niveau 7."
    with po.open("wb") as f:
        write_po(f, catalog, width=76)
    with po.open("rb") as f:
        catalog = read_po(f)
    fee_line = catalog.get(fee.short, context="faq:fee.short").lineno
    rncp_line = catalog.get(rncp.short, context="faq:rncp.short").lineno

    result = run("check", "--locales", str(locales))
    assert result.returncode == 1
    errors = result.stderr.splitlines()
    assert (
        f"{po}:{fee_line}: fr: the short answer faq:fee.short is 222 characters long, over 220 "
        "(figures counted as printed): one or two sentences"
    ) in errors
    assert (
        f"{po}:{rncp_line}: fr: the translation of faq:rncp.short drops the ⚠️ of the English: "
        "keep the point marked as unsettled"
    ) in errors
    assert errors[-1] == "aps-bot check: 2 error(s)"


def test_graph_matches_the_readme() -> None:
    result = run("graph")
    assert result.returncode == 0
    assert result.stdout == mermaid(load_knowledge().flow)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(
        r"<!-- graph:start -->\n```mermaid\n(.*?)```\n<!-- graph:end -->", readme, re.S
    )
    assert block, "README.md lacks the graph block"
    assert block.group(1) == result.stdout, "README diagram is stale: run `make readme`"


@pytest.mark.parametrize("args", [[], ["console"], ["ask"], ["check"], ["graph"], ["run"]])
def test_help_everywhere(args: list[str]) -> None:
    result = run(*args, "--help")
    assert result.returncode == 0 and "usage: aps-bot" in result.stdout


def test_user_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    result = run("console", env={"APS_BOT_RETENTION_DAYS": "soon"}, stdin="/quit\n")
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == "aps-bot: APS_BOT_RETENTION_DAYS must be a whole number of days (at least 1)"
    )
    (tmp_path / "f").write_text("x")
    result = run(
        "console",
        "--knowledge",
        str(FIXTURE_KB),
        env={"APS_BOT_DATABASE": str(tmp_path / "f" / "db")},
        stdin="/quit\n",
    )
    assert result.returncode == 2 and "cannot open the database" in result.stderr
    assert "Traceback" not in result.stderr
    result = run("nonsense-command")
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_tokens_never_appear_in_errors(tmp_path: Path) -> None:
    token = "123456789:cli-fake-token"
    secret_file = tmp_path / "token"
    secret_file.write_text(token)
    result = run(
        "console", env={"TELEGRAM_BOT_TOKEN": token, "TELEGRAM_BOT_TOKEN_FILE": str(secret_file)}
    )
    assert result.returncode == 2 and "not both" in result.stderr
    assert token not in result.stdout + result.stderr


def test_an_unreachable_platform_is_one_line_without_the_token() -> None:
    token = "123456789:cli-fake-token"
    result = run(
        "run", env={"TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9"}
    )
    assert result.returncode == 2
    assert "cannot reach the Telegram Bot API at http://127.0.0.1:9" in result.stderr
    assert "Traceback" not in result.stderr and token not in result.stdout + result.stderr
