"""Property-based tests (hypothesis) for the domain rules.

Random event dates 2020–2035, lead times 1–30, random closure days near the event,
random owners, PAs and managers. Example counts are bounded and deadlines off, so the
suite stays quick and never fails on timing.
"""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.domain.brief_by import brief_by_date, event_local_date, update_brief_by
from tracker.domain.localtime import LONDON
from tracker.domain.outcomes import (
    AssessedRequirement,
    DecisionState,
    Outcome,
    decision_achieved_no_surprises,
    decision_state,
    requirement_outcome,
)
from tracker.domain.reminder_policy import (
    ReminderKind,
    ReminderPolicy,
    RequirementSnapshot,
    reminders_due_on,
    schedule_for_requirement,
)
from tracker.domain.statuses import DecisionStatus, RequirementStatus
from tracker.domain.working_days import WorkingCalendar

PROPERTY = settings(max_examples=200, deadline=None)

FIRST_DAY, LAST_DAY = date(2020, 1, 1), date(2035, 12, 31)
days = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)
lead_times = st.integers(min_value=1, max_value=30)
user_ids = st.integers(min_value=1, max_value=8)


@st.composite
def calendars_near(draw: st.DrawFn, around: date) -> WorkingCalendar:
    """A calendar with up to 15 closure days within ~3 months before `around`."""
    offsets = draw(st.frozensets(st.integers(min_value=-90, max_value=10), max_size=15))
    return WorkingCalendar.england(around + timedelta(days=offset) for offset in offsets)


@st.composite
def event_and_calendar(draw: st.DrawFn) -> tuple[date, WorkingCalendar]:
    event_date = draw(days)
    return event_date, draw(calendars_near(event_date))


def count_working_days_one_by_one(calendar: WorkingCalendar, start: date, end: date) -> int:
    """An independent, obviously-correct count to check the fast one against."""
    count, day = 0, start
    while day < end:
        count += calendar.is_working_day(day)
        day += timedelta(days=1)
    return count


# --- brief-by dates ---------------------------------------------------------------------


@PROPERTY
@given(event_and_calendar(), lead_times)
def test_brief_by_is_a_working_day_exactly_n_working_days_before(event, lead_time):
    event_date, calendar = event
    brief_by = brief_by_date(event_date, lead_time, calendar)
    assert calendar.is_working_day(brief_by)
    assert brief_by < event_date
    assert calendar.working_days_between(brief_by, event_date) == lead_time
    assert count_working_days_one_by_one(calendar, brief_by, event_date) == lead_time


@PROPERTY
@given(event_and_calendar(), st.integers(min_value=1, max_value=29))
def test_a_longer_lead_time_never_gives_a_later_brief_by_date(event, lead_time):
    event_date, calendar = event
    assert brief_by_date(event_date, lead_time + 1, calendar) < brief_by_date(
        event_date, lead_time, calendar
    )


@PROPERTY
@given(
    st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC)
    )
)
def test_event_local_date_is_the_london_wall_clock_date(event_at):
    assert event_local_date(event_at) == event_at.astimezone(LONDON).date()
    assert event_local_date(event_at) - event_at.date() in (timedelta(0), timedelta(days=1))


@PROPERTY
@given(event_and_calendar(), st.integers(min_value=-20, max_value=20), st.booleans())
def test_update_brief_by_is_never_in_the_past_and_always_a_working_day(event, shift, cancelled):
    event_date, calendar = event
    today = event_date + timedelta(days=shift)
    result = update_brief_by(None if cancelled else event_date, today, calendar)
    assert result >= today
    assert calendar.is_working_day(result)
    if not cancelled and calendar.previous_working_day(event_date) >= today:
        assert result == calendar.previous_working_day(event_date)
    else:
        assert result == calendar.working_day_on_or_after(today)


# --- working-day arithmetic -------------------------------------------------------------


@PROPERTY
@given(event_and_calendar(), st.integers(min_value=0, max_value=400))
def test_fast_count_matches_the_day_by_day_count(event, length):
    start, calendar = event
    end = start + timedelta(days=length)
    assert calendar.working_days_between(start, end) == count_working_days_one_by_one(
        calendar, start, end
    )
    assert calendar.working_days_between(start, end) == len(
        list(calendar.working_days_in(start, end))
    )


