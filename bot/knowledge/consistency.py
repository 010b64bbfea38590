"""One truth per question: no answer may state a figure or a yes/no differently from another.

Two checks over every text a student reads (FAQ titles, answers and short answers, walkthrough
outcomes), in English (the YAML) and in every catalog's translation:

- **Typed figures.** An amount (``€150``, ``2 800,53 €``) or a number of hours or days typed into
  a text, where it equals a value of a fact of that kind, must be the fact's placeholder: typed,
  it stays behind when the fact changes, and two answers end up stating two figures.
- **Claims** (``knowledge/claims.yaml``). Each claim is a settled answer ("a first-application
  RECE récépissé may allow work") with, per language, the phrasings that contradict it (regular
  expressions) and example sentences they must catch. An example no pattern catches, or a
  pattern that catches no example, is refused: every pattern is shown able to fail.

``aps-bot check`` reports both as ``file:line: message``: the YAML line for English, the
catalog's line for a translation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from bot.knowledge.catalog_check import read_catalog
from bot.knowledge.checks import Collector, mapping, unknown_keys
from bot.knowledge.extract import messages
from bot.knowledge.model import TOPICS_CONTEXT, Fact
from bot.knowledge.yamlfile import KnowledgeError, LineDict, LineList, Problem, load_yaml

CLAIMS_FILE = "claims.yaml"
REQUIRED_LANGS = ("en", "fr")
# a number as either language writes it: 964, 2,800.53, 2 800,53 (not the end of a longer one)
_NUM = r"(?<![\d.,])(?:\d{1,3}(?:[ \u00a0\u202f,.]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)"
_MONEY = re.compile(rf"€\s?({_NUM})|({_NUM})\s?(?:€|euros?\b|EUR\b|欧元)", re.IGNORECASE)
_UNITS = {  # English, French and Chinese units (小时: hours, 天: days)
    "hours": re.compile(rf"({_NUM})[\s-]?(?:h\b|hours?\b|heures?\b|小时)", re.IGNORECASE),
    "days": re.compile(rf"({_NUM})[\s-]?(?:days?\b|jours?\b|天)", re.IGNORECASE),
}
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Text:
    """One text a student reads, in one language, and where it is written."""

    file: str
    line: int
    where: str  # faq:fee.answer
    lang: str
    text: str


@dataclass(frozen=True)
class Claim:
    id: str
    truth: str
    patterns: Mapping[str, tuple[re.Pattern[str], ...]]


def check_consistency(
    facts: Mapping[str, Fact],
    knowledge_dir: Path,
    locales_dir: Path | None,
    root: Path | None = None,
) -> list[Problem]:
    """Typed figures and contradicted claims in every text, every language, as ``file:line``."""
    root = (root or Path.cwd()).resolve()
    problems: list[Problem] = []
    claims = load_claims(
        knowledge_dir / CLAIMS_FILE, _rel(knowledge_dir / CLAIMS_FILE, root), problems
    )
    figures = _figures(facts)
    units: dict[tuple[str, str], list[Text]] = {}
    for text in texts(knowledge_dir, locales_dir, root):
        problems += _typed_figures(text, figures)
        units.setdefault((text.where.rsplit(".", 1)[0], text.lang), []).append(text)
    for unit in units.values():
        problems += _contradictions(unit, claims)
    return problems


def texts(knowledge_dir: Path, locales_dir: Path | None, root: Path) -> Iterator[Text]:
    """Every FAQ and walkthrough text, in English and in each catalog's translation."""
    english: list[tuple[str, int, str, str]] = []
    for kind in ("faq", "flow"):
        path = knowledge_dir / f"{kind}.yaml"
        try:
            data = load_yaml(path)
        except KnowledgeError:
            continue  # reported by the knowledge loader
        for line, context, msgid in messages(kind, data):
            if context != TOPICS_CONTEXT and not context.endswith(".options"):
                english.append((_rel(path, root), line, context, msgid.strip()))
    for file, line, context, msgid in english:
        yield Text(file, line, context, "en", msgid)
    if locales_dir is None:
        return
    for po in sorted(locales_dir.glob("*/LC_MESSAGES/messages.po")):
        lang = po.parent.parent.name
        if lang == "en":
            continue
        try:
            catalog = read_catalog(po)
        except Exception:  # babel raises several types; the catalog check reports it
            continue
        for _file, _line, context, msgid in english:
            entry = catalog.get(msgid, context=context)
            if entry is not None and isinstance(entry.string, str) and entry.string:
                yield Text(_rel(po, root), entry.lineno, context, lang, entry.string)


