import datetime as dt

import pytest

from bot.engine.dates import parse_date

D = dt.date(2027, 3, 15)


@pytest.mark.parametrize(
    "text",
    [
        "15/03/2027",
        "15-03-2027",
        "15.03.2027",
        "2027-03-15",
        "15/03/27",
        "03/15/2027",  # month-first, only because 15 cannot be a month
        "15 mars 2027",
        "15 Mars 2027",
        "le 15 mars 2027",
        "15 March 2027",
        "March 15 2027",
        "March 15, 2027",
        "Mar 15th, 2027",
        "15 mar. 2027",
        "  15 MARS 2027 ",
    ],
)
def test_accepted_formats(text: str) -> None:
    assert parse_date(text) == D


def test_french_accents_and_first_of_month() -> None:
    assert parse_date("1er février 2027") == dt.date(2027, 2, 1)
    assert parse_date("1 fevrier 2027") == dt.date(2027, 2, 1)
    assert parse_date("31 août 2027") == dt.date(2027, 8, 31)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "tomorrow",
        "31/02/2027",
        "15/13/2027",
        "2027",
        "15 mars",
        "15 blah 2027",
        "x" * 5000,
        "15/03/1850",
        "13/14/2027",
    ],
)
def test_rejected(text: str) -> None:
    assert parse_date(text) is None
