"""English working days: weekends, England bank holidays and closure days are skipped."""

from datetime import date, datetime

import pytest

from tracker.domain.working_days import WorkingCalendar, england_bank_holidays

ENGLAND = WorkingCalendar.england()


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2022, 9, 19), "State Funeral of Queen Elizabeth II"),
        (date(2023, 5, 8), "Coronation of Charles III"),
        (date(2022, 6, 3), "Platinum Jubilee of Elizabeth II"),
        (date(2026, 12, 28), "Boxing Day (observed)"),
        (date(2027, 12, 27), "Christmas Day (observed)"),
        (date(2027, 12, 28), "Boxing Day (observed)"),
        (date(2027, 3, 26), "Good Friday"),
        (date(2027, 3, 29), "Easter Monday"),
        (date(2022, 1, 3), "New Year's Day (observed)"),
    ],
)
def test_one_off_and_substitute_bank_holidays_are_known(day, name):
    assert ENGLAND.bank_holiday_name(day) == name
    assert ENGLAND.is_bank_holiday(day)
    assert not ENGLAND.is_working_day(day)
    assert ENGLAND.non_working_reason(day) == f"Bank holiday: {name}"


def test_scottish_and_northern_irish_holidays_are_not_english():
    assert ENGLAND.is_working_day(date(2027, 1, 4))  # 2 January (substitute) in Scotland
    assert ENGLAND.is_working_day(date(2027, 3, 17))  # St Patrick's Day
    assert ENGLAND.is_working_day(date(2027, 8, 2))  # Scottish summer holiday


def test_bank_holidays_of_a_year_stay_in_that_year():
    holidays_2027 = england_bank_holidays(2027)
    assert all(day.year == 2027 for day in holidays_2027)
    assert len(holidays_2027) == 10  # 8 bank holidays, 2 of them at weekends, 2 substitutes
    with pytest.raises(TypeError):
        holidays_2027[date(2027, 7, 1)] = "Not a holiday"  # type: ignore[index]


def test_weekends_are_not_working_days_and_say_why():
    assert ENGLAND.non_working_reason(date(2027, 3, 27)) == "Saturday"
    assert ENGLAND.non_working_reason(date(2027, 3, 28)) == "Sunday"
    assert ENGLAND.non_working_reason(date(2027, 3, 30)) is None
    assert ENGLAND.is_working_day(date(2027, 3, 30))


def test_closure_days_are_not_working_days():
    closure = date(2026, 12, 29)
    calendar = WorkingCalendar.england([closure, date(2026, 12, 30)])
    assert calendar.is_closure_day(closure)
    assert not calendar.is_working_day(closure)
    assert calendar.non_working_reason(closure) == "Closure day"
    assert ENGLAND.is_working_day(closure)
    assert calendar.next_working_day(date(2026, 12, 24)) == date(2026, 12, 31)


def test_a_bank_holiday_that_is_also_a_closure_day_reads_as_the_bank_holiday():
    calendar = WorkingCalendar.england([date(2027, 12, 27)])
    assert (
        calendar.non_working_reason(date(2027, 12, 27)) == "Bank holiday: Christmas Day (observed)"
    )


def test_calendar_is_immutable_hashable_and_compares_by_closure_days():
    calendar = WorkingCalendar.england({date(2027, 1, 5)})
    assert calendar.closure_days == frozenset({date(2027, 1, 5)})
    assert calendar == WorkingCalendar.england([date(2027, 1, 5)])
    assert hash(calendar) == hash(WorkingCalendar.england([date(2027, 1, 5)]))
    with pytest.raises(AttributeError):
        calendar.closure_days = frozenset()  # type: ignore[misc]


def test_closure_days_must_be_dates_not_datetimes():
    with pytest.raises(TypeError, match="closure day must be a date"):
        WorkingCalendar.england([datetime(2027, 1, 5, 9, 0)])


def test_a_custom_bank_holiday_source_can_be_used():
    calendar = WorkingCalendar(bank_holidays=lambda year: {date(year, 7, 1): "Test day"})
    assert not calendar.is_working_day(date(2027, 7, 1))
    assert calendar.is_working_day(date(2027, 12, 27))


def test_next_and_previous_working_day_are_strict():
    wednesday = date(2027, 3, 24)
    assert ENGLAND.next_working_day(wednesday) == date(2027, 3, 25)
    assert ENGLAND.previous_working_day(wednesday) == date(2027, 3, 23)
    # Thursday before Easter: next is the Tuesday after Easter Monday.
    assert ENGLAND.next_working_day(date(2027, 3, 25)) == date(2027, 3, 30)
    assert ENGLAND.previous_working_day(date(2027, 3, 30)) == date(2027, 3, 25)


def test_christmas_2027_and_new_year_2028_substitute_days():
    assert ENGLAND.next_working_day(date(2027, 12, 24)) == date(2027, 12, 29)
    assert ENGLAND.previous_working_day(date(2027, 12, 29)) == date(2027, 12, 24)
    assert list(ENGLAND.working_days_in(date(2027, 12, 24), date(2028, 1, 5))) == [
        date(2027, 12, 24),
        date(2027, 12, 29),
        date(2027, 12, 30),
        date(2027, 12, 31),
        # New Year's Day 2028 is a Saturday: Monday 3 January is its substitute.
        date(2028, 1, 4),
    ]


