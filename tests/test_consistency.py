"""One truth per question: typed figures and contradicted claims are refused, in every language,
with the file and line of the text (the YAML for English, the catalog for a translation)."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from bot.knowledge import load_knowledge
from bot.knowledge.consistency import check_consistency
from bot.knowledge.consistency import parse_number as number
from bot.knowledge.extract import messages
from bot.knowledge.yamlfile import load_yaml

KB = Path(__file__).parent / "fixtures" / "kb"
TODAY = dt.date(2026, 11, 27)
FRENCH = {
    "faq:fee.title": "Combien ça coûte ?",
    "faq:fee.answer": "Elle coûte **{fee}**.",
    "faq:work.answer": "Oui.",
    "flow:out_card.status": "Vous obtenez la carte pour {duration}, elle coûte {fee}.",
}


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(KB, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(needle)


def write_french(kb: Path, tmp_path: Path, changes: dict[str, str] | None = None) -> Path:
    """A French catalog of the fixture's texts (those in FRENCH, as changed by `changes`)."""
    catalog = Catalog(locale="fr")
    wanted = {**FRENCH, **(changes or {})}
    for kind in ("faq", "flow"):
        for _line, context, msgid in messages(kind, load_yaml(kb / f"{kind}.yaml")):
            if context in wanted:
                catalog.add(msgid.strip(), wanted[context], context=context)
    locales = tmp_path / "locales"
    po = locales / "fr" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True, exist_ok=True)
    with po.open("wb") as f:
        write_po(f, catalog)
    return locales


def found(kb: Path, locales: Path | None = None) -> list[str]:
    facts = load_knowledge(kb, today=TODAY).facts
    return [str(p) for p in check_consistency(facts, kb, locales, root=Path("/"))]


def test_the_fixture_states_one_truth(kb: Path, tmp_path: Path) -> None:
    assert found(kb) == []
    assert found(kb, write_french(kb, tmp_path)) == []


def test_a_contradicted_claim_is_refused_with_its_line_in_each_language(
    kb: Path, tmp_path: Path
) -> None:
    edit(kb / "faq.yaml", 'answer: "Yes."', 'answer: "Yes: you can start full time at once."')
    line = line_of(kb / "faq.yaml", "full time at once")
    (problem,) = found(kb)
    assert problem == (
        f"{(kb / 'faq.yaml').resolve().relative_to('/')}:{line}: faq:work.answer (en) "
        "contradicts claim no_full_time_at_once («full time at once»): Work starts within the "
        "student hours: never say full time at once."
    )
    shutil.copy(KB / "faq.yaml", kb / "faq.yaml")
    # the same contradiction in a translation only: reported at the catalog's line
    locales = write_french(kb, tmp_path, {"faq:work.answer": "Oui, tout de suite à temps plein."})
    po = locales / "fr" / "LC_MESSAGES" / "messages.po"
    (problem,) = found(kb, locales)
    msgid_line = line_of(po, 'msgctxt "faq:work.answer"') + 1
    assert problem.startswith(f"{po.resolve().relative_to('/')}:{msgid_line}: faq:work.answer (fr)")


def test_an_entry_is_read_as_a_whole(kb: Path) -> None:
    """The title and the answer make one statement: a pattern may span them."""
    (kb / "claims.yaml").write_text(
        (KB / "claims.yaml")
        .read_text(encoding="utf-8")
        .replace('"\\\\bfull[- ]time at once"', '"can i work\\\\?[^.]{0,20}yes"')
        .replace('"You can start full time at once."', '"Can I work? ¶ Yes."'),
        encoding="utf-8",
    )
    (problem,) = found(kb)
    assert (
        "faq:work.title (en) contradicts claim no_full_time_at_once («Can I work? ¶ Yes»)"
        in problem
    )


def test_a_typed_figure_that_a_fact_holds_is_refused(kb: Path, tmp_path: Path) -> None:
    edit(kb / "faq.yaml", "It costs **{fee}**.", "It costs **€75** (it was €49 in 2019).")
    line = line_of(kb / "faq.yaml", "€75")
    (problem,) = found(kb)  # €49 is no fact's value: history may be told in words
    assert problem.endswith(
        f":{line}: faq:fee.answer (en): the figure «€75» is typed in; it is a value of {{fee}}: "
        "use the placeholder, so that every answer states the same figure and follows its changes"
    )
    shutil.copy(KB / "faq.yaml", kb / "faq.yaml")
    locales = write_french(kb, tmp_path, {"flow:out_card.status": "Pour {duration}, à 150 euros."})
    (problem,) = found(kb, locales)
    assert "flow:out_card.status (fr): the figure «150 euros» is typed in" in problem
    assert "{fee}" in problem


def test_figures_are_read_as_either_language_writes_them() -> None:
    assert number("2,800.53") == number("2 800,53") == number("2\u202f800,53") == Decimal("2800.53")
    assert number("964") == Decimal("964") and number("1,867") == Decimal("1867")
    assert number("12,5") == Decimal("12.5")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ('"\\\\bfull[- ]time at once"', '"\\\\bpart[- ]time"'),
            "claim no_full_time_at_once.contradicted_by.en: catches none of the en examples",
        ),
        (
            ('"You can start full time at once."', '"You can start full time at once.", "Yes."'),
            "claim no_full_time_at_once.examples.en: no pattern catches this example",
        ),
        (
            ('"\\\\bfull[- ]time at once"', '"(unclosed"'),
            "claim no_full_time_at_once.contradicted_by.en: not a regular expression",
        ),
        (
            ('      fr: ["tout de suite à temps plein"]\n', ""),
            "claim no_full_time_at_once.contradicted_by: give the 'fr' phrasings too",
        ),
        (
            (
                '    truth: "Work starts within the student hours: never say full time at once."\n',
                "",
            ),
            "claim no_full_time_at_once: say what every answer must agree with ('truth')",
        ),
    ],
)
def test_every_pattern_is_shown_able_to_fail(
    kb: Path, change: tuple[str, str], message: str
) -> None:
    edit(kb / "claims.yaml", *change)
    problems = found(kb)
    assert any(message in p and "claims.yaml:" in p for p in problems), problems
