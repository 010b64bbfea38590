"""Where the data is read from, in each way the bot can be installed, and ``--version``.

What a real wheel installs is checked by ``make package-check`` (it needs PyPI); here the layouts
are built by hand in a temporary folder and imported with ``python -S``, so nothing else is on
the path: an installed wheel (``bot/_data/…``), a checkout (``knowledge/`` beside ``bot/``), a zip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest

from bot import resources
from bot.config import Config
from bot.i18n import DEFAULT_LOCALES_DIR
from bot.knowledge import DEFAULT_KNOWLEDGE_DIR

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE_FILES = {
    *("claims.yaml", "facts.yaml", "faq.yaml", "flow.yaml", "sources.yaml", "situations.yaml"),
}


def _python(code: str, path: Path, cwd: Path) -> str:
    """Run `code` with only `path` (and the standard library) importable; return its stdout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("APS_BOT_", "PYTHON"))}
    env["PYTHONPATH"] = str(path)
    result = subprocess.run(
        [sys.executable, "-S", "-c", code],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def _code_only(site: Path) -> Path:
    """A copy of the package's code (no data) under `site`, as in a site-packages folder."""
    shutil.copytree(ROOT / "bot", site / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    return site


def _print_dirs() -> str:
    return "import bot.resources as r; print(r.knowledge_dir({})); print(r.locales_dir())"


def test_aps_bot_knowledge_overrides_the_bundled_folder(tmp_path: Path) -> None:
    assert resources.knowledge_dir({"APS_BOT_KNOWLEDGE": str(tmp_path)}) == tmp_path
    assert Config.from_env({"APS_BOT_KNOWLEDGE": f" {tmp_path} "}).knowledge_dir == tmp_path
    assert resources.knowledge_dir({"APS_BOT_KNOWLEDGE": "~/kb"}) == Path.home() / "kb"


@pytest.mark.parametrize("value", [None, "", "   "])
def test_without_app_knowledge_the_bundled_folder_is_used(value: str | None) -> None:
    env = {} if value is None else {"APS_BOT_KNOWLEDGE": value}
    assert resources.knowledge_dir(env) == resources.bundled("knowledge")
    assert Config.from_env(env).knowledge_dir == resources.bundled("knowledge")


def test_this_checkout_reads_its_own_top_level_folders() -> None:
    """The editable install (make) reads the same files the build maps into the wheel."""
    assert not (ROOT / "bot" / "_data").exists(), "bot/_data is made by the build, never kept"
    assert resources.bundled("knowledge") == DEFAULT_KNOWLEDGE_DIR == ROOT / "knowledge"
    assert resources.locales_dir() == DEFAULT_LOCALES_DIR == ROOT / "locales"
    assert {p.name for p in DEFAULT_KNOWLEDGE_DIR.iterdir()} >= KNOWLEDGE_FILES


def test_an_installed_package_reads_its_packaged_data(tmp_path: Path) -> None:
    site = _code_only(tmp_path / "site-packages")
    data = site / "bot" / "_data"
    shutil.copytree(ROOT / "knowledge", data / "knowledge")
    (data / "locales").mkdir()
    # A knowledge/ folder at the top of site-packages, or in the working directory, is not ours.
    for decoy in (site / "knowledge", tmp_path / "knowledge"):
        shutil.copytree(ROOT / "knowledge", decoy)
    knowledge, locales = _python(_print_dirs(), site, cwd=tmp_path).splitlines()
    assert Path(knowledge) == data / "knowledge"
    assert Path(locales) == data / "locales"


def test_a_checkout_reads_the_top_level_folders(tmp_path: Path) -> None:
    checkout = _code_only(tmp_path / "checkout")
    (checkout / "knowledge").mkdir()
    (checkout / "locales").mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    knowledge, locales = _python(_print_dirs(), checkout, cwd=elsewhere).splitlines()
    assert (Path(knowledge), Path(locales)) == (checkout / "knowledge", checkout / "locales")


def test_missing_data_is_reported_where_an_installed_package_keeps_it(tmp_path: Path) -> None:
    site = _code_only(tmp_path / "site-packages")
    code = (
        "from bot.knowledge.yamlfile import KnowledgeError\n"
        "from bot.knowledge import load_knowledge\n"
        "try:\n    load_knowledge()\n"
        "except KnowledgeError as exc:\n    print(exc.problems[0])\n"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # the loader needs PyYAML, Babel…: the test environment's libraries come after the package
    path = f"{site}{os.pathsep}{sysconfig.get_paths()['purelib']}"
    line = _python(code, Path(path), cwd=elsewhere)
    assert line == f"{site}/bot/_data/knowledge/facts.yaml:0: file not found"


def test_a_zipped_package_gets_its_data_as_real_files(tmp_path: Path) -> None:
    archive = tmp_path / "aps-bot.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for name in ("__init__.py", "resources.py"):
            z.write(ROOT / "bot" / name, f"bot/{name}")
        for file in sorted((ROOT / "knowledge").glob("*.yaml")):
            z.write(file, f"bot/_data/knowledge/{file.name}")
        z.write(
            ROOT / "locales/fr/LC_MESSAGES/messages.po",
            "bot/_data/locales/fr/LC_MESSAGES/messages.po",
        )
    code = (
        "import bot.resources as r\n"
        "k, l = r.knowledge_dir({}), r.locales_dir()\n"
        "print(','.join(sorted(p.name for p in k.iterdir())))\n"
        "print((l / 'fr/LC_MESSAGES/messages.po').stat().st_size)\n"
        "print(r.bundled('knowledge') is k)\n"
    )
    names, size, cached = _python(code, archive, cwd=tmp_path).splitlines()
    assert set(names.split(",")) == KNOWLEDGE_FILES
    assert int(size) == (ROOT / "locales/fr/LC_MESSAGES/messages.po").stat().st_size
    assert cached == "True"


def test_version_is_the_package_metadata() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert version("aps-bot") == declared
    env = {k: v for k, v in os.environ.items() if not k.startswith("APS_BOT_")}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--version"],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
        check=False,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, f"aps-bot {declared}\n", "")


def test_version_is_not_read_at_import() -> None:
    """importlib.metadata is a sixth of the start-up: only --version pays for it."""
    code = "import sys, bot.cli; print('importlib.metadata' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.stdout.strip() == "False", result.stderr
