"""PTB's HTTP layer, minus the inline keyboards Telegram echoes back, and minus the updates it
cannot read.

Every sendMessage and editMessageText result repeats the message with its inline keyboard, and
every button click arrives with the clicked message and its keyboard. python-telegram-bot turns
each button into an object (tens of microseconds each, up to thirteen a message), and aps-bot never
reads them: it needs chat and message ids only. `TrimmedRequest` drops ``reply_markup`` from what
Telegram sends back, before PTB parses it, through BaseRequest's documented ``parse_json_payload``
hook. Requests themselves are unchanged.

`UpdatesRequest`, for ``getUpdates`` only, also hands each batch to a screen (see
``unreadable.py``) that replaces every update PTB cannot read with a stand-in holding only its
``update_id``, before PTB parses the batch: one unreadable update no longer stops polling.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from telegram.request import BaseRequest


def _trim(value: Any) -> None:
    if isinstance(value, list):
        for item in value:
            _trim(item)
    elif isinstance(value, dict):
        if "message_id" in value:
            value.pop("reply_markup", None)
        for key in ("message", "callback_query", "result"):
            if key in value:
                _trim(value[key])


class TrimmedRequest(BaseRequest):
    """Wraps another `BaseRequest` (PTB's HTTPXRequest in production, a fake in tests)."""

    def __init__(self, inner: BaseRequest) -> None:
        self._inner = inner

    @property
    def read_timeout(self) -> float | None:
        return self._inner.read_timeout

    async def initialize(self) -> None:
        await self._inner.initialize()

    async def shutdown(self) -> None:
        await self._inner.shutdown()

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        return await self._inner.do_request(*args, **kwargs)

    @staticmethod
    def parse_json_payload(payload: bytes) -> dict:
        data = BaseRequest.parse_json_payload(payload)
        _trim(data.get("result"))
        return data


class UpdatesRequest(TrimmedRequest):
    """The ``getUpdates`` request: each result goes through `screen` (which edits it in place)."""

    def __init__(self, inner: BaseRequest, screen: Callable[[list[Any]], None]) -> None:
        super().__init__(inner)
        self._screen = screen

    def parse_json_payload(self, payload: bytes) -> dict:  # type: ignore[override]
        data = TrimmedRequest.parse_json_payload(payload)
        result = data.get("result")
        if isinstance(result, list):
            self._screen(result)
        return data
