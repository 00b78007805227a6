"""Outcomes of briefing requirements and the "no surprises" state of a decision."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from tracker.domain.outcomes import (
    AssessedRequirement,
    DecisionState,
    Outcome,
    briefing_outcome,
    decision_achieved_no_surprises,
    decision_state,
    requirement_outcome,
)
from tracker.domain.statuses import RequirementStatus

BRIEF_BY = date(2027, 6, 22)  # Tuesday
# The event: Thursday 1 July 2027 at 14:00 BST = 13:00 UTC.
EVENT_AT = datetime(2027, 7, 1, 13, 0, tzinfo=UTC)
BEFORE_EVENT = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)
AFTER_EVENT = datetime(2027, 7, 2, 9, 0, tzinfo=UTC)


def outcome(briefed_at=None, status="briefed", now=AFTER_EVENT, brief_by=BRIEF_BY):
    return requirement_outcome(
        brief_by=brief_by,
        event_at=EVENT_AT,
        first_briefed_at=briefed_at,
        status=status,
        now=now,
    )


class TestRequirementOutcome:
    def test_briefed_well_before_is_on_time(self):
        assert outcome(datetime(2027, 6, 1, 9, 0, tzinfo=UTC)) is Outcome.ON_TIME

    def test_briefed_late_in_the_evening_of_the_brief_by_date_is_on_time(self):
        # 23:30 BST on the brief-by date is 22:30 UTC the same day.
        assert outcome(datetime(2027, 6, 22, 22, 30, tzinfo=UTC)) is Outcome.ON_TIME

    def test_london_date_decides_not_utc_date(self):
        # 23:30 UTC on the brief-by date is 00:30 BST the next day: late.
        assert outcome(datetime(2027, 6, 22, 23, 30, tzinfo=UTC)) is Outcome.LATE

    def test_london_date_decides_in_winter_too(self):
        event_at = datetime(2027, 12, 16, 10, 0, tzinfo=UTC)
        on_time = datetime(2027, 12, 9, 23, 59, tzinfo=UTC)  # still 9 December in GMT
        assert (
            briefing_outcome(brief_by=date(2027, 12, 9), event_at=event_at, briefed_at=on_time)
            is Outcome.ON_TIME
        )

    def test_briefed_after_brief_by_but_before_the_event_date_is_late(self):
        assert outcome(datetime(2027, 6, 23, 8, 0, tzinfo=UTC)) is Outcome.LATE
        assert outcome(datetime(2027, 6, 30, 22, 59, tzinfo=UTC)) is Outcome.LATE

    def test_briefed_on_the_event_date_before_the_event_is_same_day(self):
        # 00:00 BST on 1 July is 23:00 UTC on 30 June.
        assert outcome(datetime(2027, 6, 30, 23, 0, tzinfo=UTC)) is Outcome.SAME_DAY
        assert outcome(EVENT_AT - timedelta(seconds=1)) is Outcome.SAME_DAY

    def test_briefed_at_or_after_the_event_time_is_after_the_event(self):
        assert outcome(EVENT_AT) is Outcome.AFTER_EVENT
        assert outcome(datetime(2027, 7, 5, 9, 0, tzinfo=UTC)) is Outcome.AFTER_EVENT

    def test_briefing_in_another_zone_is_compared_as_the_same_instant(self):
        paris = timezone(timedelta(hours=2))
        # 00:30 in Paris on 23 June is 23:30 BST on 22 June: on time.
        assert outcome(datetime(2027, 6, 23, 0, 30, tzinfo=paris)) is Outcome.ON_TIME

    def test_pending_before_the_event_is_pending(self):
        assert outcome(status="pending", now=BEFORE_EVENT) is Outcome.PENDING
        # Past its brief-by date but the event has not happened: still pending.
        assert outcome(status="pending", now=EVENT_AT - timedelta(minutes=1)) is Outcome.PENDING

    def test_pending_once_the_event_time_has_come_is_not_briefed(self):
        assert outcome(status="pending", now=EVENT_AT) is Outcome.NOT_BRIEFED
        assert outcome(status="pending", now=AFTER_EVENT) is Outcome.NOT_BRIEFED

    @pytest.mark.parametrize(
        ("status", "expected"),
        [
            (RequirementStatus.NOT_REQUIRED, Outcome.NOT_REQUIRED),
            (RequirementStatus.WAIVED, Outcome.WAIVED),
            ("not_required", Outcome.NOT_REQUIRED),
            ("waived", Outcome.WAIVED),
        ],
    )
    def test_not_required_and_waived_win_whatever_the_time(self, status, expected):
        assert outcome(status=status, now=BEFORE_EVENT) is expected
        assert outcome(status=status, now=AFTER_EVENT) is expected
        assert outcome(EVENT_AT + timedelta(days=1), status=status) is expected

    def test_an_unknown_status_is_refused(self):
        with pytest.raises(ValueError, match="'done' is not a valid RequirementStatus"):
            outcome(status="done")

    def test_briefed_needs_a_briefing_time(self):
        with pytest.raises(ValueError, match="a briefed requirement needs first_briefed_at"):
            outcome(None, status="briefed")

    def test_pending_with_a_briefing_time_is_inconsistent(self):
        with pytest.raises(ValueError, match="a pending requirement cannot have first_briefed_at"):
            outcome(BEFORE_EVENT, status="pending")

    @pytest.mark.parametrize("name", ["event_at", "first_briefed_at", "now"])
    def test_naive_datetimes_are_refused(self, name):
        arguments = {
            "brief_by": BRIEF_BY,
            "event_at": EVENT_AT,
            "first_briefed_at": BEFORE_EVENT,
            "status": "briefed",
            "now": AFTER_EVENT,
        }
        arguments[name] = arguments[name].replace(tzinfo=None)
        with pytest.raises(ValueError, match=f"{name} must be timezone-aware"):
            requirement_outcome(**arguments)

    def test_update_requirement_due_on_the_event_date_is_on_time_that_morning(self):
        # "As soon as possible" can fall on the event's date; briefing by then is on time.
        briefed_at = datetime(2027, 7, 1, 8, 0, tzinfo=UTC)
        assert outcome(briefed_at, brief_by=date(2027, 7, 1)) is Outcome.ON_TIME


class TestOutcomeEnum:
    def test_every_outcome_has_a_label_and_description(self):
        for member in Outcome:
            assert member.label
            assert member.description.endswith(".")
        assert Outcome.AFTER_EVENT.label == "After the event"
        assert Outcome.PENDING.label == "Not briefed yet"

    def test_values_are_stable_strings(self):
        assert [member.value for member in Outcome] == [
            "on_time",
            "late",
            "same_day",
            "after_event",
            "not_briefed",
            "not_required",
            "waived",
            "pending",
        ]

    def test_classification(self):
        assert {o for o in Outcome if o.is_no_surprise} == {
            Outcome.ON_TIME,
            Outcome.NOT_REQUIRED,
            Outcome.WAIVED,
        }
        assert {o for o in Outcome if o.is_surprise} == {
            Outcome.LATE,
            Outcome.SAME_DAY,
            Outcome.AFTER_EVENT,
            Outcome.NOT_BRIEFED,
        }
        assert [o for o in Outcome if not o.is_final] == [Outcome.PENDING]

    def test_severity_orders_timing_outcomes(self):
        ordered = [
            Outcome.ON_TIME,
            Outcome.LATE,
            Outcome.SAME_DAY,
            Outcome.AFTER_EVENT,
            Outcome.NOT_BRIEFED,
        ]
        assert [o.severity for o in ordered] == [0, 1, 2, 3, 4]
        assert Outcome.WAIVED.severity is None
        assert Outcome.PENDING.severity is None


class TestDecisionAchievedNoSurprises:
    def test_all_on_time_not_required_or_waived_is_true(self):
        assert decision_achieved_no_surprises(
            [Outcome.ON_TIME, Outcome.NOT_REQUIRED, Outcome.WAIVED]
        )

    @pytest.mark.parametrize(
        "bad", [Outcome.LATE, Outcome.SAME_DAY, Outcome.AFTER_EVENT, Outcome.NOT_BRIEFED]
    )
    def test_any_surprise_is_false_even_with_others_pending(self, bad):
        assert decision_achieved_no_surprises([Outcome.ON_TIME, bad]) is False
        assert decision_achieved_no_surprises([Outcome.PENDING, bad]) is False

    def test_pending_is_undecided(self):
        assert decision_achieved_no_surprises([Outcome.ON_TIME, Outcome.PENDING]) is None

    def test_no_requirements_is_undecided(self):
        assert decision_achieved_no_surprises([]) is None

    def test_accepts_string_values(self):
        assert decision_achieved_no_surprises(["on_time", "waived"]) is True


class TestDecisionState:
    TODAY = date(2027, 6, 22)

    def state(self, *pairs):
        return decision_state(
            [AssessedRequirement(outcome, brief_by) for outcome, brief_by in pairs],
            today=self.TODAY,
        )

    def test_no_requirements(self):
        assert self.state() is DecisionState.NO_PARTNERS

    def test_all_settled_well(self):
        assert (
            self.state((Outcome.ON_TIME, date(2027, 6, 1)), (Outcome.WAIVED, date(2027, 6, 1)))
            is DecisionState.NO_SURPRISES
        )

    def test_pending_before_or_on_brief_by_is_on_track(self):
        assert (
            self.state((Outcome.ON_TIME, date(2027, 6, 1)), (Outcome.PENDING, self.TODAY))
            is DecisionState.ON_TRACK
        )

    def test_pending_past_brief_by_is_at_risk(self):
        assert (
            self.state((Outcome.PENDING, date(2027, 6, 21)), (Outcome.PENDING, date(2027, 6, 30)))
            is DecisionState.AT_RISK
        )

    def test_any_surprise_wins(self):
        assert (
            self.state((Outcome.LATE, date(2027, 6, 1)), (Outcome.PENDING, date(2027, 6, 21)))
            is DecisionState.SURPRISES
        )
        assert self.state((Outcome.NOT_BRIEFED, date(2027, 6, 1))) is DecisionState.SURPRISES

    def test_labels_carry_the_meaning_without_colour(self):
        labels = {state: state.label for state in DecisionState}
        assert labels[DecisionState.NO_SURPRISES] == "No surprises: everyone briefed in time"
        assert labels[DecisionState.AT_RISK] == "At risk: briefing overdue"
        assert len(set(labels.values())) == len(DecisionState)
        assert all(state.description.endswith(".") for state in DecisionState)

    def test_assessed_requirement_validates(self):
        assert AssessedRequirement("late", self.TODAY).outcome is Outcome.LATE
        with pytest.raises(TypeError, match="brief_by must be a date"):
            AssessedRequirement(Outcome.LATE, datetime(2027, 6, 1, tzinfo=UTC))
