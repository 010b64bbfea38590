"""The knowledge as a static, bilingual, searchable site (``aps-bot site OUT_DIR``)."""

from bot.site.build import SiteReport, build_site

__all__ = ["SiteReport", "build_site"]
