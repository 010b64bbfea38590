"""Reading and checking ``knowledge/lexicon/<lang>.yaml``: what the search knows of each language.

Problems are reported as ``file:line: message`` like the rest of the knowledge.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.knowledge.yamlfile import KnowledgeError, LineDict, LineList, Problem, load_yaml
from bot.search.lexicon import Lexicon, build, stemmers, valid_concept_name
from bot.search.normalise import fold
from bot.search.segment import SEGMENTERS

LEXICON_DIR = "lexicon"
_KEYS = {"language", "stemmer", "stop_words", "concepts", "spellings"}
_MORE_KEYS = {"borrows", "segmenter", "terms"}


def load_lexicons(folder: Path, display: str) -> tuple[dict[str, Lexicon], list[Problem]]:
    """Every ``<lang>.yaml`` of `folder`, checked; `display` is how to name the folder."""
    problems: list[Problem] = []
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    if not files:
        problems.append(
            Problem(
                display, 0, "no lexicon: add one <lang>.yaml per language (see knowledge/README.md)"
            )
        )
        return {}, problems
    lexicons: dict[str, Lexicon] = {}
    owner: dict[str, tuple[str, str, int]] = {}  # folded phrase -> (concept, file, line)
    borrowed: list[tuple[str, int, str]] = []  # (file, line, language) to check once all are read
    for file in files:
        name = f"{display}/{file.name}"
        try:
            data = load_yaml(file, display=name, text=True)
        except KnowledgeError as exc:
            problems += exc.problems
            continue
        lexicon = _one(data, file.stem, name, problems, owner)
        if lexicon is not None:
            lexicons[lexicon.lang] = lexicon
            line = data.line_of("borrows")
            borrowed += [(name, line, code) for code in lexicon.borrows]
    codes = {file.stem for file in files}
    for name, line, code in borrowed:
        if code not in codes:
            problems.append(
                Problem(name, line, f"borrows {code!r}, which has no lexicon file ({code}.yaml)")
            )
    return lexicons, problems


def _one(data: Any, code: str, name: str, problems: list[Problem], owner: dict) -> Lexicon | None:
    def error(line: int, message: str) -> None:
        problems.append(Problem(name, line, message))

    if not isinstance(data, LineDict):
        error(1, "a lexicon must be a mapping (language, stemmer, stop_words, concepts, spellings)")
        return None
    allowed = _KEYS | _MORE_KEYS
    for key in data:
        if key not in allowed:
            error(data.line_of(key), f"unknown key {key!r} (allowed: {', '.join(sorted(allowed))})")
    lang = data.get("language")
    if lang != code:
        error(data.line_of("language"), f"language must be {code!r}, the file's name")
    stemmer = data.get("stemmer")
    if stemmer not in stemmers():
        error(
            data.line_of("stemmer"),
            f"stemmer must be a Snowball algorithm or none ({', '.join(stemmers())}); "
            f"got {stemmer!r}",
        )
    borrows = data.get("borrows") or []
    if not isinstance(borrows, list) or not all(isinstance(b, str) for b in borrows):
        error(data.line_of("borrows"), "borrows must be a list of language codes")
        borrows = []
    if code in borrows:
        error(data.line_of("borrows"), f"a language cannot borrow from itself ({code})")
        borrows = [b for b in borrows if b != code]
    segmenter = data.get("segmenter") or ""
    if segmenter and segmenter not in SEGMENTERS:
        error(
            data.line_of("segmenter"),
            f"segmenter must be one of {', '.join(SEGMENTERS)} (or left out); got {segmenter!r}",
        )
        segmenter = ""
    terms = data.get("terms") or []
    if not isinstance(terms, list) or not all(isinstance(t, str) and fold(t) for t in terms):
        error(data.line_of("terms"), "terms must be a list of words the segmenter keeps whole")
        terms = []
    if terms and not segmenter:
        error(data.line_of("terms"), "terms are for a segmenter: name one, or leave them out")
    stop_words = data.get("stop_words") or []
    if not isinstance(stop_words, list) or not all(isinstance(w, str) for w in stop_words):
        error(data.line_of("stop_words"), "stop_words must be a list of words")
        stop_words = []
    spellings = data.get("spellings") or {}
    if not isinstance(spellings, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and fold(v) for k, v in spellings.items()
    ):
        error(
            data.line_of("spellings"), "spellings must map a word or phrase to what it stands for"
        )
        spellings = {}
    concepts = data.get("concepts") or LineDict()
    if not isinstance(concepts, LineDict):
        error(data.line_of("concepts"), "concepts must map a concept name to a list of phrases")
        concepts = LineDict()
    clean: dict[str, list[str]] = {}
    for concept, phrases in concepts.items():
        line = concepts.line_of(concept)
        if not valid_concept_name(str(concept)):
            error(line, f"concept name {concept!r} must be lower_snake_case")
            continue
        if not isinstance(phrases, LineList) or not all(isinstance(p, str) for p in phrases):
            error(line, f"concept {concept}: must be a list of words or phrases")
            continue
        for i, phrase in enumerate(phrases):
            key = fold(phrase)
            where = phrases.line_of(i)
            if not key:
                error(where, f"concept {concept}: empty phrase")
                continue
            seen = owner.get(key)
            if seen and seen[0] != concept:
                error(
                    where,
                    f"{phrase!r} is in concept {concept} here and in concept {seen[0]} "
                    f"({seen[1]}:{seen[2]}): a phrase means one thing",
                )
                continue
            owner.setdefault(key, (concept, name, where))
            clean.setdefault(str(concept), []).append(phrase)
    if lang != code or stemmer not in stemmers():
        return None
    return build(
        code,
        stemmer,
        stop_words,
        spellings,
        clean,
        borrows=borrows,
        segmenter=segmenter,
        terms=terms,
    )
