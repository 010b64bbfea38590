"""Are the catalogs complete? Every user-facing string, in the code and in the knowledge, in every
language, with every plural form filled and the same placeholders as the English; a translation
keeps the English's ⚠️, and an FAQ short answer stays short in every language.

A language marked beta in ``locales/languages.yaml`` may be incomplete: its missing strings are
counted in one warning (with how much is done), and what it does translate is checked like the
rest."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract
from babel.messages.pofile import read_po

from bot.knowledge.checks import SHORT_MAX_CHARS, WARNING_SIGN, short_length
from bot.knowledge.extract import KINDS, messages
from bot.knowledge.yamlfile import KnowledgeError, Problem, load_yaml
from bot.language_status import STATUS_FILE, read_statuses
from bot.markup import MarkupError, parse, placeholders

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def source_messages(
    knowledge_dir: Path, root: Path
) -> Iterator[tuple[str, int, str | None, str | tuple[str, str]]]:
    """``(file, line, context, msgid)`` for every string users may see: the code's and the knowledge's.

    For a plural, msgid is ``(singular, plural)``.
    """
    for path in _code_files():
        with path.open("rb") as fileobj:
            for lineno, message, _comments, context in extract("python", fileobj):
                yield _rel(path, root), lineno, context, message
    for kind in KINDS:
        path = knowledge_dir / f"{kind}.yaml"
        try:
            data = load_yaml(path)
        except KnowledgeError:
            continue  # reported by the knowledge loader
        for line, context, msgid in messages(kind, data):
            yield _rel(path, root), line, context, msgid.strip()


# a call of one of Babel's default keywords (`_(`, `t.gettext(`, `N_(`…): a file without one
# holds no message, and is not tokenized (two thirds of the files; aps-bot check starts faster)
_MARKED = re.compile(rb"\b(?:%s)\s*\(" % b"|".join(re.escape(k.encode()) for k in DEFAULT_KEYWORDS))


def _code_files() -> Iterator[Path]:
    """The package's .py files holding a marked string, in the order pybabel reads them (it
    skips folders whose name starts with "." or "_")."""
    for folder, dirnames, filenames in os.walk(PACKAGE_DIR):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
        for name in sorted(filenames):
            path = Path(folder, name)
            if name.endswith(".py") and _MARKED.search(path.read_bytes()):
                yield path


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)


def read_catalog(po: Path) -> Catalog:
    """The catalog in `po`, parsed once per version of the file: aps-bot check reads each
    catalog for the catalog check and for the consistency check (read-only, both)."""
    stat = po.stat()
    return _read_catalog(po.resolve(), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)
def _read_catalog(po: Path, _mtime_ns: int, _size: int) -> Catalog:
    with po.open("rb") as f:
        return read_po(f)


def check_catalogs(
    knowledge_dir: Path, locales_dir: Path, root: Path | None = None
) -> list[Problem]:
    """Problems with the catalogs under `locales_dir`, as ``file:line: message``."""
    root = (root or Path.cwd()).resolve()
    problems: list[Problem] = []
    catalogs: dict[str, tuple[str, Catalog]] = {}
    for po in sorted(locales_dir.glob("*/LC_MESSAGES/messages.po")):
        try:
            catalogs[po.parent.parent.name] = (_rel(po, root), read_catalog(po))
        except Exception as exc:  # babel raises several types on a broken .po
            problems.append(Problem(_rel(po, root), 1, f"cannot read the catalog: {exc}"))
    if "en" not in catalogs or "fr" not in catalogs:
        problems.append(
            Problem(_rel(locales_dir, root), 0, "the en and fr catalogs are both required")
        )
    status_file = locales_dir / STATUS_FILE
    statuses, status_problems = read_statuses(status_file)
    problems += [Problem(_rel(status_file, root), n, m) for n, m in status_problems]
    for code in statuses:
        if code not in catalogs:
            problems.append(
                Problem(_rel(status_file, root), 1, f"{code}: no catalog locales/{code}/ for it")
            )

    wanted = list(source_messages(knowledge_dir, root))
    for lang, (po_name, catalog) in catalogs.items():
        beta = lang in statuses and statuses[lang].beta
        missing: list[Problem] = []
        seen: set[tuple[str | None, str]] = set()
        for file, line, context, msgid in wanted:
            singular = msgid[0] if isinstance(msgid, tuple) else msgid
            if (context, singular) in seen:
                continue
            seen.add((context, singular))
            entry = catalog.get(singular, context=context)
            short = singular if len(singular) < 60 else singular[:57] + "..."
            if entry is None:
                problems.append(
                    Problem(file, line, f"{lang}: not in {po_name}: {short!r} (run make i18n)")
                )
                continue
            if entry.fuzzy:
                problems.append(
                    Problem(po_name, entry.lineno, f"{lang}: fuzzy translation of {short!r}")
                )
                continue
            forms = entry.string if isinstance(entry.string, tuple | list) else (entry.string,)
            if isinstance(msgid, tuple) and len(forms) < catalog.num_plurals:
                forms = (*forms, *([""] * (catalog.num_plurals - len(forms))))
            if not all(forms):
                missing.append(
                    Problem(po_name, entry.lineno, f"{lang}: missing translation of {short!r}")
                )
                continue
            expected = placeholders(singular)
            for form in forms:
                extra = (
                    placeholders(form)
                    - expected
                    - (placeholders(msgid[1]) if isinstance(msgid, tuple) else set())
                )
                if extra:
                    problems.append(
                        Problem(
                            po_name,
                            entry.lineno,
                            f"{lang}: translation uses unknown placeholder(s) {sorted(extra)}",
                        )
                    )
                try:
                    parse(form, {p: "x" for p in placeholders(form)})
                except MarkupError as exc:
                    problems.append(Problem(po_name, entry.lineno, f"{lang}: {exc}"))
                problems.extend(
                    _knowledge_rules(lang, po_name, entry.lineno, context, singular, form)
                )
                if "%(" in singular and any(f"%({n})" not in form for n in _pyformat(singular)):
                    problems.append(
                        Problem(
                            po_name, entry.lineno, f"{lang}: translation drops a %(…)d placeholder"
                        )
                    )
        if beta and missing:
            done = 1 - len(missing) / max(len(seen), 1)
            problems.append(
                Problem(
                    po_name,
                    missing[0].line,
                    f"{lang} (beta): {len(missing)} of {len(seen)} strings not translated yet "
                    f"({done:.0%} done); they show in the fallback language "
                    f"({statuses[lang].fallback})",
                    warning=True,
                )
            )
        else:
            problems += missing
    return problems


def _knowledge_rules(
    lang: str, po_name: str, line: int, context: str | None, english: str, form: str
) -> list[Problem]:
    """What the knowledge loader checks of the English, checked of a translation too: a point
    marked unsettled stays marked, and a short answer stays short."""
    found = []
    if WARNING_SIGN in english and WARNING_SIGN not in form:
        what = context or repr(english[:40])
        found.append(
            Problem(
                po_name,
                line,
                f"{lang}: the translation of {what} drops the {WARNING_SIGN} of the English: "
                "keep the point marked as unsettled",
            )
        )
    is_short = bool(context and context.startswith("faq:") and context.endswith(".short"))
    if is_short and form != english and short_length(form) > SHORT_MAX_CHARS:
        found.append(
            Problem(
                po_name,
                line,
                f"{lang}: the short answer {context} is {short_length(form)} characters long, "
                f"over {SHORT_MAX_CHARS} (figures counted as printed): one or two sentences",
            )
        )
    return found


def _pyformat(text: str) -> set[str]:
    import re

    return set(re.findall(r"%\((\w+)\)", text))
