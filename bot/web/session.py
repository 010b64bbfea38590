"""The anonymous session: a random id, signed so it cannot be forged or guessed.

The session token is ``<id>.<mac>``: 16 random bytes and an HMAC-SHA256 (truncated to 128 bits)
of the id, both base64url. The id is the engine's user for this browser; nothing else about the
visitor is kept. The page's script keeps the token itself and sends it in the ``X-Aps-Session``
header (a browser that blocks third-party cookies still lets an embedded chat work); a cookie
holding the same token is the alternative, and what the page without JavaScript relies on (its
forms also carry the token). A form carries a CSRF token derived from the id, so another site
cannot post in someone's name; the JSON API is protected by requiring a JSON body and a custom
header (which another site cannot send without a CORS preflight this server never grants) and
by checking ``Origin``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

COOKIE = "aps_sid"
HEADER = "X-Aps-Session"  # the token, sent by the page's script and returned by the API
_ID_BYTES = 16
_MAC_BYTES = 16


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class SessionCodec:
    """Issues and checks session cookies and CSRF tokens with one key."""

    def __init__(self, key: str) -> None:
        self._key = hashlib.sha256(b"aps-bot web session\0" + key.encode()).digest()

    def _mac(self, purpose: bytes, session_id: str) -> str:
        digest = hmac.new(self._key, purpose + session_id.encode("ascii"), hashlib.sha256)
        return _b64(digest.digest()[:_MAC_BYTES])

    def new(self) -> tuple[str, str]:
        """A fresh session: (id, token)."""
        session_id = _b64(secrets.token_bytes(_ID_BYTES))
        return session_id, self.sign(session_id)

    def sign(self, session_id: str) -> str:
        """The token of session `session_id` (what the cookie and the header hold)."""
        return f"{session_id}.{self._mac(b'sid:', session_id)}"

    def verify(self, cookie: str | None) -> str | None:
        """The session id in `cookie` (a token) if its signature is right, else None."""
        if not cookie or len(cookie) > 100 or not cookie.isascii():
            return None
        session_id, _, mac = cookie.partition(".")
        if not session_id or not mac:
            return None
        if not hmac.compare_digest(mac, self._mac(b"sid:", session_id)):
            return None
        return session_id

    def csrf(self, session_id: str) -> str:
        return self._mac(b"csrf:", session_id)

    def check_csrf(self, session_id: str, token: str | None) -> bool:
        return bool(token) and token.isascii() and hmac.compare_digest(token, self.csrf(session_id))
