"""The one exception every subcommand raises for a mistake the user can fix."""

from __future__ import annotations


class UsageError(Exception):
    """A mistake the user can fix; printed as one line."""
