"""The walkthrough against situations taken from aps-facts.md: right outcome, right rule, both languages."""

from __future__ import annotations

import pytest

from bot.i18n import catalog_languages
from bot.knowledge import load_knowledge
from tests.knowledge.helpers import KB, NEW_QUESTION, outcome_title, walk, with_new_question

# the answers, by node and option id (flow.yaml)
EU, DZ, IN, TN, GA, BJ, OTHER = (
    ("nationality", o) for o in ("eu", "algeria", "india", "tunisia", "gabon", "bilateral", "other")
)
DONE, PROVISIONAL, NOT_YET, RESEARCHER, HOLDER = (
    ("finished", o) for o in ("done", "provisional", "not_yet", "researcher", "holder")
)
MASTER, ENGINEER, PHD, LPRO, CGE, RNCP7 = (
    ("diploma", o) for o in ("master", "engineer", "doctorate", "licence_pro", "cge", "rncp7")
)
LICENCE, MBA, FOREIGN, UNSURE = (
    ("diploma", o) for o in ("licence", "du_mba", "foreign_campus", "unsure")
)
VALID, RENEWAL, EXPIRED, LEFT, OTHER_TITRE = (
    ("titre_status", o) for o in ("valid", "renewal", "expired", "left", "other_titre")
)

# (id, answers, date typed at the date questions met, expected outcome, rule shown (en, fr))
# The fake clock is 2026-11-27.
SITUATIONS = [
    ("eu", [EU], None, "out_eu", ("EEA", "EEE")),
    ("algerian", [DZ], None, "out_algeria", ("1968", "1968")),
    ("master", [OTHER, DONE, MASTER, VALID], "15/03/2027", "out_rece", ("L422-10", "L422-10")),
    (
        "master days left",
        [OTHER, DONE, MASTER, VALID],
        "15/03/2027",
        "out_rece",
        ("108 days left", "108 jours"),
    ),
    (
        "business school",
        [OTHER, DONE, MASTER, VALID],
        "skip",
        "out_rece",
        ("grade de master", "grade de master"),
    ),
    (
        "engineer",
        [OTHER, DONE, ENGINEER, VALID],
        "2027-06-30",
        "out_rece",
        ("not renewable", "pas renouvelable"),
    ),
    ("phd", [OTHER, DONE, PHD, VALID], "skip", "out_rece", ("L422-10", "L422-10")),
    ("licence pro", [OTHER, DONE, LPRO, VALID], "skip", "out_rece", ("€150", "150")),
    ("cge msc", [OTHER, DONE, CGE, VALID], "skip", "out_rece", ("CGE label", "label CGE")),
    ("rncp 7", [OTHER, DONE, RNCP7, VALID], "skip", "out_rece", ("level 7", "niveau 7")),
    ("renewal adp", [OTHER, DONE, MASTER, RENEWAL], "skip", "out_rece", ("(ADP)", "(ADP)")),
    ("urgent", [OTHER, DONE, MASTER, VALID], "10/12/2026", "out_rece", ("Urgent", "Urgent")),
    ("french date", [OTHER, DONE, MASTER, VALID], "15 mars 2027", "out_rece", ("2027", "2027")),
    ("english date", [OTHER, DONE, MASTER, VALID], "March 15 2027", "out_rece", ("2027", "2027")),
    (
        "licence generale",
        [OTHER, DONE, LICENCE],
        None,
        "out_not_eligible",
        ("Bachelor", "Bachelor"),
    ),
    ("mba unlabelled", [OTHER, DONE, MBA], None, "out_not_eligible", ("MBA", "MBA")),
    (
        "foreign campus",
        [OTHER, DONE, FOREIGN],
        None,
        "out_foreign_campus",
        ("ENIC-NARIC", "ENIC-NARIC"),
    ),
    ("unsure diploma", [OTHER, DONE, UNSURE], None, "out_diploma_check", ("RNCP", "RNCP")),
    ("expired", [OTHER, DONE, MASTER, EXPIRED], None, "out_expired", ("OQTF", "OQTF")),
    (
        "past date",
        [OTHER, DONE, MASTER, VALID],
        "01/09/2026",
        "out_expired",
        ("87 days ago", "87 jours"),
    ),
    ("left france", [OTHER, DONE, MASTER, LEFT], "skip", "out_abroad", ("L422-14", "L422-14")),
    (
        "left france, diploma in 2024",
        [OTHER, DONE, MASTER, LEFT],
        "30/06/2024",
        "out_abroad",
        ("apply until 30 June 2028", "jusqu'au 30 juin 2028"),
    ),
    (
        "left france, diploma over 4 years old",
        [OTHER, DONE, MASTER, LEFT],
        "15/09/2022",
        "out_abroad_late",
        ("within 4 years", "dans les 4 ans"),
    ),
    (
        "other titre",
        [OTHER, DONE, MASTER, OTHER_TITRE],
        None,
        "out_other_titre",
        ("talent-chercheur", "talent-chercheur"),
    ),
    (
        "provisional",
        [OTHER, PROVISIONAL, MASTER, VALID],
        "skip",
        "out_provisional",
        ("définitive", "définitive"),
    ),
    (
        "jury pending",
        [OTHER, NOT_YET, MASTER, VALID],
        "15/02/2027",
        "out_not_finished",
        ("(ADP)", "(ADP)"),
    ),
    (
        "jury pending, window open",
        [OTHER, NOT_YET, MASTER, VALID],
        "15/02/2027",
        "out_not_finished",
        (
            "Your renewal window is open: file by 15 December 2026, 18 days left.",
            "Votre fenêtre de renouvellement est ouverte : déposez avant le 15 décembre 2026",
        ),
    ),
    (
        "jury pending, window not open yet",
        [OTHER, NOT_YET, MASTER, VALID],
        "01/06/2027",
        "out_not_finished",
        ("from 1 February 2027 to 1 April 2027", "du 1er février 2027 au 1er avril 2027"),
    ),
    (
        "jury pending, window closed",
        [OTHER, NOT_YET, MASTER, VALID],
        "10/01/2027",
        "out_not_finished",
        ("renewal window closed on 10 November 2026", "s'est fermée le 10 novembre 2026"),
    ),
    (
        "holder: what next",
        [OTHER, HOLDER],
        "15/06/2027",
        "out_holder",
        ("without the labour-market test", "sans opposition de la situation de l'emploi"),
    ),
    (
        "holder: days left",
        [OTHER, HOLDER],
        "15/06/2027",
        "out_holder",
        ("ends on 15 June 2027: 200 days left", "prend fin le 15 juin 2027 : il reste 200"),
    ),
    ("holder: no date", [TN, HOLDER], "skip", "out_holder", ("renewable once", "renouvelable")),
    ("holder: india", [IN, HOLDER], "skip", "out_holder", ("12 + 12", "12 + 12")),
    (
        "holder: card ended",
        [OTHER, HOLDER],
        "01/11/2026",
        "out_holder_ended",
        ("ended on 1 November 2026", "a pris fin le 1er novembre 2026"),
    ),
    ("researcher", [OTHER, RESEARCHER, VALID], "skip", "out_researcher", ("L422-10", "L422-10")),
    ("researcher expired", [OTHER, RESEARCHER, EXPIRED], None, "out_expired", ("OQTF", "OQTF")),
    ("india", [IN, DONE, MASTER, VALID], "skip", "out_india", ("12 + 12", "12 + 12")),
    (
        "india 5-year visa",
        [IN, DONE, ENGINEER, VALID],
        "skip",
        "out_india",
        ("Schengen", "Schengen"),
    ),
    (
        "india licence pro",
        [IN, DONE, LPRO, VALID],
        "skip",
        "out_india",
        ("licence professionnelle", "licence professionnelle"),
    ),
    ("india bachelor", [IN, DONE, LICENCE], None, "out_not_eligible", ("Bachelor", "Bachelor")),
    ("india abroad", [IN, DONE, MASTER, LEFT], "skip", "out_abroad", ("consulate", "consulat")),
    (
        "india provisional",
        [IN, PROVISIONAL, MASTER, VALID],
        "skip",
        "out_provisional",
        ("définitive", "définitive"),
    ),
    ("tunisia", [TN, DONE, MASTER, VALID], "skip", "out_tunisia", ("6 months", "6 mois")),
    ("tunisia licence pro", [TN, DONE, LPRO, RENEWAL], "skip", "out_tunisia", ("⚠️", "⚠️")),
    ("gabon", [GA, DONE, LPRO, VALID], "skip", "out_gabon", ("9 months", "9 mois")),
    ("benin", [BJ, DONE, MASTER, VALID], "skip", "out_bilateral", ("€100", "100")),
    (
        "benin jury pending",
        [BJ, NOT_YET, MASTER, VALID],
        "skip",
        "out_not_finished",
        ("(ADP)", "(ADP)"),
    ),
    (
        "rece with no agreement caveat",
        [OTHER, DONE, MASTER, VALID],
        "skip",
        "out_rece",
        ("Senegal", "Sénégal"),
    ),
]


