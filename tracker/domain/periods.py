"""Reporting periods: this month, this quarter, this year, or custom dates (London dates)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from tracker.domain.labelled import LabelledEnum
from tracker.domain.localtime import require_date


class PeriodKind(LabelledEnum):
    MONTH = "month", "This month"
    QUARTER = "quarter", "This quarter"
    YEAR = "year", "This year"
    CUSTOM = "custom", "Choose dates"


@dataclass(frozen=True, slots=True)
class Period:
    """The London dates `first` to `last`, both included."""

    first: date
    last: date

    def __post_init__(self) -> None:
        require_date(self.first, "first")
        require_date(self.last, "last")
        if self.last < self.first:
            raise ValueError("a period cannot end before it starts")

    @property
    def end_exclusive(self) -> date:
        return self.last + timedelta(days=1)


def _month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` months after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_for(kind: PeriodKind | str, today: date) -> Period:
    """The calendar month, quarter (Jan–Mar, …) or year containing `today`.

    Calendar quarters rather than the NHS financial year: boards read "Q1" both ways,
    and custom dates cover April to March when a financial year is wanted.
    """
    require_date(today, "today")
    kind = PeriodKind(kind)
    if kind is PeriodKind.MONTH:
        first = _month_start(today)
        return Period(first, add_months(first, 1) - timedelta(days=1))
    if kind is PeriodKind.QUARTER:
        first = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        return Period(first, add_months(first, 3) - timedelta(days=1))
    if kind is PeriodKind.YEAR:
        return Period(date(today.year, 1, 1), date(today.year, 12, 31))
    raise ValueError("a custom period needs its own dates")


def last_months(today: date, count: int = 12) -> list[date]:
    """The first days of the `count` months ending with `today`'s month, oldest first."""
    require_date(today, "today")
    this_month = _month_start(today)
    return [add_months(this_month, -offset) for offset in range(count - 1, -1, -1)]


def month_key(first_day: date) -> str:
    """'2027-03', the form the database groups months by."""
    return f"{first_day.year:04d}-{first_day.month:02d}"
