"""``knowledge/examples/<lang>.yaml``: one language's example questions, in a file of their own.

```yaml
fee:                      # an entry id of faq.yaml
  - "居留卡要多少钱"
out_of_scope:             # questions no entry answers (as faq.yaml's out_of_scope)
  - "怎么租房"
```

A language's examples are what its search index learns from (`bot.search.index`: one index per
language). Keeping them in a file per language lets translators add or change them without
touching faq.yaml, and makes it plain that they move only that language's answers. English and
French examples stay in faq.yaml; a language may have both (they add up).

Problems come back with ``file:line``: an unknown entry id, a value that is not a list of
questions, a file named after a language no lexicon reads (its examples would never be
searched). An entry with fewer than `MIN_EXAMPLES` questions here is a warning: the search in
that language may miss it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path

from bot.knowledge.checks import Collector
from bot.knowledge.yamlfile import KnowledgeError, LineDict, LineList, Problem, load_yaml

EXAMPLES_DIR = "examples"
OUT_OF_SCOPE_KEY = "out_of_scope"
MIN_EXAMPLES = 5  # per entry, as faq.yaml asks of English and French


def load_examples(
    folder: Path,
    display: str,
    entry_ids: Collection[str],
    languages: Collection[str],
) -> tuple[dict[str, dict[str, tuple[str, ...]]], list[Problem]]:
    """Every ``<lang>.yaml`` of `folder`: ``{lang: {entry id or out_of_scope: questions}}``.

    Args:
        display: how to name the folder in problems.
        entry_ids: the FAQ's entry ids.
        languages: the languages the search reads (those with a lexicon).
    """
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    problems: list[Problem] = []
    if not folder.is_dir():
        return out, problems
    for file in sorted(folder.glob("*.yaml")):
        name = f"{display}/{file.name}"
        c = Collector(name)
        try:
            data = load_yaml(file, display=name, text=True)
        except KnowledgeError as exc:
            problems += exc.problems
            continue
        lang = file.stem
        if lang not in languages:
            c.error(1, f"no lexicon reads {lang!r}: add knowledge/lexicon/{lang}.yaml")
        out[lang] = _one(data, c, entry_ids, lang)
        problems += c.problems
    return out, problems


def _one(
    data: object, c: Collector, entry_ids: Collection[str], lang: str
) -> dict[str, tuple[str, ...]]:
    if not isinstance(data, LineDict):
        c.error(1, "must map entry ids (and out_of_scope) to lists of questions")
        return {}
    found: dict[str, tuple[str, ...]] = {}
    for key, value in data.items():
        line = data.line_of(key)
        if key != OUT_OF_SCOPE_KEY and key not in entry_ids:
            c.error(line, f"{key!r} is not an entry id of faq.yaml")
            continue
        if not isinstance(value, LineList) or not all(
            isinstance(q, str) and q.strip() for q in value
        ):
            c.error(line, f"{key}: must be a list of questions (non-empty strings)")
            continue
        found[str(key)] = tuple(q.strip() for q in value)
    for entry_id in entry_ids:
        if len(found.get(entry_id, ())) < MIN_EXAMPLES:
            c.warn(
                data.line_of(entry_id) if entry_id in found else 1,
                f"{entry_id}: fewer than {MIN_EXAMPLES} {lang} example questions: the search in "
                f"{lang} may miss it",
            )
    return found


def merged(
    base: Mapping[str, tuple[str, ...]], entry_id: str, files: Mapping[str, Mapping]
) -> dict[str, tuple[str, ...]]:
    """An entry's examples per language: faq.yaml's, then each language file's."""
    out = dict(base)
    for lang, by_entry in files.items():
        extra = by_entry.get(entry_id, ())
        if extra:
            out[lang] = (*out.get(lang, ()), *extra)
    return out
