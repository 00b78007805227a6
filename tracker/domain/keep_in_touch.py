"""Keep in touch: when a key person is due to hear from us again.

A person may carry a cadence, "keep in touch every N days". The cadence is counted in
calendar days (people think of "every 30 days" as a month, not as 30 working days), and
the day contact falls due is moved to the next English working day when it lands on a
weekend, bank holiday or closure day, because nobody is expected to call a partner on
Boxing Day. The reminders pipeline sends a "keep in touch" reminder on that working day,
once per (person, due date): a contact logged before then moves the due date on, which
is what makes the reminder stop.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from tracker.domain.localtime import require_date
from tracker.domain.working_days import WorkingCalendar

MIN_CADENCE_DAYS = 1
#: A year: a longer cadence is not "keeping in touch" and is almost certainly a typo.
MAX_CADENCE_DAYS = 365


def validate_cadence(cadence_days: int) -> int:
    """Return `cadence_days` if it is a whole number of days in 1..365, else raise."""
    if isinstance(cadence_days, bool) or not isinstance(cadence_days, int):
        raise TypeError(f"cadence must be a whole number of days, not {cadence_days!r}")
    if not MIN_CADENCE_DAYS <= cadence_days <= MAX_CADENCE_DAYS:
        raise ValueError(
            f"cadence must be between {MIN_CADENCE_DAYS} and {MAX_CADENCE_DAYS} days, "
            f"got {cadence_days}"
        )
    return cadence_days


def contact_due_on(
    last_contact: date | None,
    cadence_days: int,
    calendar: WorkingCalendar,
    *,
    since: date,
) -> date:
    """The working day on which the next contact falls due.

    `last_contact` is the London date of the last engagement, or None when there has
    never been one; then contact is due as soon as possible after `since` (when the
    cadence was set, or the person was added): a new key person should be contacted,
    not forgotten until a cadence has gone by.
    """
    validate_cadence(cadence_days)
    require_date(since, "since")
    if last_contact is None:
        return calendar.working_day_on_or_after(since)
    require_date(last_contact, "last_contact")
    return calendar.working_day_on_or_after(last_contact + timedelta(days=cadence_days))


def due_for_contact(
    last_contact: date | None,
    cadence_days: int | None,
    today: date,
    calendar: WorkingCalendar,
    *,
    since: date | None = None,
) -> bool:
    """True when a person with this cadence should be contacted on or before `today`.

    No cadence (None) is never due. `since` defaults to `today`.
    """
    require_date(today, "today")
    if cadence_days is None:
        return False
    return contact_due_on(last_contact, cadence_days, calendar, since=since or today) <= today


@dataclass(frozen=True, slots=True)
class ContactDue:
    """Where a key person stands against their cadence on `today`."""

    due_on: date
    days_overdue: int

    @property
    def is_due(self) -> bool:
        return self.days_overdue >= 0


def contact_status(
    last_contact: date | None,
    cadence_days: int,
    today: date,
    calendar: WorkingCalendar,
    *,
    since: date | None = None,
) -> ContactDue:
    """The due date and how many calendar days past it `today` is (negative: not yet)."""
    require_date(today, "today")
    due_on = contact_due_on(last_contact, cadence_days, calendar, since=since or today)
    return ContactDue(due_on=due_on, days_overdue=(today - due_on).days)


def reminder_day(
    last_contact: date | None,
    cadence_days: int,
    today: date,
    calendar: WorkingCalendar,
    *,
    since: date | None = None,
) -> date:
    """The working day a "keep in touch" reminder is owed, never in the past.

    The due date itself, or today's next working day when the due date has already
    passed and no reminder was sent (so a backlog is sent once, as soon as possible,
    rather than never). Reminders are keyed on (person, due date), so the same overdue
    contact is reminded about once.
    """
    require_date(today, "today")
    due_on = contact_due_on(last_contact, cadence_days, calendar, since=since or today)
    return max(due_on, calendar.working_day_on_or_after(today))
