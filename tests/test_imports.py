"""Every module imports on its own, first: no import cycle hides behind a lucky import order."""

import importlib
import pkgutil
import subprocess
import sys

import bot


def test_every_package_imports_first_in_a_fresh_interpreter() -> None:
    # packages and the modules other packages import from: where a cycle would bite
    names = [m.name for m in pkgutil.walk_packages(bot.__path__, "bot.") if m.ispkg]
    names += [
        "bot.storage.sqlite",
        "bot.storage.redis",
        "bot.engine.engine",
        "bot.knowledge.load",
        "bot.knowledge.extract",
        "bot.i18n",
        "bot.testing",
        "bot.cli",
    ]
    assert len(names) > 10
    code = "import importlib, sys\nfor n in sys.argv[1:]:\n    importlib.import_module(n)\n"
    for name in names:  # one interpreter per module: each is the first thing imported
        result = subprocess.run(
            [sys.executable, "-c", code, name],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, f"{name}: {result.stderr.strip().splitlines()[-1:]}"
    importlib.invalidate_caches()
