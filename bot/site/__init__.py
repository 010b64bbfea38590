"""The knowledge as a static, bilingual, searchable site (``aps-bot site OUT_DIR``)."""

from bot.site.build import SiteError, SiteReport, build_site, check_base_url

__all__ = ["SiteError", "SiteReport", "build_site", "check_base_url"]
