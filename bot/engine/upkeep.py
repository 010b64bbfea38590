"""What every long-running process runs beside its front ends: the heartbeat and the daily purge.

``aps-bot run`` (`bot.adapters.run`) and ``aps-bot web`` (`bot.web.app`) both hand these jobs to
`bot.jobs.run_jobs`; each is written once here (or in `bot.health`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.health import heartbeat_job
from bot.jobs import Every, Job

if TYPE_CHECKING:
    from bot.engine.engine import Engine

log = logging.getLogger(__name__)

PURGE_EVERY = 86400.0  # seconds: once a day, the first round at start


def purge_job(engine: Engine) -> Job:
    """Delete the data untouched for the retention period, once a day."""

    async def purge() -> None:
        removed = await engine.purge()
        if removed:
            log.info("purged %d inactive record(s)", removed)

    return Job("purge", Every(PURGE_EVERY), purge)


def upkeep_jobs(engine: Engine) -> list[Job]:
    """The heartbeat ``aps-bot health`` reads, and the daily purge."""
    return [heartbeat_job(), purge_job(engine)]
