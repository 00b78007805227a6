"""Brief-by dates: by when an affected partner must have been briefed.

The brief-by date of a requirement is the Nth English working day *before the event's
date* (N = its lead time), counted in Europe/London. It is a date, not a time: a briefing
at any time on the brief-by date is on time.
"""

from __future__ import annotations

from datetime import date, datetime

from tracker.domain.localtime import london_date, require_date
from tracker.domain.working_days import WorkingCalendar

#: The shortest lead time: brief at least the working day before. A lead time of 0 would
#: make the event day itself the deadline, which is a same-day briefing, not a pre-brief.
MIN_LEAD_TIME = 1
#: The longest lead time an admin or leader may set: about three months of working days.
#: Anything longer is almost certainly a typo (50 for 5) and would bury the reminder.
MAX_LEAD_TIME = 60
#: The initial default lead time for every kind of decision (issue 4).
DEFAULT_LEAD_TIME = 5
#: The lead time of an "update" requirement when a decision moves (issue 4).
UPDATE_LEAD_TIME = 1
#: What a form or the API says when a lead time is out of range.
LEAD_TIME_RANGE_MESSAGE = (
    f"Lead time must be a whole number of working days from {MIN_LEAD_TIME} to {MAX_LEAD_TIME}"
)


def validate_lead_time(lead_time: int) -> int:
    """Return `lead_time` if it is a whole number of working days in range, else raise.

    Forms and services call this too, so the message is written for people.
    """
    if isinstance(lead_time, bool) or not isinstance(lead_time, int):
        raise TypeError(f"lead time must be a whole number of days, not {lead_time!r}")
    if not MIN_LEAD_TIME <= lead_time <= MAX_LEAD_TIME:
        raise ValueError(
            f"lead time must be between {MIN_LEAD_TIME} and {MAX_LEAD_TIME} working days, "
            f"got {lead_time}"
        )
    return lead_time


def event_local_date(event_at_utc: datetime) -> date:
    """The Europe/London date of an event stored as an aware UTC datetime.

    An event at 23:30 UTC on 30 June 2027 is at 00:30 BST on 1 July, so its date, and so
    its brief-by date, follows 1 July. Naive datetimes are refused.
    """
    return london_date(event_at_utc, "event_at_utc")


def brief_by_date(event_date: date, lead_time: int, calendar: WorkingCalendar) -> date:
    """The `lead_time`-th working day strictly before `event_date`.

    The result is always a working day before the event's date, and
    `calendar.working_days_between(result, event_date) == lead_time`.
    `event_date` is the event's London date (see `event_local_date`); it does not need to
    be a working day (a Saturday launch is counted back from the Saturday).
    """
    require_date(event_date, "event_date")
    validate_lead_time(lead_time)
    return calendar.nth_working_day_before(event_date, lead_time)


def is_already_late(brief_by: date, today: date) -> bool:
    """True when the brief-by date has passed: briefing now can no longer be on time.

    The brief-by date itself is not late (a briefing that day is on time), so a
    requirement created on its brief-by date is due, not overdue.
    """
    return require_date(brief_by, "brief_by") < require_date(today, "today")


def update_brief_by(new_event_date: date | None, today: date, calendar: WorkingCalendar) -> date:
    """The brief-by date of an "update" requirement, created when a decision changes.

    Partners already briefed must hear about a move, postponement or cancellation too.

    - The decision moved to `new_event_date`: brief them by the working day before it
      (lead time `UPDATE_LEAD_TIME`).
    - No new date (`None`: cancelled, or postponed without a new date): "as soon as
      possible", which we define as today if today is a working day, else the next
      working day. A cancellation has no event to count back from, and telling partners
      the same day is what "as soon as possible" means to the people doing it.
    - If the working day before the new date has already passed (the decision moved to
      tomorrow, or to today), the date is also "as soon as possible" rather than a
      date in the past, so it is never born overdue. It may then fall on or after the
      new event's date; that is the truth of an imminent move, and the requirement's
      outcome will show it (same day or after the event).
    """
    require_date(today, "today")
    as_soon_as_possible = calendar.working_day_on_or_after(today)
    if new_event_date is None:
        return as_soon_as_possible
    wanted = brief_by_date(new_event_date, UPDATE_LEAD_TIME, calendar)
    return max(wanted, as_soon_as_possible)
