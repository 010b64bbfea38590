"""Where the bot's data lives: the knowledge folder and the translation catalogs.

The repository keeps them at its top level (``knowledge/``, ``locales/``); the build maps them into
the package as ``bot/_data/knowledge`` and ``bot/_data/locales`` (``setup.py``), so a wheel carries
them wherever it is installed. This module is the one place that knows both layouts:

- ``$APS_BOT_KNOWLEDGE`` names another knowledge folder (to try edits); it wins when set;
- an installed wheel reads its packaged copy, found through `importlib.resources`;
- an editable install (what ``make`` does) or a bare checkout reads the repository's folders, which
  are the very files a wheel built from that checkout carries.

Babel and the knowledge loader read real files (and report ``file:line``), so every function here
returns a filesystem `Path`. When the package is imported from a zip archive, its data is copied
once to a temporary folder: `importlib.resources.as_file` handles single files only on Python 3.11.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Literal

KNOWLEDGE_ENV = "APS_BOT_KNOWLEDGE"
DataName = Literal["knowledge", "locales"]


def knowledge_dir(env: Mapping[str, str] | None = None) -> Path:
    """The knowledge folder: ``$APS_BOT_KNOWLEDGE`` when set, else the bundled one.

    Args:
        env: the environment to read (default: `os.environ`).
    """
    value = (os.environ if env is None else env).get(KNOWLEDGE_ENV, "").strip()
    return Path(value).expanduser() if value else bundled("knowledge")


def locales_dir() -> Path:
    """The bundled catalogs: ``<lang>/LC_MESSAGES/messages.po`` for each language."""
    return bundled("locales")


@cache  # a zip-imported package is extracted once per process
def bundled(name: DataName) -> Path:
    """The folder `name` as this installation ships it, as a real directory.

    When it is nowhere, the packaged location is returned anyway, so that "file not found"
    errors name the place an installed package keeps its data.
    """
    packaged = files("bot") / "_data" / name
    if not isinstance(packaged, Path):  # imported from a zip archive
        return _extract(packaged, name) if packaged.is_dir() else Path(str(packaged))
    if packaged.is_dir():
        return packaged
    checkout = packaged.parents[2] / name  # <checkout>/bot/_data/knowledge → <checkout>/knowledge
    return checkout if checkout.is_dir() else packaged


def _extract(tree: Traversable, name: str) -> Path:
    target = Path(tempfile.mkdtemp(prefix=f"aps-bot-{name}-"))
    atexit.register(shutil.rmtree, target, ignore_errors=True)
    _copy(tree, target)
    return target


def _copy(tree: Traversable, target: Path) -> None:
    for item in tree.iterdir():
        if item.is_dir():
            (target / item.name).mkdir()
            _copy(item, target / item.name)
        else:
            (target / item.name).write_bytes(item.read_bytes())
