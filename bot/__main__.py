"""``python -m bot`` is ``aps-bot``."""

from bot.cli import main

raise SystemExit(main())