def load_claims(path: Path, display: str, problems: list[Problem]) -> list[Claim]:
    """The claims of `path`, each pattern compiled and shown to catch its examples."""
    if not path.exists():
        return []
    try:
        data = load_yaml(path, display=display)
    except KnowledgeError as exc:
        problems += exc.problems
        return []
    c = Collector(display)
    data = mapping(data, c, CLAIMS_FILE)
    claims: list[Claim] = []
    raw = mapping(data.get("claims"), c, f"{CLAIMS_FILE} 'claims'") if data is not None else None
    for cid, spec in (raw or {}).items():
        where = f"claim {cid}"
        spec = mapping(spec, c, where)
        if spec is None:
            continue
        unknown_keys(spec, {"truth", "contradicted_by", "examples"}, c, where)
        truth = spec.get("truth")
        if not isinstance(truth, str) or not truth.strip():
            c.error(spec.line, f"{where}: say what every answer must agree with ('truth')")
        patterns = _per_lang(spec, "contradicted_by", c, where)
        examples = _per_lang(spec, "examples", c, where)
        compiled: dict[str, tuple[re.Pattern[str], ...]] = {}
        for lang, items in patterns.items():
            found = []
            for line, source in items:
                try:
                    found.append((line, re.compile(source, re.IGNORECASE)))
                except re.error as exc:
                    c.error(
                        line, f"{where}.contradicted_by.{lang}: not a regular expression: {exc}"
                    )
            for line, pattern in found:
                if not any(pattern.search(_norm(e)) for _, e in examples.get(lang, ())):
                    c.error(
                        line,
                        f"{where}.contradicted_by.{lang}: catches none of the {lang} examples: "
                        "add the sentence it is meant to catch under 'examples'",
                    )
            for line, example in examples.get(lang, ()):
                if not any(p.search(_norm(example)) for _, p in found):
                    c.error(line, f"{where}.examples.{lang}: no pattern catches this example")
            compiled[lang] = tuple(p for _, p in found)
        claims.append(Claim(str(cid), str(truth or "").strip(), compiled))
    problems += c.problems
    return claims


def _per_lang(
    spec: LineDict, key: str, c: Collector, where: str
) -> dict[str, list[tuple[int, str]]]:
    value = spec.get(key)
    out: dict[str, list[tuple[int, str]]] = {}
    if not isinstance(value, LineDict):
        c.error(spec.line_of(key), f"{where}: '{key}' must map each language to a list")
        return out
    for lang, items in value.items():
        if (
            not isinstance(items, LineList)
            or not items
            or not all(isinstance(i, str) and i.strip() for i in items)
        ):
            c.error(value.line_of(lang), f"{where}.{key}.{lang}: must be a list of texts")
            continue
        out[lang] = [(items.line_of(i), item) for i, item in enumerate(items)]
    for lang in REQUIRED_LANGS:
        if lang not in out and isinstance(value, LineDict) and lang not in value:
            c.error(value.line, f"{where}.{key}: give the {lang!r} phrasings too")
    return out


def _contradictions(unit: list[Text], claims: list[Claim]) -> list[Problem]:
    """Claims contradicted by one entry or walkthrough node (its texts read together, in one
    language, so that "Why take the RECE card or APS?" and its answer make one statement)."""
    parts = [_norm(t.text) for t in unit]
    joined = " ¶ ".join(parts)
    starts, at = [], 0
    for part in parts:
        starts.append(at)
        at += len(part) + 3
    found = []
    for claim in claims:
        for pattern in claim.patterns.get(unit[0].lang, ()):
            match = pattern.search(joined)
            if match:
                text = unit[max(i for i, s in enumerate(starts) if s <= match.start())]
                found.append(
                    Problem(
                        text.file,
                        text.line,
                        f"{text.where} ({text.lang}) contradicts claim {claim.id} "
                        f"(«{_short(match.group(0))}»): {claim.truth}",
                    )
                )
                break
    return found


def _figures(facts: Mapping[str, Fact]) -> dict[str, dict[Decimal, list[str]]]:
    """Every value of every money, hours and days fact, by kind: the figures texts must not type."""
    out: dict[str, dict[Decimal, list[str]]] = {"money": {}, "hours": {}, "days": {}}
    for fid, fact in facts.items():
        if fact.type not in out:
            continue
        for period in fact.periods:
            if isinstance(period.value, Decimal):
                ids = out[fact.type].setdefault(period.value.normalize(), [])
                if fid not in ids:
                    ids.append(fid)
    return out


def _typed_figures(text: Text, figures: dict[str, dict[Decimal, list[str]]]) -> list[Problem]:
    found = []
    plain = re.sub(r"\{[^{}]*\}", " ", text.text)  # placeholders are what we want
    hits = [("money", m.group(0), m.group(1) or m.group(2)) for m in _MONEY.finditer(plain)]
    for kind, pattern in _UNITS.items():
        hits += [(kind, m.group(0), m.group(1)) for m in pattern.finditer(plain)]
    for kind, literal, number in hits:
        value = parse_number(number)
        ids = figures[kind].get(value.normalize()) if value is not None else None
        if ids:
            names = ", ".join("{" + i + "}" for i in ids)
            found.append(
                Problem(
                    text.file,
                    text.line,
                    f"{text.where} ({text.lang}): the figure «{literal.strip()}» is typed in; it "
                    f"is a value of {names}: use the placeholder, so that every answer states "
                    "the same figure and follows its changes",
                )
            )
    return found


def parse_number(text: str) -> Decimal | None:
    """``2,800.53`` / ``2 800,53`` / ``964`` as a number."""
    digits = re.sub(r"[ \u00a0\u202f]", "", text)
    decimal = re.search(r"[.,](\d{1,2})$", digits)
    if decimal:
        whole = re.sub(r"[.,]", "", digits[: decimal.start()])
        digits = f"{whole}.{decimal.group(1)}"
    else:
        digits = re.sub(r"[.,]", "", digits)
    try:
        return Decimal(digits)
    except InvalidOperation:
        return None


def _norm(text: str) -> str:
    """One space between words, straight apostrophes: what the patterns are written against."""
    return _SPACES.sub(" ", text.replace("\u2019", "'")).strip()


def _short(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "…"


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)