def test_table_is_big_enough_and_reaches_every_outcome() -> None:
    assert len(SITUATIONS) >= 30
    outcomes = {n.id for n in KB.flow.nodes.values() if n.kind == "outcome"}
    assert {s[3] for s in SITUATIONS} == outcomes


RULE_LANGS = ("en", "fr")  # the languages each situation's rule text above is written in


@pytest.mark.parametrize("lang", catalog_languages())
@pytest.mark.parametrize(
    ("answers", "date", "outcome", "rule"),
    [pytest.param(*s[1:], id=s[0]) for s in SITUATIONS],
)
async def test_situation(lang, answers, date, outcome, rule) -> None:
    """Every language reaches the same outcome with its own labels; the rule's text is checked in
    the languages the table gives it in."""
    client = await walk(lang, answers, date)
    assert outcome_title(client, outcome) in client.text
    if lang in RULE_LANGS:
        assert rule[RULE_LANGS.index(lang)] in client.text
    assert client.reply.actions, "an outcome ends the walkthrough"


async def test_personalised_documents_follow_the_answers() -> None:
    valid = await walk("en", [OTHER, DONE, MASTER, VALID], "skip")
    renewal = await walk("en", [OTHER, DONE, RNCP7, RENEWAL], "skip")
    assert "Your current student card" in valid.text
    assert "attestation de prolongation d'instruction" not in valid.text
    assert "RNCP record" not in valid.text
    assert "attestation de prolongation d'instruction (ADP)" in renewal.text
    assert "RNCP record" in renewal.text


