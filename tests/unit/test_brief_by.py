"""Brief-by dates: the Nth English working day before the event's date."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from tracker.domain.brief_by import (
    DEFAULT_LEAD_TIME,
    MAX_LEAD_TIME,
    MIN_LEAD_TIME,
    brief_by_date,
    event_local_date,
    is_already_late,
    update_brief_by,
    validate_lead_time,
)
from tracker.domain.working_days import WorkingCalendar

ENGLAND = WorkingCalendar.england()


def test_issue_example_easter_2027():
    # Good Friday 26 March and Easter Monday 29 March are skipped.
    assert brief_by_date(date(2027, 3, 31), 5, ENGLAND) == date(2027, 3, 22)


def test_issue_example_christmas_and_new_year():
    # 25 Dec (Fri), 28 Dec (Mon, substitute for Boxing Day) and 1 Jan (Fri) are skipped.
    assert brief_by_date(date(2027, 1, 4), 3, ENGLAND) == date(2026, 12, 29)


def test_christmas_2027_double_substitute_days():
    # 27 and 28 December 2027 are both substitutes (Christmas and Boxing Day at a weekend).
    assert brief_by_date(date(2027, 12, 29), 1, ENGLAND) == date(2027, 12, 24)
    assert brief_by_date(date(2027, 12, 30), 2, ENGLAND) == date(2027, 12, 24)


def test_state_funeral_2022_is_skipped():
    assert brief_by_date(date(2022, 9, 20), 1, ENGLAND) == date(2022, 9, 16)


def test_coronation_2023_is_skipped():
    assert brief_by_date(date(2023, 5, 9), 1, ENGLAND) == date(2023, 5, 5)


def test_closure_days_are_skipped():
    calendar = WorkingCalendar.england([date(2026, 12, 29), date(2026, 12, 30)])
    assert brief_by_date(date(2027, 1, 4), 3, calendar) == date(2026, 12, 23)


def test_a_weekend_event_counts_back_from_the_weekend():
    assert brief_by_date(date(2027, 6, 12), 1, ENGLAND) == date(2027, 6, 11)  # Saturday event
    assert brief_by_date(date(2027, 6, 14), 1, ENGLAND) == date(2027, 6, 11)  # Monday event


def test_lead_time_limits():
    assert (MIN_LEAD_TIME, DEFAULT_LEAD_TIME, MAX_LEAD_TIME) == (1, 5, 60)
    # 20 working days in each of January (from the 4th), February and March 2027.
    assert brief_by_date(date(2027, 3, 31), MAX_LEAD_TIME, ENGLAND) == date(2027, 1, 4)
    assert validate_lead_time(1) == 1
    assert validate_lead_time(60) == 60


@pytest.mark.parametrize("lead_time", [0, -1, 61, 500])
def test_lead_time_out_of_range_is_refused(lead_time):
    with pytest.raises(ValueError, match="lead time must be between 1 and 60 working days"):
        brief_by_date(date(2027, 3, 31), lead_time, ENGLAND)


@pytest.mark.parametrize("lead_time", [5.0, "5", True, None])
def test_lead_time_must_be_a_whole_number(lead_time):
    with pytest.raises(TypeError, match="lead time must be a whole number"):
        validate_lead_time(lead_time)


def test_event_date_must_be_a_date():
    with pytest.raises(TypeError, match="event_date must be a date"):
        brief_by_date(datetime(2027, 3, 31, 10, tzinfo=UTC), 5, ENGLAND)


def test_event_local_date_uses_london_not_utc():
    # 23:30 UTC on 30 June 2027 is 00:30 BST on 1 July.
    assert event_local_date(datetime(2027, 6, 30, 23, 30, tzinfo=UTC)) == date(2027, 7, 1)
    # In winter London is on UTC.
    assert event_local_date(datetime(2027, 12, 31, 23, 30, tzinfo=UTC)) == date(2027, 12, 31)


def test_event_local_date_accepts_any_aware_datetime():
    new_york = timezone(timedelta(hours=-4))
    assert event_local_date(datetime(2027, 6, 30, 20, 0, tzinfo=new_york)) == date(2027, 7, 1)


def test_event_local_date_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="must be timezone-aware"):
        event_local_date(datetime(2027, 6, 30, 23, 30))


def test_is_already_late_only_after_the_brief_by_date():
    brief_by = date(2027, 3, 22)
    assert not is_already_late(brief_by, date(2027, 3, 21))
    assert not is_already_late(brief_by, brief_by)
    assert is_already_late(brief_by, date(2027, 3, 23))


class TestUpdateBriefBy:
    def test_moved_decision_is_due_the_working_day_before_the_new_date(self):
        # Moved to Tue 30 March 2027: the working day before is Thu 25 March (Easter).
        assert update_brief_by(date(2027, 3, 30), date(2027, 3, 1), ENGLAND) == date(2027, 3, 25)

    def test_cancellation_is_today_on_a_working_day(self):
        assert update_brief_by(None, date(2027, 3, 25), ENGLAND) == date(2027, 3, 25)

    def test_cancellation_at_the_weekend_or_bank_holiday_is_the_next_working_day(self):
        assert update_brief_by(None, date(2027, 3, 26), ENGLAND) == date(2027, 3, 30)
        assert update_brief_by(None, date(2027, 3, 27), ENGLAND) == date(2027, 3, 30)

    def test_cancellation_on_a_closure_day_is_the_next_working_day(self):
        calendar = WorkingCalendar.england([date(2027, 3, 30)])
        assert update_brief_by(None, date(2027, 3, 26), calendar) == date(2027, 3, 31)

    def test_moved_to_tomorrow_is_today(self):
        # Tomorrow's working day before is today itself.
        assert update_brief_by(date(2027, 3, 24), date(2027, 3, 23), ENGLAND) == date(2027, 3, 23)

    def test_moved_to_today_is_as_soon_as_possible_not_in_the_past(self):
        assert update_brief_by(date(2027, 3, 23), date(2027, 3, 23), ENGLAND) == date(2027, 3, 23)

    def test_moved_to_a_date_whose_day_before_has_passed_on_a_weekend(self):
        # Today is Saturday, the decision moves to Monday: brief on Monday, the first
        # working day, not on the Friday that has gone.
        assert update_brief_by(date(2027, 6, 14), date(2027, 6, 12), ENGLAND) == date(2027, 6, 14)

    def test_moved_into_the_past_is_as_soon_as_possible(self):
        assert update_brief_by(date(2027, 3, 1), date(2027, 3, 23), ENGLAND) == date(2027, 3, 23)

    def test_today_must_be_a_date(self):
        with pytest.raises(TypeError, match="today must be a date"):
            update_brief_by(None, datetime(2027, 3, 23, tzinfo=UTC), ENGLAND)
