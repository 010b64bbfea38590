"""The FAQ: coverage, every entry found by its own examples, and an honest paraphrase score."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.i18n import Catalogs, catalog_languages
from bot.knowledge import load_knowledge
from bot.knowledge.model import faq_context
from bot.search import fold
from bot.search.segment import has_han
from bot.testing import Client
from tests.knowledge.helpers import KB

PARAPHRASES = yaml.safe_load((Path(__file__).parent / "paraphrases.yaml").read_text("utf-8"))
# A regression guard on short questions written to match the entries (eval/ measures real ones):
# the search now ranks for long, real questions and gives up a little here (97 % → 88 %).
TARGET_TOP1 = 0.85

EXAMPLES = [
    pytest.param(entry.id, question, id=f"{entry.id}-{lang}-{i}")
    for entry in KB.faq.entries
    for lang, questions in entry.examples.items()
    for i, question in enumerate(questions)
]

# Topics the issue requires, each with the entry that covers it.
REQUIRED_TOPICS = {
    "APS vs RECE": "aps_vs_rece",
    "the 2016 article": "article_2016",
    "who qualifies": "eligible",
    "which diplomas": "diplomas",
    "private schools": "private_school",
    "India 12+12": "india",
    "India 5-year visa": "india_visa",
    "Tunisia": "tunisia",
    "Gabon": "gabon",
    "other bilateral countries": "bilateral",
    "Algeria": "algeria",
    "EU": "eu",
    "duration and renewal": "duration",
    "when to apply": "when_apply",
    "expired titre": "expired",
    "internship or jury not finished": "not_finished",
    "provisional vs définitive attestation": "attestation",
    "diploma older than 12 months": "diploma_age",
    "applying from abroad": "from_abroad",
    "where and how": "where_apply",
    "Paris démarches-simplifiées": "paris",
    "ANEF": "anef",
    "documents": "documents",
    "fee": "fee",
    "timbres fiscaux": "timbre",
    "contrat d'engagement": "engagement",
    "récépissé and ADP": "recepisse",
    "processing time and silence": "processing_time",
    "working during RECE": "work_during",
    "employer authorisation": "employer",
    "change of status": "change_status",
    "talent salarié qualifié": "talent",
    "EU Blue Card": "blue_card",
    "creating a company": "company",
    "France Travail": "france_travail",
    "family": "family",
    "travel": "travel",
    "health insurance": "health",
    "moving département": "moving",
    "refusal and OQTF": "refusal",
    "back to student": "back_to_student",
    "scams": "scams",
    "like OPT": "opt",
}


# Topics students asked about that the first knowledge base lacked (issue 13).
REQUIRED_TOPICS |= {
    "the card ends with no job": "rece_ends_no_job",
    "changing employer, several jobs": "change_employer",
    "working while the change of status is pending": "work_pending_change",
    "a CDD: salarié or travailleur temporaire": "cdd_status",
    "unemployment benefits (ARE)": "unemployment_benefits",
    "ENIC-NARIC delay": "enic_naric",
    "jury after the student card ends": "jury_after_expiry",
    "why the RECE rather than a direct change": "why_rece",
    "75, 150 or 225 €": "fee_history",
    "the 12-month diploma rule and court rulings": "diploma_age",
    "where to file after moving": "moving",
    "the 2026 civic exam and French level": "civic_exam",
}


def test_at_least_80_entries_covering_the_required_topics() -> None:
    assert len(KB.faq.entries) >= 80
    missing = {topic for topic, eid in REQUIRED_TOPICS.items() if eid not in KB.faq.by_id}
    assert not missing


def test_every_entry_has_five_examples_per_language_and_sources() -> None:
    for entry in KB.faq.entries:  # `more` is optional: an entry may say all in its answer
        for lang in KB.faq.index.languages:  # every language the search reads
            assert len(entry.examples.get(lang, ())) >= 5, (entry.id, lang)
        assert entry.sources, entry.id


def test_entries_are_found_first_by_their_own_examples() -> None:
    """Examples are what the search learns from: nearly all must rank their entry first (a few
    are honestly shared with a neighbour), and most must be answered directly."""
    ranked = [(eid, KB.faq.index.rank(q)) for eid, q in (p.values for p in EXAMPLES)]
    first = [eid for eid, r in ranked if r and r[0][0] == eid]
    direct = [
        eid
        for eid, q in (p.values for p in EXAMPLES)
        if (res := KB.faq.index.search(q)).confident and res.best.entry_id == eid
    ]
    assert len(first) >= 0.98 * len(EXAMPLES), [eid for eid, r in ranked if r[0][0] != eid]
    assert len(direct) >= 0.55 * len(EXAMPLES), len(direct) / len(EXAMPLES)


def test_paraphrases_are_many_and_not_copied_from_the_examples() -> None:
    assert len(PARAPHRASES) >= 100
    normalised = fold  # the same words in the same order, whatever the case and accents
    examples = {normalised(q) for _, q in (p.values for p in EXAMPLES)}
    for item in PARAPHRASES:
        assert item["id"] in KB.faq.by_id, item
        assert normalised(item["q"]) not in examples, f"copied from the YAML: {item['q']!r}"
    assert len({p["q"] for p in PARAPHRASES}) == len(PARAPHRASES), "duplicate paraphrases"


def test_paraphrases_find_the_right_entry_first() -> None:
    misses = []
    for item in PARAPHRASES:
        best = KB.faq.index.search(item["q"]).best
        if best is None or best.entry_id != item["id"]:
            misses.append((item["q"], item["id"], best.entry_id if best else None))
    top1 = 1 - len(misses) / len(PARAPHRASES)
    print(f"\nparaphrase top-1: {top1:.1%} ({len(PARAPHRASES) - len(misses)}/{len(PARAPHRASES)})")
    for q, want, got in misses:
        print(f"  miss: {q!r}: wanted {want}, got {got}")
    assert top1 >= TARGET_TOP1


def test_every_entry_is_translated_to_french() -> None:
    fr = Catalogs().get("fr")
    for entry in KB.faq.entries:
        for field in ("title", "answer", "short", "more"):
            english = getattr(entry, field)
            if not english:  # no `more`
                continue
            assert fr.pgettext(faq_context(entry.id, field), english) != english, (entry.id, field)


@pytest.mark.parametrize("entry_id", [e.id for e in KB.faq.entries])
async def test_entry_renders_in_both_languages(entry_id: str) -> None:
    entry = KB.faq.by_id[entry_id]
    for lang in catalog_languages():
        client = await Client.create(lang=lang, knowledge=KB)
        await client.send(f"/start faq_{entry_id}")  # the deep link a "More in private" opens
        assert client.reply.faq_id == entry_id
        assert "{" not in client.text, "an unfilled placeholder"
        title = client.engine.catalogs.get(lang).pgettext(
            faq_context(entry_id, "title"), entry.title
        )
        sources = client.engine.catalogs.get(lang).gettext("Sources:")
        assert title in client.text and sources in client.text


async def test_fee_question_in_french(client_fr: Client) -> None:
    await client_fr.send("combien coute la carte")
    text = client_fr.text.replace("\u202f", " ").replace("\xa0", " ")
    assert "150 €" in text and "timbres fiscaux" in text


def test_ask_cli_returns_the_fee_entry_in_french() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "combien coute la carte"],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    data = json.loads(out.stdout)
    assert data["id"] == "fee"
    assert data["lang"] == "fr"
    assert "coûte" in data["answer"]


def test_no_example_copies_an_evaluation_question() -> None:
    """eval/questions.yaml measures questions the search never learned from: an example question
    (or an out-of-scope one) sharing most of its words with one would make `make eval` measure
    memory, not search."""
    questions = yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "eval" / "questions.yaml").read_text("utf-8")
    )

    analyzer = KB.faq.index.analyzer  # Chinese is cut into words by its segmenter first

    def words(text: str) -> frozenset[str]:
        found = analyzer.fold_words(text)
        return frozenset(w for w in found if len(w) > 2 or (has_han(w) and len(w) > 1))

    asked = [(q["q"], words(q["q"])) for q in questions]
    copies = []
    ours = [example for _, example in (p.values for p in EXAMPLES)]
    ours += [q for qs in KB.faq.out_of_scope.values() for q in qs]  # they teach the search too
    for example in ours:
        mine = words(example)
        for text, theirs in asked:
            if mine and theirs and len(mine & theirs) / len(mine | theirs) >= 0.6:
                copies.append((example, text))
    assert not copies, copies


async def test_an_entry_without_more_is_answered_without_tell_me_more(tmp_path: Path) -> None:
    """`more` is optional: an entry without it loads, answers, and offers no "Tell me more"."""
    shutil.copytree(KB.path, tmp_path / "knowledge")
    faq_file = tmp_path / "knowledge" / "faq.yaml"
    data = yaml.safe_load(faq_file.read_text("utf-8"))
    (fee,) = [e for e in data["entries"] if e["id"] == "fee"]
    del fee["more"]
    faq_file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    kb = load_knowledge(tmp_path / "knowledge")
    assert kb.faq.by_id["fee"].more == "" and KB.faq.by_id["fee"].more
    client = await Client.create(lang="en", knowledge=kb)
    await client.send("how much does the rece card cost?")
    assert client.reply.faq_id == "fee" and "Tell me more" not in client.labels
    assert "👍 Helpful" in client.labels  # the rest of the answer's buttons are there
    before = await Client.create(lang="en", knowledge=KB)
    await before.send("how much does the rece card cost?")
    assert before.reply.faq_id == "fee" and "Tell me more" in before.labels
