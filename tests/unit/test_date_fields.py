"""The NHS date input's parsing: the messages of the NHS pattern, never an exception."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.web.fields import parse_date_parts


def test_a_real_date():
    assert parse_date_parts("27", "3", "2027", "Date") == (date(2027, 3, 27), None)


@pytest.mark.parametrize(
    ("day", "month"),
    [
        ("31", "2"),
        ("0", "1"),
        # Found by the bad-input property test: date() raised OverflowError, a 500.
        ("99999999999999999999", "1"),
        ("1", "99999999999999999999"),
    ],
)
def test_impossible_dates_are_explained(day, month):
    assert parse_date_parts(day, month, "2027", "Date") == (
        None,
        "Date must be a real date, like 27 3 2027",
    )