@PROPERTY
@given(event_and_calendar(), st.integers(min_value=-60, max_value=60))
def test_adding_then_subtracting_working_days_round_trips(event, n):
    day, calendar = event
    there = calendar.add_working_days(day, n)
    back = calendar.add_working_days(there, -n)
    if n == 0:
        assert there == back == day
    elif calendar.is_working_day(day):
        assert back == day
    elif n > 0:
        # From a non-working day the way back lands on the last working day before it.
        assert back == calendar.working_day_on_or_before(day)
    else:
        assert back == calendar.working_day_on_or_after(day)


@PROPERTY
@given(event_and_calendar(), st.integers(min_value=1, max_value=60))
def test_adding_n_working_days_spans_n_working_days(event, n):
    day, calendar = event
    later = calendar.add_working_days(day, n)
    assert calendar.is_working_day(later)
    # (day, later] holds exactly n working days.
    assert calendar.working_days_between(day + timedelta(days=1), later + timedelta(days=1)) == n
    assert calendar.nth_working_day_after(day, n) == later
    earlier = calendar.nth_working_day_before(day, n)
    assert calendar.working_days_between(earlier, day) == n


@PROPERTY
@given(event_and_calendar())
def test_next_and_previous_working_day_skip_only_non_working_days(event):
    day, calendar = event
    after, before = calendar.next_working_day(day), calendar.previous_working_day(day)
    assert before < day < after
    assert calendar.is_working_day(after)
    assert calendar.is_working_day(before)
    assert calendar.working_days_between(before + timedelta(days=1), after) == (
        1 if calendar.is_working_day(day) else 0
    )


# --- outcomes ---------------------------------------------------------------------------

event_times = st.datetimes(
    min_value=datetime(2020, 3, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC)
)
offsets_from_event = st.timedeltas(min_value=timedelta(days=-60), max_value=timedelta(days=5))


@PROPERTY
@given(event_times, lead_times, offsets_from_event, offsets_from_event)
def test_briefing_earlier_never_gives_a_worse_outcome(event_at, lead_time, first, second):
    brief_by = brief_by_date(event_local_date(event_at), lead_time, WorkingCalendar.england())
    earlier, later = sorted([event_at + first, event_at + second])

    def outcome_at(briefed_at):
        return requirement_outcome(
            brief_by=brief_by,
            event_at=event_at,
            first_briefed_at=briefed_at,
            status=RequirementStatus.BRIEFED,
            now=event_at + timedelta(days=10),
        )

    assert outcome_at(earlier).severity <= outcome_at(later).severity
    never = requirement_outcome(
        brief_by=brief_by,
        event_at=event_at,
        first_briefed_at=None,
        status=RequirementStatus.PENDING,
        now=event_at + timedelta(days=10),
    )
    assert never is Outcome.NOT_BRIEFED
    assert outcome_at(later).severity < never.severity


@PROPERTY
@given(event_times, lead_times, offsets_from_event)
def test_on_time_exactly_when_briefed_by_the_brief_by_date_in_london(event_at, lead_time, offset):
    brief_by = brief_by_date(event_local_date(event_at), lead_time, WorkingCalendar.england())
    briefed_at = event_at + offset
    outcome = requirement_outcome(
        brief_by=brief_by,
        event_at=event_at,
        first_briefed_at=briefed_at,
        status=RequirementStatus.BRIEFED,
        now=event_at,
    )
    on_time = briefed_at.astimezone(LONDON).date() <= brief_by
    assert (outcome is Outcome.ON_TIME) == on_time
    assert (outcome is Outcome.AFTER_EVENT) == (briefed_at >= event_at)


@PROPERTY
@given(event_times, offsets_from_event)
def test_pending_until_the_event_then_not_briefed(event_at, offset):
    now = event_at + offset
    outcome = requirement_outcome(
        brief_by=event_local_date(event_at) - timedelta(days=7),
        event_at=event_at,
        first_briefed_at=None,
        status=RequirementStatus.PENDING,
        now=now,
    )
    assert outcome is (Outcome.PENDING if now < event_at else Outcome.NOT_BRIEFED)


assessed = st.builds(
    AssessedRequirement,
    outcome=st.sampled_from(Outcome),
    brief_by=st.dates(min_value=date(2027, 6, 1), max_value=date(2027, 6, 30)),
)


@PROPERTY
@given(st.lists(assessed, max_size=8), st.dates(date(2027, 6, 1), date(2027, 6, 30)))
def test_decision_state_agrees_with_achieved_no_surprises(requirements, today):
    state = decision_state(requirements, today=today)
    achieved = decision_achieved_no_surprises(r.outcome for r in requirements)
    assert (state is DecisionState.NO_SURPRISES) == (achieved is True)
    assert (state is DecisionState.SURPRISES) == (achieved is False)
    if state in (DecisionState.ON_TRACK, DecisionState.AT_RISK, DecisionState.NO_PARTNERS):
        assert achieved is None


