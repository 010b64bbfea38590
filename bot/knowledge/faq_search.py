"""The FAQ entries as the search sees them: every field, in every language, with its figures.

An entry's title, answer and detail are indexed in English and in each catalog's translation,
with the figures in force when the knowledge loads; its keywords and example questions in the
languages they are written in. The figures field holds every dated value of every figure the
entry states, so "is it 75 or 150 €?" meets the fee entries whatever the date.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bot.knowledge.facts import fact_values
from bot.knowledge.model import Fact, FaqEntry, faq_context
from bot.knowledge.yamlfile import LineDict, LineList, Problem
from bot.markup import placeholders
from bot.search.analyze import number_tokens
from bot.search.index import FaqIndex, IndexDoc, SearchRules
from bot.search.lexicon import Lexicon
from bot.search.result import OUT_OF_SCOPE
from bot.search.situation import Situation

if TYPE_CHECKING:
    from bot.i18n import Catalogs

SCOPES = ("rece", "bilateral")
# questions per hidden document of the questions no entry answers. Smaller documents come close
# to fewer plain questions ("can I stay in France to look for a job after graduating?" got "I
# don't know" at 35); 30 kept dev's right-first, and "I don't know" rose on dev and the folds.
OUT_OF_SCOPE_DOC = 30
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"https?://\S+")
_PLACEHOLDER = re.compile(r"\{([a-zA-Z_][a-zA-Z0-9_]*(?:\.[a-z]+)?)\}")


def load_rules(
    data: Any, lexicons: Mapping[str, Lexicon], file: str, problems: list[Problem]
) -> SearchRules:
    """faq.yaml's ``rules:``: which concepts name the RECE card, which a bilateral APS."""
    if data is None:
        return SearchRules()
    concepts = {c for lx in lexicons.values() for c in lx.concepts.values()}
    out: dict[str, frozenset[str]] = {}
    if not isinstance(data, LineDict):
        problems.append(Problem(file, 1, "rules must map rece and bilateral to lists of concepts"))
        return SearchRules()
    for key, value in data.items():
        line = data.line_of(key)
        if key not in ("rece", "bilateral"):
            problems.append(Problem(file, line, f"rules: unknown key {key!r} (rece, bilateral)"))
            continue
        if not isinstance(value, LineList) or not all(isinstance(v, str) for v in value):
            problems.append(Problem(file, line, f"rules.{key}: must be a list of concept names"))
            continue
        for i, name in enumerate(value):
            if name not in concepts:
                problems.append(
                    Problem(
                        file,
                        value.line_of(i),
                        f"rules.{key}: {name!r} is not a concept of any lexicon",
                    )
                )
        out[key] = frozenset(value)
    return SearchRules(
        rece=out.get("rece", frozenset()), bilateral=out.get("bilateral", frozenset())
    )


def build_index(
    entries: tuple[FaqEntry, ...],
    facts: Mapping[str, Fact],
    lexicons: Mapping[str, Lexicon],
    rules: SearchRules,
    catalogs: Catalogs | None,
    today: dt.date,
    out_of_scope: Mapping[str, tuple[str, ...]] | None = None,
    situations: tuple[Situation, ...] = (),
) -> FaqIndex:
    langs = catalogs.languages if catalogs is not None else ["en"]
    values = (
        {code: fact_values(facts, catalogs.get(code), today) for code in langs} if catalogs else {}
    )
    docs = []
    for e in entries:
        fields: list[tuple[str, str, str]] = []
        for code in langs:
            t = catalogs.get(code) if catalogs is not None else None
            for name in ("title", "answer", "more"):
                english = getattr(e, name)
                if not english:
                    continue
                text = t.pgettext(faq_context(e.id, name), english) if t else english
                if code != "en" and text == english:
                    continue  # not translated: the English is indexed already
                fields.append((name, code, _plain(text, values.get(code, {}))))
        for code, words in e.keywords.items():
            fields.append(("keywords", code, " ; ".join(words)))
        for code, questions in e.examples.items():
            for q in questions:
                fields.append(("examples", code, q))
        docs.append(
            IndexDoc(
                e.id,
                tuple(fields),
                figures=_figures(e, facts),
                scope=e.scope,
                nationality=e.nationality,
            )
        )
    # the questions no entry answers: hidden documents of at most OUT_OF_SCOPE_DOC questions each
    # (an entry has about 15 example questions per language: one document of 70 is discounted as
    # too long; calibrated on dev and on held-out examples, bench/faq_eval.py)
    for code, questions in (out_of_scope or {}).items():
        for i in range(0, len(questions), OUT_OF_SCOPE_DOC):
            chunk = questions[i : i + OUT_OF_SCOPE_DOC]
            docs.append(IndexDoc(OUT_OF_SCOPE, tuple(("examples", code, q) for q in chunk)))
    return FaqIndex(docs, lexicons, rules, situations)


def _plain(text: str, values: Mapping[str, str]) -> str:
    """A knowledge text as readers see it: figures filled in, links and markup reduced to words."""
    text = _PLACEHOLDER.sub(lambda m: values.get(m.group(1), " "), text)
    text = _LINK.sub(r"\1", text)
    return _URL.sub(" ", text).replace("**", " ")


def _figures(entry: FaqEntry, facts: Mapping[str, Fact]) -> tuple[str, ...]:
    used = set()
    for text in (entry.title, entry.answer, entry.more):
        used |= {p.split(".")[0] for p in placeholders(text)}
    tokens: list[str] = []
    for fid in sorted(used):
        fact = facts.get(fid)
        if fact is None or fact.type == "date":
            continue
        for period in fact.periods:
            found, _ = number_tokens(str(period.value))
            tokens += [t for t in found if t not in tokens]
    return tuple(tokens)
