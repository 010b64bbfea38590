"""Choice tokens: what a button carries back to the engine.

A token is short (≤ 64 bytes, Telegram's callback_data limit), versioned and authenticated::

    w.<flow version>.<step>.<node>.<nonce>.<owner>.<mac>.<option>    a walkthrough choice
    f.<kb version>.<action>.<index>.<owner>.<mac>                    an FAQ choice
    l.<lang>.<owner>.<mac>                                           a language
    r.<action>.<argument>.<owner>.<mac>                              reminders (set, cancel, list)
    c.<action>.<flow version>.<node>.<mask or item>.<owner>.<mac>    the document checklist
    v.<kb version>.<entry>.<u|d>.<nonce>.<owner>.<mac>               a 👍/👎 vote (owner 0: anyone)

``owner`` is a short keyed hash of the user the buttons were made for, so another member's click in a
group is recognised; ``mac`` is a keyed BLAKE2b (64 bits, hex) over everything before it: a MAC by design, and
several times faster than HMAC-SHA256 on these short inputs, which matters because every reply
carries several tokens. The key is a secret kept in the Store, so a forged or edited token is
rejected without touching any state.

A walkthrough token's option comes *after* the MAC, which covers everything else: the buttons of
one step share one MAC (computed once per step, not once per button), and editing the option can
only pick another button of that same message, which its reader could click anyway; the engine
rejects an option the step does not have.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

MAX_TOKEN_BYTES = 64
MAX_OWNERS_KEPT = 50_000  # users whose owner hash is remembered (a few MB at most)
# Where adapters put the answer to a click (they know nothing else of the token's contents):
EDITS_MESSAGE = ("w.", "c.t.")  # a walkthrough step, a ticked item: replace the clicked message
KEEPS_MESSAGE = ("r.", "c.o.", "v.")  # reminders, opening a checklist: answer below, keep it
ANYONE = "0"  # the owner of a token anyone may click (a vote under an answer in a group)
_BODY = re.compile(r"^[A-Za-z0-9_.-]*$")


OPEN_TAIL_KINDS = frozenset({"w"})  # kinds whose last part (the option) follows the MAC


@dataclass(frozen=True)
class Token:
    kind: str
    fields: tuple[str, ...]
    owner: str
    tail: str = ""


class TokenCodec:
    """Signs and checks tokens with `secret`."""

    def __init__(self, secret: bytes) -> None:
        # one keyed state, copied per token: keying BLAKE2b costs more than hashing a token
        self._mac_base = hashlib.blake2b(key=secret[:64], digest_size=8, person=b"aps-mac")
        self._owner_base = hashlib.blake2b(key=secret[:64], digest_size=8, person=b"aps-owner")
        self._owners: dict[tuple[str, str], str] = {}

    def owner(self, platform: str, user: str) -> str:
        """The short keyed hash naming `user`'s buttons (remembered: every event needs it)."""
        key = (platform, user)
        found = self._owners.get(key)
        if found is None:
            h = self._owner_base.copy()
            h.update(f"{platform}:{user}".encode())
            found = h.hexdigest()[:8]
            if len(self._owners) >= MAX_OWNERS_KEPT:
                self._owners.clear()
            self._owners[key] = found
        return found

    def encode(self, kind: str, fields: tuple[str, ...], owner: str) -> str:
        """A signed token. For an open-tail kind, append ``.<option>`` to the result."""
        body = ".".join((kind, *fields, owner))
        if not _BODY.match(body):
            raise ValueError(f"token fields must be [A-Za-z0-9_-]: {body!r}")
        token = f"{body}.{self._mac(body)}"
        # an open-tail token still needs room for its option (up to 3 characters)
        room = 4 if kind in OPEN_TAIL_KINDS else 0
        if len(token.encode()) + room > MAX_TOKEN_BYTES:
            raise ValueError(f"token too long ({len(token)} bytes)")
        return token

    def decode(self, token: str) -> Token | None:
        """The token's parts if it is authentic, else None (forged, truncated or garbage)."""
        if not isinstance(token, str) or len(token) > MAX_TOKEN_BYTES or not token.isascii():
            return None
        tail = ""
        if token.split(".", 1)[0] in OPEN_TAIL_KINDS:
            token, _, tail = token.rpartition(".")
            if not tail.isalnum():
                return None
        body, _, mac = token.rpartition(".")
        if not body or not hmac.compare_digest(mac, self._mac(body)):
            return None
        parts = body.split(".")
        if len(parts) < 2:
            return None
        return Token(parts[0], tuple(parts[1:-1]), parts[-1], tail)

    def _mac(self, body: str) -> str:
        h = self._mac_base.copy()
        h.update(body.encode())
        return h.hexdigest()
