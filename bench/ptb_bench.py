"""3. Framework overhead: the same raw updates through python-telegram-bot's Application with
(a) one handler that sends a fixed reply and (b) aps-bot's real handlers (`build_application`).

Both applications use the same in-process recording `BaseRequest` (no sockets; it answers like the
Bot API) and the same rate limiter setting (off). The timed span of an update is the same in both:
``Update.de_json`` of the raw JSON, then ``await application.process_update``. (b) runs first and
interactively (a click needs the buttons of the bot's last message); the updates it was fed are
then replayed through (a). ``ptb_overhead_ratio`` = time(b) / time(a).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes, TypeHandler
from telegram.request import BaseRequest, RequestData

from bench.stats import percentile
from bench.tg_users import SimUser, user_script
from bot.adapters.telegram import build_application
from bot.config import Config
from bot.engine import Engine
from bot.i18n import Catalogs
from bot.knowledge import Knowledge, load_knowledge
from bot.storage import SqliteStore

TOKEN = "123456789:bench-fake-token-inproc"
ME = {
    "id": 777000111,
    "is_bot": True,
    "first_name": "APS bot",
    "username": "aps_bench_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": True,
}
REPLY_METHODS = ("sendMessage", "editMessageText")


class RecordingRequest(BaseRequest):
    """Answers every Bot API call in process, as Telegram would, and records (method, params)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []
        self._message_ids = itertools.count(1000)

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        self.calls.append((name, params))
        if name == "getMe":
            result: Any = ME
        elif name in REPLY_METHODS:
            result = self.message(params)
        else:
            result = True
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def message(self, params: dict) -> dict:
        chat_id = int(params["chat_id"])
        message = {
            "message_id": int(params.get("message_id") or next(self._message_ids)),
            "from": {k: ME[k] for k in ("id", "is_bot", "first_name", "username")},
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "date": int(time.time()),
            "text": params.get("text", ""),
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message


def _no_rate_limit() -> AIORateLimiter:
    return AIORateLimiter(overall_max_rate=0, group_max_rate=0)


def bench_engine(knowledge: Knowledge, db: Path) -> Engine:
    # flood control off: a scripted user sends 10 turns at once, which the gate (rightly) throttles
    return Engine(knowledge, SqliteStore(db), Catalogs(), flood_control=False)


async def _timed(app, raw: dict) -> int:
    t0 = time.perf_counter_ns()
    await app.process_update(Update.de_json(raw, app.bot))
    return time.perf_counter_ns() - t0


def _real_app(knowledge: Knowledge, db: Path) -> tuple[Any, RecordingRequest, Engine]:
    request = RecordingRequest()
    engine = bench_engine(knowledge, db)
    config = Config.from_env({"TELEGRAM_BOT_TOKEN": TOKEN, "APS_BOT_DATABASE": "memory"})
    app = build_application(
        config,
        engine,
        request=request,
        get_updates_request=RecordingRequest(),
        rate_limiter=_no_rate_limit(),
    )
    return app, request, engine


def _fixed_app() -> Any:
    async def fixed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await context.bot.send_message(update.effective_chat.id, "Fixed reply.")

    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .request(RecordingRequest())
        .get_updates_request(RecordingRequest())
        .rate_limiter(_no_rate_limit())
        .concurrent_updates(True)
        .build()
    )
    app.add_handler(TypeHandler(Update, fixed))
    return app


async def _run(users: int, knowledge: Knowledge, db: Path, warmup: int = 20) -> dict:
    """Users one after the other; each user's turns go through (b), then the same raw updates
    through (a) at once, so both see the same machine load."""
    real_app, request, engine = _real_app(knowledge, db)
    fixed_app = _fixed_app()
    script = user_script(knowledge)
    real: list[int] = []
    fixed: list[int] = []
    without_reply = 0
    update_ids = itertools.count(1)
    async with real_app, fixed_app:
        for n in range(warmup + users):
            sim = SimUser(n, script)
            last: dict | None = None
            fed: list[dict] = []
            user_real: list[int] = []
            while not sim.done():
                raw = sim.next_update(last)
                raw["update_id"] = next(update_ids)
                mark = len(request.calls)
                user_real.append(await _timed(real_app, raw))
                fed.append(raw)
                sent = [p for m, p in request.calls[mark:] if m in REPLY_METHODS]
                without_reply += not sent
                if sent:
                    last = request.message(sent[-1])
            user_fixed = [await _timed(fixed_app, raw) for raw in fed]
            if n >= warmup:  # the first users warm caches up; not counted
                real += user_real
                fixed += user_fixed
    await engine.store.close()
    return {
        "ptb_updates": len(real),
        "ptb_fixed_updates_per_s": round(len(fixed) / (sum(fixed) / 1e9)),
        "ptb_real_updates_per_s": round(len(real) / (sum(real) / 1e9)),
        "ptb_fixed_p50_us": round(percentile(fixed, 50) / 1000, 1),
        "ptb_real_p50_us": round(percentile(real, 50) / 1000, 1),
        "ptb_real_p99_us": round(percentile(real, 99) / 1000, 1),
        "ptb_updates_without_reply": without_reply,
        "ptb_overhead_ratio": round(sum(real) / sum(fixed), 2),
        "ptb_overhead_ratio_p50": round(percentile(real, 50) / percentile(fixed, 50), 2),
    }


def run(users: int = 1_000) -> dict:
    knowledge = load_knowledge()
    with tempfile.TemporaryDirectory() as tmp:
        return asyncio.run(_run(users, knowledge, Path(tmp) / "ptb.sqlite3"))


if __name__ == "__main__":
    print(run(200))
