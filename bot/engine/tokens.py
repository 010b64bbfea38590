"""Choice tokens: what a button carries back to the engine.

A token is short (≤ 64 bytes, Telegram's callback_data limit), versioned and authenticated::

    w.<flow version>.<step>.<node>.<option>.<nonce>.<owner>.<mac>    a walkthrough choice
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
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

MAX_TOKEN_BYTES = 64
# Where adapters put the answer to a click (they know nothing else of the token's contents):
EDITS_MESSAGE = ("w.", "c.t.")  # a walkthrough step, a ticked item: replace the clicked message
KEEPS_MESSAGE = ("r.", "c.o.", "v.")  # reminders, opening a checklist: answer below, keep it
_BODY = re.compile(r"^[A-Za-z0-9_.-]*$")


@dataclass(frozen=True)
class Token:
    kind: str
    fields: tuple[str, ...]
    owner: str


class TokenCodec:
    """Signs and checks tokens with `secret`."""

    def __init__(self, secret: bytes) -> None:
        # one keyed state, copied per token: keying BLAKE2b costs more than hashing a token
        self._mac_base = hashlib.blake2b(key=secret[:64], digest_size=8, person=b"aps-mac")
        self._owner_base = hashlib.blake2b(key=secret[:64], digest_size=8, person=b"aps-owner")

    def owner(self, platform: str, user: str) -> str:
        h = self._owner_base.copy()
        h.update(f"{platform}:{user}".encode())
        return h.hexdigest()[:8]

    def encode(self, kind: str, fields: tuple[str, ...], owner: str) -> str:
        body = ".".join((kind, *fields, owner))
        if not _BODY.match(body):
            raise ValueError(f"token fields must be [A-Za-z0-9_-]: {body!r}")
        token = f"{body}.{self._mac(body)}"
        if len(token.encode()) > MAX_TOKEN_BYTES:
            raise ValueError(f"token too long ({len(token)} bytes)")
        return token

    def decode(self, token: str) -> Token | None:
        """The token's parts if it is authentic, else None (forged, truncated or garbage)."""
        if not isinstance(token, str) or len(token) > MAX_TOKEN_BYTES or not token.isascii():
            return None
        body, _, mac = token.rpartition(".")
        if not body or not hmac.compare_digest(mac, self._mac(body)):
            return None
        parts = body.split(".")
        if len(parts) < 2:
            return None
        return Token(parts[0], tuple(parts[1:-1]), parts[-1])

    def _mac(self, body: str) -> str:
        h = self._mac_base.copy()
        h.update(body.encode())
        return h.hexdigest()
