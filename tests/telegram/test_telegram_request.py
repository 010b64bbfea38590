"""TrimmedRequest drops the keyboards Telegram echoes back, and nothing else."""

import json

from bot.adapters.telegram.request import TrimmedRequest

KEYBOARD = {"inline_keyboard": [[{"text": "Yes", "callback_data": "w.1"}]]}


def test_results_lose_echoed_keyboards_only() -> None:
    sent = {
        "ok": True,
        "result": {"message_id": 7, "chat": {"id": 1}, "text": "Hi", "reply_markup": KEYBOARD},
    }
    data = TrimmedRequest.parse_json_payload(json.dumps(sent).encode())
    assert data == {"ok": True, "result": {"message_id": 7, "chat": {"id": 1}, "text": "Hi"}}


def test_updates_lose_the_clicked_messages_keyboard() -> None:
    updates = {
        "ok": True,
        "result": [
            {
                "update_id": 1,
                "callback_query": {
                    "id": "q",
                    "data": "w.1",
                    "from": {"id": 2},
                    "message": {"message_id": 7, "reply_markup": KEYBOARD},
                },
            },
            {"update_id": 2, "message": {"message_id": 8, "text": "/aps"}},
        ],
    }
    data = TrimmedRequest.parse_json_payload(json.dumps(updates).encode())
    click = data["result"][0]["callback_query"]
    assert click["data"] == "w.1" and "reply_markup" not in click["message"]
    assert data["result"][1] == updates["result"][1]


def test_errors_and_plain_results_pass_through() -> None:
    for body in (
        {"ok": True, "result": True},
        {"ok": False, "error_code": 429, "parameters": {"retry_after": 1}},
    ):
        assert TrimmedRequest.parse_json_payload(json.dumps(body).encode()) == body
