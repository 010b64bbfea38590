"""The budgets (issue 14), measured by scripts/site_budget.py: at most 100 KB per page (HTML,
stylesheet and script; the search index excluded), at most 300 KB per search index."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

from bot.i18n import catalog_languages

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "site_budget.py"


def _module():
    spec = importlib.util.spec_from_file_location("site_budget", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_page_and_index_is_within_budget():
    done = subprocess.run(
        [sys.executable, str(SCRIPT)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "site budget: ok" in done.stdout
    assert re.search(r"^\d+ pages; budget 100\.0 KB", done.stdout, re.M)
    assert "web chat page" in done.stdout
    found = re.findall(r"search index \w+/search-index\.json", done.stdout)
    assert len(found) == len(catalog_languages())  # one per language the site is built in


def test_a_page_over_budget_fails(tmp_path: Path, capsys):
    budget = _module()
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "big.js").write_text("x" * 95_000)
    (tmp_path / "index.html").write_text(
        '<html lang="en"><script src="assets/big.js"></script>' + "y" * 6_000
    )
    (tmp_path / "small.html").write_text('<html lang="en"><p>ok</p>')
    assert budget.page_weight(tmp_path / "index.html") > budget.PAGE_BUDGET
    assert budget.weigh(tmp_path, show_all=True) == 1
    out = capsys.readouterr()
    assert "OVER BUDGET: index.html" in out.err and "small.html" in out.out