def test_working_day_on_or_after_and_on_or_before():
    assert ENGLAND.working_day_on_or_after(date(2027, 3, 30)) == date(2027, 3, 30)
    assert ENGLAND.working_day_on_or_after(date(2027, 3, 26)) == date(2027, 3, 30)
    assert ENGLAND.working_day_on_or_before(date(2027, 3, 30)) == date(2027, 3, 30)
    assert ENGLAND.working_day_on_or_before(date(2027, 3, 29)) == date(2027, 3, 25)


def test_add_working_days_both_ways():
    thursday = date(2027, 3, 25)
    assert ENGLAND.add_working_days(thursday, 1) == date(2027, 3, 30)
    assert ENGLAND.add_working_days(thursday, 3) == date(2027, 4, 1)
    assert ENGLAND.add_working_days(date(2027, 4, 1), -3) == thursday
    assert ENGLAND.add_working_days(date(2027, 3, 31), -5) == date(2027, 3, 22)


def test_adding_zero_working_days_moves_nothing_even_on_a_holiday():
    assert ENGLAND.add_working_days(date(2027, 3, 29), 0) == date(2027, 3, 29)


def test_add_working_days_from_a_non_working_day():
    saturday = date(2027, 3, 27)
    assert ENGLAND.add_working_days(saturday, 1) == date(2027, 3, 30)
    assert ENGLAND.add_working_days(saturday, -1) == date(2027, 3, 25)


@pytest.mark.parametrize("bad", [1.0, "2", True, None])
def test_add_working_days_refuses_non_integers(bad):
    with pytest.raises(TypeError, match="n must be an int"):
        ENGLAND.add_working_days(date(2027, 3, 25), bad)


def test_nth_working_day_before_and_after():
    assert ENGLAND.nth_working_day_before(date(2027, 1, 4), 3) == date(2026, 12, 29)
    assert ENGLAND.nth_working_day_before(date(2027, 1, 4), 1) == date(2026, 12, 31)
    assert ENGLAND.nth_working_day_after(date(2026, 12, 24), 1) == date(2026, 12, 29)


@pytest.mark.parametrize("n", [0, -1])
def test_nth_working_day_needs_n_of_at_least_one(n):
    with pytest.raises(ValueError, match="n must be at least 1"):
        ENGLAND.nth_working_day_before(date(2027, 1, 4), n)
    with pytest.raises(ValueError, match="n must be at least 1"):
        ENGLAND.nth_working_day_after(date(2027, 1, 4), n)


def test_working_days_between_counts_start_but_not_end():
    assert ENGLAND.working_days_between(date(2027, 3, 22), date(2027, 3, 31)) == 5
    assert ENGLAND.working_days_between(date(2026, 12, 29), date(2027, 1, 4)) == 3
    assert ENGLAND.working_days_between(date(2027, 3, 22), date(2027, 3, 22)) == 0
    assert ENGLAND.working_days_between(date(2027, 3, 27), date(2027, 3, 30)) == 0


def test_working_days_between_across_years_matches_a_day_by_day_count():
    start, end = date(2020, 2, 29), date(2035, 7, 3)
    calendar = WorkingCalendar.england([date(2024, 12, 27), date(2030, 6, 1), date(2031, 4, 18)])
    expected = len(list(calendar.working_days_in(start, end)))
    assert calendar.working_days_between(start, end) == expected
    # About 252 working days a year in England.
    assert 3800 < expected < 3900


def test_closure_days_on_weekends_or_bank_holidays_are_not_subtracted_twice():
    calendar = WorkingCalendar.england([date(2027, 3, 27), date(2027, 3, 29), date(2027, 3, 30)])
    assert calendar.working_days_between(date(2027, 3, 22), date(2027, 4, 5)) == 7


def test_working_days_between_refuses_a_reversed_range():
    with pytest.raises(ValueError, match=r"end \(2027-03-01\) must not be before start"):
        ENGLAND.working_days_between(date(2027, 3, 2), date(2027, 3, 1))


def test_working_days_in_an_empty_or_reversed_range_is_empty():
    assert list(ENGLAND.working_days_in(date(2027, 3, 2), date(2027, 3, 2))) == []
    assert list(ENGLAND.working_days_in(date(2027, 3, 2), date(2027, 3, 1))) == []


@pytest.mark.parametrize(
    "call",
    [
        lambda: ENGLAND.is_working_day(datetime(2027, 3, 29, 9)),
        lambda: ENGLAND.next_working_day("2027-03-29"),
        lambda: ENGLAND.working_days_between(date(2027, 3, 1), datetime(2027, 3, 29)),
    ],
)
def test_datetimes_and_strings_are_refused_where_dates_are_expected(call):
    with pytest.raises(TypeError, match="must be a date"):
        call()
