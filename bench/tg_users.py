"""Simulated Telegram users for parts 3 and 4: raw Bot API updates, one turn at a time.

Each user runs the same 10-turn script in a private chat: ``/aps``, the walkthrough by button
clicks to the date question, the date, then FAQ questions. A click needs the message the bot sent
(its buttons carry signed tokens), so the next update is built from the bot's last reply.
The raw update shapes come from the Telegram tests' helpers (tests/telegram/tg_updates.py).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
_TG_TESTS = str(ROOT / "tests" / "telegram")
if _TG_TESTS not in sys.path:  # the test helpers are plain modules in that folder
    sys.path.insert(0, _TG_TESTS)

import tg_fake_api  # noqa: E402  (re-exported for part 4)
import tg_updates as tg  # noqa: E402

from bench.engine_bench import script_for  # noqa: E402
from bot.knowledge import Knowledge  # noqa: E402

__all__ = ["ROOT", "SimUser", "tg", "tg_fake_api", "user_script"]

TURNS = 10
FAQ_QUESTIONS = {
    "en": [
        "how much does the card cost?",
        "can I work with the APS?",
        "which documents?",
        "how long is it valid?",
    ],
    "fr": [
        "combien coûte la carte ?",
        "puis-je travailler avec l'APS ?",
        "quels documents ?",
        "combien de temps est-elle valable ?",
    ],
}
FIRST_USER_ID = 5_000_000


def user_script(knowledge: Knowledge, turns: int = TURNS) -> list[tuple[str, Any]]:
    """(kind, value) turns: the walkthrough to its outcome, then FAQ questions up to `turns`.

    Clicks are option positions (the labels differ between languages)."""
    walk: list[tuple[str, Any]] = list(script_for(knowledge))
    faq = [("faq", i) for i in range(max(0, turns - len(walk)))]
    return (walk + faq)[:turns]


class SimUser:
    """One user in a private chat; `next_update(last_bot_message)` gives the next raw update."""

    def __init__(self, n: int, script: list[tuple[str, Any]]) -> None:
        self.lang = "fr" if n % 2 else "en"
        self.user = tg.user(FIRST_USER_ID + n, f"Student{n}", language_code=self.lang)
        self.chat = tg.private_chat(self.user)
        self.script = script
        self.turn = 0

    @property
    def chat_id(self) -> int:
        return self.chat["id"]

    def done(self) -> bool:
        return self.turn >= len(self.script)

    def next_update(self, bot_message: dict | None) -> dict:
        kind, value = self.script[self.turn]
        self.turn += 1
        if kind == "command":
            return tg.message_update(self.chat, self.user, f"/{value}")
        if kind == "text":
            return tg.message_update(self.chat, self.user, value)
        if kind == "faq":
            questions = FAQ_QUESTIONS[self.lang]
            return tg.message_update(self.chat, self.user, questions[value % len(questions)])
        assert bot_message is not None, "a click needs the bot's message"
        markup = bot_message.get("reply_markup") or {"inline_keyboard": []}
        options = [b for row in markup["inline_keyboard"] for b in row if "callback_data" in b]
        return tg.callback_update(self.user, bot_message, options[value]["callback_data"])
