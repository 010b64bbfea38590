"""Languages that cannot disturb each other, and Simplified Chinese as a complete language.

The exact test of issue 22: every English and French question of eval/questions.yaml gets the
same first reply, to the score, with and without the Chinese data (its catalog, lexicon and
example questions). Then what makes Chinese work: its script tells the language even in a
question full of French terms, its platform locales (and not Traditional Chinese's) select it, its
dates are read and written the CLDR zh_Hans way, its segmenter keeps legal terms whole, and its
examples and evaluation questions are as many as the issue asks.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from discord import Locale as DiscordLocale
from discord import app_commands

from bench.faq_eval import held_out, load
from bot.adapters.discord.translator import CatalogTranslator
from bot.engine.dates import parse_date
from bot.i18n import DEFAULT_LOCALES_DIR, Catalogs
from bot.knowledge import DEFAULT_KNOWLEDGE_DIR, KnowledgeError, load_knowledge
from bot.search.decide import decide
from bot.search.lexicon import build
from bot.search.segment import Segmenter, space_runs
from bot.testing import Client
from tests.test_third_language import TO_THE_DATE

ROOT = Path(__file__).resolve().parent.parent
KB = load_knowledge()
CATALOGS = Catalogs()


@pytest.fixture(scope="module")
def without_chinese(tmp_path_factory: pytest.TempPathFactory):
    """The knowledge and catalogs with every Chinese file taken out."""
    tmp = tmp_path_factory.mktemp("no_zh")
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, tmp / "knowledge")
    shutil.copytree(DEFAULT_LOCALES_DIR, tmp / "locales", ignore=shutil.ignore_patterns("*.mo"))
    (tmp / "knowledge" / "lexicon" / "zh.yaml").unlink()
    (tmp / "knowledge" / "examples" / "zh.yaml").unlink()
    shutil.rmtree(tmp / "locales" / "zh")
    catalogs = Catalogs(tmp / "locales")
    assert "zh" not in catalogs.languages
    return load_knowledge(tmp / "knowledge", catalogs=catalogs)


def first_reply(kb, text: str) -> tuple:
    d = decide(kb.faq.index, text)
    return (d.kind, d.shown, d.offered, d.result.matches, d.result.unanswered, d.result.lang)


def test_english_and_french_answers_are_identical_without_the_chinese_data(without_chinese):
    questions = [q for q in load() if q.lang in ("en", "fr")]
    assert len(questions) > 300
    changed = [
        q.text for q in questions if first_reply(KB, q.text) != first_reply(without_chinese, q.text)
    ]
    assert not changed, changed[:5]
    assert "zh" in KB.faq.index.languages and "zh" not in without_chinese.faq.index.languages


@pytest.mark.slow
def test_english_and_french_held_out_examples_are_identical_without_chinese(without_chinese):
    """The larger measurement of make eval --folds: each example held out, the same replies."""

    def replies(kb):
        return [(q.text, got) for q, got, _ in held_out(kb) if q.lang in ("en", "fr")]

    assert replies(KB) == replies(without_chinese)


def test_chinese_examples_move_only_chinese_answers(tmp_path: Path) -> None:
    """Give every Chinese example of one entry to another: the Chinese answer moves, no English
    or French one does."""
    knowledge = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, knowledge)
    file = knowledge / "examples" / "zh.yaml"
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    data["travel"] = data["fee"] + data["travel"]
    data["fee"] = data["fee"][:5]
    file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    edited = load_knowledge(knowledge)
    english_french = [q.text for q in load() if q.lang in ("en", "fr")][:120]
    assert all(first_reply(KB, t) == first_reply(edited, t) for t in english_french)
    chinese = [q.text for q in load() if q.lang == "zh"]
    assert any(first_reply(KB, t) != first_reply(edited, t) for t in chinese)


@pytest.mark.parametrize(
    "text",
    [
        "我的 titre de séjour 快到期了，可以申请 APS 吗？",
        "récépissé 可以出境吗",
        "RECE 要多少钱",
        "job seeker permit 怎么申请",
    ],
)
def test_a_question_mixing_chinese_french_and_english_is_chinese(text: str) -> None:
    assert KB.faq.index.guess_lang(text) == "zh"
    assert decide(KB.faq.index, text).result.lang == "zh"


async def test_a_chinese_question_is_answered_in_chinese() -> None:
    client = await Client.create(knowledge=KB)
    await client.send("RECE 居留卡要多少钱？税票在哪里买")
    assert client.reply.lang == "zh"
    assert "fee" in client.reply.faq_shown or "timbre" in client.reply.faq_shown
    assert "来源：" in client.text and "{" not in client.text


def test_french_terms_meet_the_chinese_answers_through_borrowed_lexicons() -> None:
    """ "récépissé" is French in a Chinese question: the French lexicon reads it (borrows), and the
    Chinese texts say 回执（récépissé）, so the récépissé entry leads."""
    ranked = [e for e, _ in KB.faq.index.rank("récépissé 有什么用", 3)]
    assert ranked[0] == "recepisse"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("zh", "zh"),
        ("zh-hans", "zh"),
        ("zh-CN", "zh"),
        ("zh_Hans_SG", "zh"),
        ("zh-hans-raw", "zh"),  # Telegram's unofficial language packs
        ("zh-TW", None),  # Traditional Chinese: not given Simplified without asking
        ("zh-HK", None),
        ("zh-hant", None),
        ("zh-hant-raw", None),
    ],
)
def test_simplified_chinese_locales_select_it_and_traditional_ones_do_not(locale, expected):
    assert CATALOGS.supported(locale) == expected


async def test_discord_zh_cn_gets_chinese_names_and_zh_tw_the_default() -> None:
    translator = CatalogTranslator(CATALOGS)
    context = app_commands.TranslationContext(
        app_commands.TranslationContextLocation.parameter_name, None
    )
    option = app_commands.locale_str("question", context="option name")
    assert await translator.translate(option, DiscordLocale.chinese, context) == "问题"
    assert await translator.translate(option, DiscordLocale.taiwan_chinese, context) is None
    name = app_commands.locale_str("help", context="command name")
    assert await translator.translate(name, DiscordLocale.chinese, context) is None  # ASCII


def test_dates_and_money_follow_cldr_zh_hans() -> None:
    zh = CATALOGS.get("zh")
    assert str(zh.locale) == "zh_Hans"
    assert zh.date(dt.date(2027, 3, 15)) == "2027年3月15日"
    assert zh.date(dt.date(2026, 5, 1)) == "2026年5月1日"
    assert zh.month(dt.date(2026, 5, 1)) == "2026年5月"
    assert zh.money(150) == "€150" and zh.money("2734.55") == "€2,734.55"
    assert CATALOGS.language_name("zh") == "中文 (简体)"


@pytest.mark.parametrize(
    ("typed", "today", "expected"),
    [
        ("2027年3月15日", None, dt.date(2027, 3, 15)),
        ("2027 年 3 月 15 日", None, dt.date(2027, 3, 15)),
        ("２０２７年３月１５日。", None, dt.date(2027, 3, 15)),
        ("3月15日", None, None),  # no year: only read when the caller knows today
        ("3月15日", dt.date(2026, 12, 7), dt.date(2027, 3, 15)),
        ("11月30日", dt.date(2026, 12, 7), dt.date(2026, 11, 30)),  # just past
        ("2027年2月30日", None, None),
    ],
)
def test_dates_typed_in_chinese_are_read(typed, today, expected) -> None:
    assert parse_date(typed, CATALOGS.codes, today) == expected


async def test_the_walkthrough_reads_a_chinese_date() -> None:
    client = await Client.create(knowledge=KB, lang="zh")
    await client.send("/aps")
    await client.walk({**TO_THE_DATE, "titre_expiry": "2027年3月15日"})  # by node and option id
    assert "2027年3月15日" in client.text  # the countdown, the date written the Chinese way


def test_the_segmenter_keeps_the_lexicons_words_whole() -> None:
    words = ["居留卡", "电子税票"]
    for method in ("jieba", "bigrams"):
        cut = Segmenter(method, words).split(["求职或创业居留卡需要多少钱电子税票在哪买"])
        assert "居留卡" in cut and "电子税票" in cut, (method, cut)
    assert Segmenter("bigrams").split(["找工作签证"]) == ["找工", "工作", "作签", "签证"]
    assert space_runs("申请APS要4个月") == "申请 APS 要 4 个月"
    assert space_runs("no chinese here") == "no chinese here"
    zh = build("zh", "none", ["的"], {}, {"rece": ["找工作居留"]}, segmenter="jieba")
    assert zh.concepts == {"找工作居留": "rece"} and zh.stem("居留卡") == "居留卡"


def test_lexicon_and_example_file_problems_have_file_and_line(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, knowledge)
    examples = knowledge / "examples" / "zh.yaml"
    examples.write_text(
        examples.read_text(encoding="utf-8") + "no_such_entry:\n  - 问题\n", encoding="utf-8"
    )
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(knowledge)
    found = [str(p) for p in info.value.problems]
    assert any(
        "examples/zh.yaml:" in p and "'no_such_entry' is not an entry id" in p for p in found
    )
    lexicon = knowledge / "lexicon" / "zh.yaml"
    text = lexicon.read_text(encoding="utf-8")
    text = text.replace("segmenter: jieba", "segmenter: magic")
    text = text.replace("borrows: [en, fr]", "borrows: [en, xx]")
    lexicon.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(knowledge)
    found = [str(p) for p in info.value.problems]
    assert any("zh.yaml:" in p and "segmenter must be one of jieba, bigrams" in p for p in found)
    assert any("zh.yaml:" in p and "borrows 'xx', which has no lexicon" in p for p in found)


def test_every_entry_has_twenty_chinese_examples_and_the_eval_set_its_questions() -> None:
    for entry in KB.faq.entries:
        assert len(entry.examples.get("zh", ())) >= 20, entry.id
    assert len(KB.faq.out_of_scope.get("zh", ())) >= 20
    items = [i for i in yaml.safe_load((ROOT / "eval" / "questions.yaml").read_text("utf-8"))]
    chinese = [i for i in items if i["lang"] == "zh"]
    assert len(chinese) >= 80
    assert len([i for i in chinese if i["kind"] == "real" and i.get("url")]) >= 30


def test_a_languages_index_is_built_when_first_read_and_warm_builds_them_all() -> None:
    """Start-up pays for the default language's index only (bench's startup_ratio); the first
    Chinese question builds the Chinese one, the same as one built up front; a server warms all."""
    kb = load_knowledge()
    index = kb.faq.index
    assert set(index._indexes) == {"en"}
    result = index.search("RECE多少钱？", lang="zh")
    assert result.lang == "zh" and result.best.entry_id == "fee"
    assert set(index._indexes) == {"en", "zh"}
    index.warm()
    assert set(index._indexes) == set(index.languages) == {"en", "fr", "zh"}
    assert [m.entry_id for m in index.search("RECE多少钱？", lang="zh").matches] == [
        m.entry_id for m in result.matches
    ]
