"""English working days: the unit every brief-by date and reminder is counted in.

A working day is a Monday to Friday that is neither an England bank holiday nor an
admin-defined closure day (for example the days between Christmas and New Year when a
system's offices shut). Bank holidays come from the `holidays` package for the UK,
subdivision ENG, which includes substitute days ("Boxing Day (observed)") and one-off
holidays such as the 2022 state funeral and the 2023 coronation.

`WorkingCalendar` is immutable: build a new one when the admin changes the closure days.
Bank holidays are computed lazily, one year at a time, and cached for the process, so a
calendar is cheap to build per request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType

import holidays

from tracker.domain.localtime import require_date

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5

#: Returns the bank holidays of one year as {date: name}.
BankHolidaySource = Callable[[int], Mapping[date, str]]


@lru_cache(maxsize=256)
def england_bank_holidays(year: int) -> Mapping[date, str]:
    """England's bank holidays in `year`, as a read-only {date: name} mapping.

    Cached per year: the `holidays` package computes a year's rules on demand, which is
    far too slow to repeat for every date we test while counting working days.
    """
    calendar = holidays.country_holidays("GB", subdiv="ENG", years=year)
    # Keep only that year's dates, so a year's answer never depends on which other
    # years happened to be asked for first.
    return MappingProxyType(
        {day: name for day, name in sorted(calendar.items()) if day.year == year}
    )


def _require_count(n: int, name: str = "n") -> int:
    # bool is an int subclass; add_working_days(d, True) is certainly a mistake.
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"{name} must be an int, not {type(n).__name__}")
    return n


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    """Weekends, England bank holidays and closure days are not working days.

    `closure_days` may be given as any iterable of dates; it is stored as a frozenset.
    `bank_holidays` is the source of bank holidays per year (England's by default); it
    is a parameter so that tests and other nations can supply their own.
    """

    closure_days: frozenset[date] = frozenset()
    bank_holidays: BankHolidaySource = field(default=england_bank_holidays, repr=False)

    def __post_init__(self) -> None:
        days = frozenset(self.closure_days)
        for day in days:
            require_date(day, "closure day")
        object.__setattr__(self, "closure_days", days)

    @classmethod
    def england(cls, closure_days: Iterable[date] = ()) -> WorkingCalendar:
        """The calendar used by the app: England bank holidays plus `closure_days`."""
        return cls(closure_days=frozenset(closure_days))

    # --- what kind of day is it? ------------------------------------------------------

    def bank_holiday_name(self, day: date) -> str | None:
        """The bank holiday's name (e.g. "Boxing Day (observed)"), or None."""
        require_date(day, "day")
        return self.bank_holidays(day.year).get(day)

    def is_bank_holiday(self, day: date) -> bool:
        return self.bank_holiday_name(day) is not None

    def is_closure_day(self, day: date) -> bool:
        return require_date(day, "day") in self.closure_days

    def is_working_day(self, day: date) -> bool:
        """Monday to Friday, not a bank holiday, not a closure day."""
        return self.non_working_reason(day) is None

    def non_working_reason(self, day: date) -> str | None:
        """Why `day` is not a working day, in words for people, or None if it is one.

        Shown next to dates so a leader can see *why* a brief-by date moved.
        """
        require_date(day, "day")
        if day.weekday() >= _SATURDAY:
            return day.strftime("%A")
        holiday = self.bank_holiday_name(day)
        if holiday is not None:
            return f"Bank holiday: {holiday}"
        if day in self.closure_days:
            return "Closure day"
        return None

    # --- stepping ---------------------------------------------------------------------

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        require_date(day, "day")
        candidate = day + _ONE_DAY
        while not self.is_working_day(candidate):
            candidate += _ONE_DAY
        return candidate

    def previous_working_day(self, day: date) -> date:
        """The last working day strictly before `day`."""
        require_date(day, "day")
        candidate = day - _ONE_DAY
        while not self.is_working_day(candidate):
            candidate -= _ONE_DAY
        return candidate

    def working_day_on_or_after(self, day: date) -> date:
        """`day` itself if it is a working day, else the next one ("as soon as possible")."""
        return day if self.is_working_day(day) else self.next_working_day(day)

    def working_day_on_or_before(self, day: date) -> date:
        """`day` itself if it is a working day, else the previous one."""
        return day if self.is_working_day(day) else self.previous_working_day(day)

    def add_working_days(self, day: date, n: int) -> date:
        """Move `n` working days from `day`: forwards for n > 0, backwards for n < 0.

        n > 0 gives the nth working day strictly after `day`, n < 0 the |n|th working
        day strictly before it, and n == 0 returns `day` unchanged (even when `day` is
        not a working day: adding nothing moves nothing). So for a working day d,
        `add_working_days(add_working_days(d, n), -n) == d`.
        """
        require_date(day, "day")
        _require_count(n)
        step = self.next_working_day if n > 0 else self.previous_working_day
        for _ in range(abs(n)):
            day = step(day)
        return day

    def nth_working_day_before(self, day: date, n: int) -> date:
        """The nth working day strictly before `day` (n >= 1): the brief-by rule.

        With n == 1 this is the last working day before `day`, whatever `day` is.
        """
        if _require_count(n) < 1:
            raise ValueError(f"n must be at least 1 (the 1st working day before), got {n}")
        return self.add_working_days(day, -n)

    def nth_working_day_after(self, day: date, n: int) -> date:
        """The nth working day strictly after `day` (n >= 1)."""
        if _require_count(n) < 1:
            raise ValueError(f"n must be at least 1 (the 1st working day after), got {n}")
        return self.add_working_days(day, n)

    # --- counting ---------------------------------------------------------------------

    def working_days_in(self, start: date, end: date) -> Iterator[date]:
        """The working days in the half-open range [start, end), in order.

        An empty range (end <= start) yields nothing.
        """
        require_date(start, "start")
        require_date(end, "end")
        day = start
        while day < end:
            if self.is_working_day(day):
                yield day
            day += _ONE_DAY

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days are in [start, end): `start` counts, `end` does not.

        So `working_days_between(brief_by_date(e, n), e) == n`. Raises ValueError when
        `end` is before `start` rather than returning a negative count, because every
        caller so far would be hiding a bug by accepting one.

        Counts weekdays arithmetically and then subtracts the bank holidays and closure
        days inside the range, so the cost grows with the number of years, not days.
        """
        require_date(start, "start")
        require_date(end, "end")
        if end < start:
            raise ValueError(
                f"end ({end.isoformat()}) must not be before start ({start.isoformat()})"
            )
        full_weeks, remainder = divmod((end - start).days, 7)
        first = start.weekday()
        weekdays = full_weeks * 5 + sum(1 for i in range(remainder) if (first + i) % 7 < 5)
        days_off: set[date] = {
            day for day in self.closure_days if start <= day < end and day.weekday() < _SATURDAY
        }
        for year in range(start.year, end.year + 1):
            days_off.update(
                day
                for day in self.bank_holidays(year)
                if start <= day < end and day.weekday() < _SATURDAY
            )
        return weekdays - len(days_off)