async def test_every_outcome_section_cites_sources_with_dates() -> None:
    client = await walk("fr", [OTHER, DONE, MASTER, VALID], "15/03/2027")
    text = client.text.replace("\u202f", " ").replace("\xa0", " ")
    for heading in ("Coût", "Sources"):
        assert heading in text
    assert "150 €" in text
    assert "2 800,53 €" in text  # the June 2026 threshold, formatted the French way
    # the SMIC rose in June 2026: the threshold's change is pointed out, the old value kept
    assert (
        "Seuil de salaire pour le changement de statut (1,5 fois le SMIC, brut mensuel) : "
        "2 800,53 € depuis le 1er juin 2026 ; 2 734,55 € avant." in text
    )
    # the source labels say what was read: a copy holding the January version, not a live check
    assert "service-public.fr F17319 (version du 1er janvier 2026)" in text
    assert "vérifié le" not in text
    # the fee changed less than a year ago: the outcome says so
    assert (
        "Prix de la carte RECE (taxe + droit de timbre) : 150 € depuis mai 2026 ; 75 € avant."
        in text
    )


async def test_first_replies_flag_the_uncertain_bilateral_figures() -> None:
    for answers in ([IN, DONE, MASTER, VALID], [TN, DONE, MASTER, VALID], [GA, DONE, LPRO, VALID]):
        client = await walk("en", answers, "skip")
        status = client.text.split("What to do next")[0]
        assert "⚠️" in status, answers[0]


async def test_french_walkthrough_shows_no_english_knowledge() -> None:
    client = await walk("fr", [OTHER, DONE, MASTER, VALID], "skip")
    assert "Vous pouvez demander la carte RECE" in client.text
    assert "You can apply" not in client.text
    assert "Before your student titre expires" not in client.text


async def test_a_new_question_breaks_no_situation(tmp_path) -> None:
    """The situations above, on a copy of the knowledge with one more question (which changes no
    outcome): none breaks, because they name answers by node and option id, not by the labels
    and order a user sees, and a question they do not name gets its first option."""
    kb = load_knowledge(with_new_question(KB.path, tmp_path / "knowledge"))
    asked = 0
    for name, answers, date, outcome, rule in SITUATIONS:
        client = await walk("en", answers, date, kb=kb)
        assert outcome_title(client, outcome, kb) in client.text, name
        assert rule[0] in client.text, name
        conv = await client.engine.store.load(client.key)
        asked += conv is not None and conv.answers.get(NEW_QUESTION) == "public"
    assert asked >= len(SITUATIONS) // 2  # most situations met the new question