# --- reminder policy --------------------------------------------------------------------


@st.composite
def reminder_cases(draw: st.DrawFn):
    event_date = draw(st.dates(min_value=date(2020, 3, 1), max_value=LAST_DAY))
    calendar = draw(calendars_near(event_date))
    local_time = draw(st.times(min_value=time(0, 0), max_value=time(23, 59)))
    event_at = datetime.combine(event_date, local_time, tzinfo=LONDON).astimezone(UTC)
    brief_by = brief_by_date(event_date, draw(lead_times), calendar)
    requirement = RequirementSnapshot(
        requirement_id=draw(st.integers(1, 1000)),
        decision_id=draw(st.integers(1, 1000)),
        status=RequirementStatus.PENDING,
        decision_status=DecisionStatus.PLANNED,
        brief_by=brief_by,
        event_at=event_at,
        owner_user_id=draw(st.none() | user_ids),
        owner_pa_user_ids=draw(st.frozensets(user_ids, max_size=3)),
        is_update=draw(st.booleans()),
    )
    managers = draw(st.frozensets(user_ids, max_size=3))
    policy = ReminderPolicy(
        upcoming_offsets=tuple(draw(st.lists(st.integers(1, 10), max_size=3))),
    )
    today = event_date - timedelta(days=draw(st.integers(min_value=0, max_value=60)))
    return requirement, calendar, managers, policy, today


@PROPERTY
@given(reminder_cases())
def test_reminders_only_on_working_days_before_the_event_at_0800_london(case):
    requirement, calendar, managers, policy, today = case
    reminders = schedule_for_requirement(
        requirement, today=today, calendar=calendar, manager_user_ids=managers, policy=policy
    )
    escalation_day = calendar.previous_working_day(requirement.event_date)
    for reminder in reminders:
        assert calendar.is_working_day(reminder.for_day)
        assert today <= reminder.for_day <= requirement.event_date
        assert reminder.send_at < requirement.event_at
        assert reminder.send_at.tzinfo is UTC
        local = reminder.send_at.astimezone(LONDON)
        assert local.date() == reminder.for_day
        assert local.time() == time(8, 0)
        if reminder.kind is ReminderKind.ESCALATION:
            assert reminder.for_day == escalation_day
        elif reminder.kind is ReminderKind.UPCOMING:
            assert reminder.for_day < requirement.brief_by
        elif reminder.kind is ReminderKind.DUE:
            assert reminder.for_day == requirement.brief_by
        else:
            assert reminder.for_day > requirement.brief_by
    per_person_and_day = [(r.recipient_user_id, r.for_day) for r in reminders]
    assert len(per_person_and_day) == len(set(per_person_and_day))


@PROPERTY
@given(reminder_cases())
def test_the_schedule_is_the_union_of_each_days_reminders(case):
    requirement, calendar, managers, policy, today = case
    reminders = schedule_for_requirement(
        requirement, today=today, calendar=calendar, manager_user_ids=managers, policy=policy
    )
    day, by_day = today, []
    while day <= requirement.event_date + timedelta(days=1):
        by_day += reminders_due_on(
            requirement, today=day, calendar=calendar, manager_user_ids=managers, policy=policy
        )
        day += timedelta(days=1)
    assert by_day == reminders


@PROPERTY
@given(reminder_cases())
def test_the_team_is_reminded_on_the_brief_by_date_unless_the_event_comes_first(case):
    requirement, calendar, managers, policy, _ = case
    team = set(requirement.owner_pa_user_ids) | (
        {requirement.owner_user_id} if requirement.owner_user_id is not None else set()
    )
    owed = reminders_due_on(
        requirement,
        today=requirement.brief_by,
        calendar=calendar,
        manager_user_ids=managers,
        policy=policy,
    )
    escalating = requirement.brief_by == calendar.previous_working_day(requirement.event_date)
    assert {r.recipient_user_id for r in owed} == team | (set(managers) if escalating else set())


@PROPERTY
@given(reminder_cases(), st.sampled_from(["briefed", "waived", "not_required"]))
def test_settled_requirements_get_no_reminders(case, status):
    requirement, calendar, managers, policy, today = case
    settled = replace(requirement, status=status)
    assert (
        schedule_for_requirement(
            settled, today=today, calendar=calendar, manager_user_ids=managers, policy=policy
        )
        == []
    )
