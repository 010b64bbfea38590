"""aps-bot: answers international graduates' questions about the RECE card ("APS") in France."""

from __future__ import annotations

DISTRIBUTION = "aps-bot"


def __getattr__(name: str) -> str:
    """``bot.__version__``: the installed distribution's version, from its metadata.

    Read when first asked rather than at import: `importlib.metadata` costs about 30 ms to import,
    a sixth of the command line's start-up, and only ``--version`` needs it.
    """
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:  # a checkout run without installing it (make does install it)
        return "unknown (not installed)"
