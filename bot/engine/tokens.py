"""Button payloads: what a button carries back to the engine, typed, packed and signed here.

Each kind of button has a small typed payload, a frozen dataclass declared as in aiogram's
``CallbackData``: ``class FaqButton(Payload, kind="f")`` with typed fields (``str``, ``int`` or a
one-letter ``StrEnum``). `TokenCodec.pack` turns a payload into a token and `TokenCodec.unpack`
turns a token back into a payload, or None when it is forged, truncated, of an unknown kind or of
the wrong shape: features never split or join token strings. A token is short (≤ 64 bytes,
Telegram's callback_data limit; Discord's custom_id allows 100), versioned and authenticated::

    w.<flow version>.<step>.<node>.<nonce>.<owner>.<mac>.<option>    WalkButton
    f.<kb version>.<action>.<index>.<owner>.<mac>                    FaqButton
    l.<lang>.<owner>.<mac>                                           LanguageButton
    r.<action>.<argument>.<owner>.<mac>                              ReminderButton
    c.<action>.<flow version>.<node>.<mask or item>.<owner>.<mac>    ChecklistButton
    v.<kb version>.<entry>.<u|d|x>.<nonce>.<owner>.<mac>             VoteButton (owner 0: anyone)

This is the format buttons had before payloads were typed, so the buttons already in users' chats
are still understood.

``owner`` is a short keyed hash of the user the buttons were made for, so another member's click in a
group is recognised; ``mac`` is a keyed BLAKE2b (64 bits, hex) over everything before it: a MAC by design, and
several times faster than HMAC-SHA256 on these short inputs, which matters because every reply
carries several tokens. The key is a secret kept in the Store, so a forged or edited token is
rejected without touching any state.

A walkthrough token's option comes *after* the MAC, which covers everything else: the buttons of
one step share one MAC (computed once per step, not once per button, `TokenCodec.pack_prefix`),
and editing the option can only pick another button of that same message, which its reader could
click anyway; the engine rejects an option the step does not have.

Where the answer to a click goes (replacing the clicked message or posted anew) is not read from
the token: the reply says it (`bot.engine.reply.ReplyMode`).
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import hmac
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

from bot.i18n import CHOICE_SEPARATOR

MAX_TOKEN_BYTES = 64
MAX_TAIL = 3  # characters an open tail (a walkthrough option) may take
MAX_OWNERS_KEPT = 50_000  # users whose owner hash is remembered (a few MB at most)
ANYONE = "0"  # the owner of a token anyone may click (a vote under an answer in a group)
_BODY = re.compile(r"^[A-Za-z0-9_.-]*$")


class Payload:
    """The base of every button's payload: a frozen dataclass of ``str``, ``int`` or ``StrEnum``
    fields, declared with its token kind, ``class X(Payload, kind="x")``. A payload with
    ``tail="field"`` signs every field but that one, which follows the MAC (see the module)."""

    kind: ClassVar[str]
    tail: ClassVar[str]
    KINDS: ClassVar[dict[str, type[Payload]]] = {}

    def __init_subclass__(cls, *, kind: str, tail: str = "", **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if not kind.isalnum() or kind in Payload.KINDS:
            raise ValueError(f"payload kind {kind!r} is not a letter or is taken")
        cls.kind, cls.tail = kind, tail
        Payload.KINDS[kind] = cls


class _Spec(NamedTuple):
    """How a payload class packs: its signed fields' names, how to read each back from its
    text, and its tail's name."""

    names: tuple[str, ...]
    readers: tuple[Callable[[str], object], ...]
    tail: str


_SPECS: dict[type[Payload], _Spec] = {}


def _spec(cls: type[Payload]) -> _Spec:
    found = _SPECS.get(cls)
    if found is None:
        hints = typing.get_type_hints(cls)
        fields = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
        if cls.tail and fields[-1] != cls.tail:  # unpacking passes it last
            raise TypeError(f"{cls.__name__}: the tail {cls.tail!r} must be the last field")
        names = tuple(name for name in fields if name != cls.tail)
        readers = tuple(_reader(hints[name]) for name in names)
        found = _SPECS[cls] = _Spec(names, readers, cls.tail)
    return found


