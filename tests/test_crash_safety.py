"""SIGKILL at random points of scripted walkthroughs: the database stays sound and the user resumes
at the last completed step (or the one being written when the kill came)."""

from __future__ import annotations

import contextlib
import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KB = Path(__file__).parent / "fixtures" / "kb"
# console lines, and the node the conversation is at once each has been handled
SCRIPT = [("/aps", "who"), ("3", "diploma"), ("1", "expiry"), ("15/03/2027", "out_card")]
SHOWN = {
    "who": "Who are you?",
    "diploma": "Which diploma?",
    "expiry": "When does your titre expire?",
    "out_card": "Card outcome",
}
KILLS = 20


class Bot:
    """The console as a subprocess, on a SQLite file, with its output read in the background."""

    def __init__(self, db: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DISCORD_"))}
        env.update({"APS_BOT_DATABASE": str(db), "APS_BOT_KNOWLEDGE": str(KB), "LANG": "C.UTF-8"})
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "console", "--lang", "en"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.out: queue.Queue[str] = queue.Queue()
        self.seen = ""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.out.put(line)

    def send(self, line: str) -> None:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def wait_for(self, text: str, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.seen:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"timed out waiting for {text!r}"
            try:
                self.seen += self.out.get(timeout=remaining)
            except queue.Empty:
                continue

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self._close()

    def quit(self) -> None:
        self._close()

    def _close(self) -> None:
        with contextlib.suppress(BrokenPipeError):
            self.proc.stdin.close()
        self.proc.wait(timeout=10)
        self._reader.join(timeout=10)
        self.proc.stdout.close()


def stored_node(db: Path) -> str | None:
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        row = con.execute("SELECT json_extract(state, '$.node') FROM conversations").fetchone()
        return row[0] if row else None
    finally:
        con.close()


def test_sigkill_at_random_points_never_corrupts_and_resumes(tmp_path: Path) -> None:
    rng = random.Random(20261127)
    for round_ in range(KILLS):
        db = tmp_path / f"kill-{round_}.sqlite3"
        bot = Bot(db)
        bot.wait_for("What I can do")
        confirmed = None  # the node shown by the last reply the user saw
        kill_at = rng.randrange(len(SCRIPT))
        for i, (line, node) in enumerate(SCRIPT):
            bot.send(line)
            if i == kill_at:
                time.sleep(rng.uniform(0, 0.03))  # sometimes before, sometimes after the write
                bot.kill()
                break
            bot.wait_for(SHOWN[node])
            confirmed = node
        node = stored_node(db)
        expected_next = SCRIPT[kill_at][1]
        assert node in {confirmed, expected_next}, (round_, kill_at, confirmed, node)

        bot = Bot(db)  # restart on the same database
        bot.wait_for("What I can do")
        if node is None:
            bot.send("/aps")
            bot.wait_for(SHOWN["who"])
        else:
            bot.send("/aps")
            bot.wait_for(SHOWN[node])  # resumes exactly there
            if node != "out_card":
                assert "continue where you left off" in bot.seen
        bot.quit()
        assert stored_node(db) is not None
