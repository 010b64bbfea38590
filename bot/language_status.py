"""Which languages are still being translated: ``locales/languages.yaml``.

```yaml
zh:
  status: complete        # every string translated: aps-bot check requires it (the default)
es:
  status: beta            # in progress: missing strings are warnings, shown in the fallback
  fallback: en            # en (the default) or fr: users may pick the other one with /lang
```

The file sits with the catalogs because it describes them: the bot reads it with them
(`bot.i18n.Catalogs`), and ``aps-bot check`` reports its problems as ``file:line``. How much of a
beta language is done is not written here: it is counted from its catalog (`Catalogs.completeness`)
and shown by ``check`` and by ``/lang``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

STATUS_FILE = "languages.yaml"
STATUSES = ("complete", "beta")
FALLBACKS = ("en", "fr")  # the languages every other one may fall back to (their catalogs exist)
_KEYS = {"status", "fallback"}


@dataclass(frozen=True)
class LanguageStatus:
    status: str = "complete"
    fallback: str = "en"

    @property
    def beta(self) -> bool:
        return self.status == "beta"


def read_statuses(path: Path) -> tuple[dict[str, LanguageStatus], list[tuple[int, str]]]:
    """The statuses in `path` (none when the file is absent), and its problems as ``(line,
    message)``; a language with a problem is left complete, the strictest reading."""
    if not path.exists():
        return {}, []
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", 0) + 1
        return {}, [(line, f"cannot read {STATUS_FILE}: {exc}")]
    if root is None:
        return {}, []
    if not isinstance(root, yaml.MappingNode):
        return {}, [(root.start_mark.line + 1, "must map language codes to their status")]
    out: dict[str, LanguageStatus] = {}
    problems: list[tuple[int, str]] = []
    for key, value in root.value:
        code, line = str(key.value), key.start_mark.line + 1
        if not isinstance(value, yaml.MappingNode):
            problems.append((line, f"{code}: must be a mapping (status, fallback)"))
            continue
        fields = {str(k.value): (str(v.value), k.start_mark.line + 1) for k, v in value.value}
        unknown = sorted(set(fields) - _KEYS)
        for name in unknown:
            problems.append((fields[name][1], f"{code}: unknown key {name!r} (status, fallback)"))
        status, status_line = fields.get("status", ("complete", line))
        fallback, fallback_line = fields.get("fallback", ("en", line))
        bad = False
        if status not in STATUSES:
            problems.append((status_line, f"{code}: status must be one of {', '.join(STATUSES)}"))
            bad = True
        if fallback not in FALLBACKS or fallback == code:
            problems.append(
                (fallback_line, f"{code}: fallback must be one of {', '.join(FALLBACKS)}")
            )
            bad = True
        if not bad and not unknown:
            out[code] = LanguageStatus(status, fallback)
    return out, problems