def _reader(kind: type) -> Callable[[str], object]:
    """How a field of type `kind` is read from its text (ValueError when it cannot be)."""
    if kind is int:
        return _read_int
    if kind is str:
        return str
    if issubclass(kind, enum.StrEnum):
        return kind  # ValueError for a value it does not have
    raise TypeError(f"a payload field must be str, int or a StrEnum, not {kind!r}")


def _read_int(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise ValueError(text)
    return int(text)


class Signed(NamedTuple):
    """An authentic token's payload and the owner it was made for."""

    payload: Payload
    owner: str


class TokenCodec:
    """Packs payloads into signed tokens and unpacks them, with `secret`."""

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

    def pack(self, payload: Payload, owner: str) -> str:
        """`payload` as a token for `owner`'s buttons (`ANYONE`: anyone may click it).

        Raises:
            ValueError: a field holds something other than ``[A-Za-z0-9_-]``, or the token
                would not fit in 64 bytes.
        """
        token = self.pack_prefix(payload, owner)
        spec = _spec(type(payload))
        if not spec.tail:
            return token
        tail = str(getattr(payload, spec.tail))
        if not (tail.isascii() and tail.isalnum()) or len(tail) > MAX_TAIL:
            raise ValueError(
                f"{payload.kind}.{spec.tail} must be 1 to {MAX_TAIL} letters or digits"
            )
        return token + tail

    def pack_prefix(self, payload: Payload, owner: str) -> str:
        """The signed part of `payload`'s token; for a payload with a tail, it ends with the dot
        each button of a step appends its own tail to (one MAC for all of them)."""
        spec = _spec(type(payload))
        # str() of a StrEnum member is its value
        parts = [payload.kind, *(str(getattr(payload, name)) for name in spec.names), owner]
        body = ".".join(parts)
        if not _BODY.match(body) or body.count(".") != len(parts) - 1:
            raise ValueError(f"token fields must be [A-Za-z0-9_-]: {body!r}")
        token = f"{body}.{self._mac(body)}"
        room = MAX_TAIL + 1 if spec.tail else 0  # a tail still needs room for its dot and value
        if len(token.encode()) + room > MAX_TOKEN_BYTES:
            raise ValueError(f"token too long ({len(token)} bytes)")
        return token + "." if spec.tail else token

    def unpack(self, token: object) -> Signed | None:
        """The payload of `token` if it is authentic and well formed, else None (forged,
        truncated, garbage, of a kind this version does not have, or of the wrong shape)."""
        if not isinstance(token, str) or len(token) > MAX_TOKEN_BYTES or not token.isascii():
            return None
        cls = Payload.KINDS.get(token.split(".", 1)[0])
        if cls is None:
            return None
        spec = _spec(cls)
        tail = ""
        if spec.tail:
            token, _, tail = token.rpartition(".")
            if not tail.isalnum() or len(tail) > MAX_TAIL:  # ASCII: checked above
                return None
        body, _, mac = token.rpartition(".")
        if not body or not hmac.compare_digest(mac, self._mac(body)):
            return None
        parts = body.split(".")
        if len(parts) != len(spec.names) + 2:  # kind, fields, owner
            return None
        try:
            values = [read(text) for read, text in zip(spec.readers, parts[1:-1], strict=True)]
        except ValueError:
            return None
        if spec.tail:
            values.append(tail)  # the tail is the last field
        return Signed(cls(*values), parts[-1])

    def _mac(self, body: str) -> str:
        h = self._mac_base.copy()
        h.update(body.encode())
        return h.hexdigest()


def claims(token: str, cls: type[Payload]) -> bool:
    """Whether `token` says it is of `cls`'s kind, without checking that it is authentic: for a
    front end that leaves out buttons it cannot serve (the web, reminders). Never trust it."""
    return isinstance(token, str) and token.split(".", 1)[0] == cls.kind


# ---------------------------------------------------------------------- the payloads


@dataclass(frozen=True)
class WalkButton(Payload, kind="w", tail="option"):
    """A walkthrough button: an option of one step of one conversation, or its navigation.

    Attributes:
        version: the walkthrough (flow.yaml) version it was made for.
        step: the conversation's step counter when it was shown.
        node: the node's index in the flow.
        nonce: the conversation's nonce (a new walkthrough gets a new one).
        option: the option's index, or one of `WalkButton.NAVIGATION` (after the MAC).
    """

    version: str
    step: int
    node: int
    nonce: str
    option: str = ""

    BACK: ClassVar[str] = "b"
    RESTART: ClassVar[str] = "r"
    CANCEL: ClassVar[str] = "c"
    SKIP: ClassVar[str] = "s"  # "Skip this question" under an input


class FaqAction(enum.StrEnum):
    ANSWER = "a"  # an entry's answer ("More" under a composed reply, "Related", did you mean)
    DETAIL = "m"  # an entry's answer and its detail ("Tell me more")
    TOPICS = "T"  # the list of topics
    TOPIC = "t"  # one topic's entries
    WALKTHROUGH = "w"  # start the walkthrough (from /help)


@dataclass(frozen=True)
class FaqButton(Payload, kind="f"):
    """An FAQ button. `index` is the entry's or topic's index in the knowledge of `version`."""

    version: str
    action: FaqAction
    index: int = 0


@dataclass(frozen=True)
class LanguageButton(Payload, kind="l"):
    """One language of /lang's buttons: ``lang`` is a language code, or, for a language still
    being translated, the code and the language its untranslated strings show in, joined by
    a hyphen (``es-fr``: "Show untranslated texts in French"). One field, as buttons already
    in chats have it."""

    lang: str

    @classmethod
    def with_fallback(cls, lang: str, fallback: str) -> LanguageButton:
        return cls(f"{lang}-{fallback}")

    @property
    def choice(self) -> str:
        """What `Catalogs.choice` reads: ``es``, or ``es+fr`` with a fallback."""
        return self.lang.replace("-", CHOICE_SEPARATOR, 1)


class ReminderAction(enum.StrEnum):
    OPT_IN_TITRE = "o"  # under an outcome: remind me before my titre expires on `arg`
    OPT_IN_RECE = "O"  # under an outcome: before my RECE card or APS ends on `arg`
    IS_TITRE = "T"  # "No: that is when my titre expires"
    IS_RECE = "k"  # "No: that is when my RECE card or APS ends"
    LIST = "l"  # my reminders
    CANCEL = "c"  # cancel reminder `arg`
    STOP_ALL = "x"


@dataclass(frozen=True)
class ReminderButton(Payload, kind="r"):
    """A reminder button; `arg` is a compact date (YYYYMMDD), a reminder id, or "0"."""

    action: ReminderAction
    arg: str = "0"


class ChecklistAction(enum.StrEnum):
    OPEN = "o"  # open the checklist of the outcome's documents in `arg` (a hex bit mask)
    TICK = "t"  # tick or untick item `arg`


@dataclass(frozen=True)
class ChecklistButton(Payload, kind="c"):
    """A checklist button, for outcome `node` of walkthrough `version`."""

    action: ChecklistAction
    version: str
    node: int
    arg: str


class Vote(enum.StrEnum):
    UP = "u"
    DOWN = "d"
    MISSED = "x"  # "Not what I asked"


@dataclass(frozen=True)
class VoteButton(Payload, kind="v"):
    """👍, 👎 or "Not what I asked" under one display of entry `index` (one `nonce` for the
    display: it counts one vote)."""

    version: str
    index: int
    vote: Vote
    nonce: str
