"""The reminder policy of issue 5: who is reminded of what, on which working day, when."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from tracker.domain.reminder_policy import (
    DEFAULT_POLICY,
    Digest,
    Reminder,
    ReminderKind,
    ReminderPolicy,
    RequirementSnapshot,
    group_for_digest,
    reminders_due_on,
    schedule_for_requirement,
    send_at_utc,
)
from tracker.domain.statuses import DecisionStatus, RequirementStatus
from tracker.domain.working_days import WorkingCalendar

ENGLAND = WorkingCalendar.england()
OWNER, PA_1, PA_2 = 10, 20, 21
MANAGERS = frozenset({30, 31})
UPCOMING, DUE, OVERDUE, ESCALATION = (
    ReminderKind.UPCOMING,
    ReminderKind.DUE,
    ReminderKind.OVERDUE,
    ReminderKind.ESCALATION,
)

# The running example: an announcement on Thursday 1 July 2027 at 14:00 BST (13:00 UTC),
# lead time 5, so brief by Thursday 24 June.
EVENT_AT = datetime(2027, 7, 1, 13, 0, tzinfo=UTC)
BRIEF_BY = date(2027, 6, 24)


def snapshot(**changes) -> RequirementSnapshot:
    values = {
        "requirement_id": 1,
        "decision_id": 100,
        "status": RequirementStatus.PENDING,
        "decision_status": DecisionStatus.PLANNED,
        "brief_by": BRIEF_BY,
        "event_at": EVENT_AT,
        "owner_user_id": OWNER,
        "owner_pa_user_ids": frozenset({PA_1, PA_2}),
        "is_update": False,
    }
    values.update(changes)
    return RequirementSnapshot(**values)


def due_on(day, requirement=None, calendar=ENGLAND, managers=MANAGERS, policy=DEFAULT_POLICY):
    return reminders_due_on(
        requirement or snapshot(),
        today=day,
        calendar=calendar,
        manager_user_ids=managers,
        policy=policy,
    )


def schedule(today, requirement=None, calendar=ENGLAND, managers=MANAGERS, policy=DEFAULT_POLICY):
    return schedule_for_requirement(
        requirement or snapshot(),
        today=today,
        calendar=calendar,
        manager_user_ids=managers,
        policy=policy,
    )


def summary(reminders):
    """{(day, kind): {recipients}} — easy to read in assertions."""
    result: dict[tuple[date, ReminderKind], set[int]] = {}
    for reminder in reminders:
        result.setdefault((reminder.for_day, reminder.kind), set()).add(reminder.recipient_user_id)
    return result


TEAM = {OWNER, PA_1, PA_2}

FULL_SCHEDULE = {
    (date(2027, 6, 21), UPCOMING): TEAM,  # 3 working days before
    (date(2027, 6, 23), UPCOMING): TEAM,  # 1 working day before
    (date(2027, 6, 24), DUE): TEAM,
    (date(2027, 6, 25), OVERDUE): TEAM,
    # Saturday 26 and Sunday 27 June: nothing.
    (date(2027, 6, 28), OVERDUE): TEAM,
    (date(2027, 6, 29), OVERDUE): TEAM,
    # The last working day before the event: the owner and managers get an escalation
    # instead; the PAs get their usual overdue reminder.
    (date(2027, 6, 30), OVERDUE): {PA_1, PA_2},
    (date(2027, 6, 30), ESCALATION): {OWNER, *MANAGERS},
    # Event day: 08:00 is before the 14:00 event, so there is still time.
    (date(2027, 7, 1), OVERDUE): TEAM,
}


class TestSchedule:
    def test_full_schedule_of_the_running_example(self):
        assert summary(schedule(date(2027, 6, 1))) == FULL_SCHEDULE

    def test_schedule_is_ordered_by_day_then_urgency(self):
        reminders = schedule(date(2027, 6, 1))
        days = [reminder.for_day for reminder in reminders]
        assert days == sorted(days)
        june_30 = [r.kind for r in reminders if r.for_day == date(2027, 6, 30)]
        assert june_30 == [ESCALATION] * 3 + [OVERDUE] * 2

    def test_each_day_of_the_schedule_equals_reminders_due_on_that_day(self):
        full = schedule(date(2027, 6, 1))
        day = date(2027, 6, 1)
        while day <= date(2027, 7, 3):
            assert due_on(day) == [r for r in full if r.for_day == day], day
            day += timedelta(days=1)

    def test_schedule_from_a_later_day_only_includes_that_day_onwards(self):
        later = schedule(date(2027, 6, 28))
        assert min(r.for_day for r in later) == date(2027, 6, 28)
        assert summary(later) == {
            k: v for k, v in FULL_SCHEDULE.items() if k[0] >= date(2027, 6, 28)
        }

    def test_schedule_after_the_event_is_empty(self):
        assert schedule(date(2027, 7, 2)) == []

    def test_send_at_is_0800_london_on_the_day(self):
        for reminder in schedule(date(2027, 6, 1)):
            assert reminder.send_at == datetime.combine(reminder.for_day, time(7, 0), tzinfo=UTC)

    def test_reminder_carries_requirement_and_decision_and_outbox_key(self):
        reminder = due_on(date(2027, 6, 24))[0]
        assert reminder.requirement_id == 1
        assert reminder.decision_id == 100
        assert reminder.key == (1, reminder.recipient_user_id, DUE, date(2027, 6, 24))


class TestWhichDays:
    @pytest.mark.parametrize("day", [date(2027, 6, 26), date(2027, 6, 27)])
    def test_nothing_at_weekends(self, day):
        assert due_on(day) == []

    def test_nothing_on_days_with_no_rule(self):
        assert due_on(date(2027, 6, 22)) == []  # 2 working days before: not an offset
        assert due_on(date(2027, 6, 1)) == []

    def test_nothing_on_a_closure_day_and_upcoming_moves_with_it(self):
        calendar = WorkingCalendar.england([date(2027, 6, 28), date(2027, 6, 22)])
        assert due_on(date(2027, 6, 28), calendar=calendar) == []
        # With 22 June closed, "3 working days before" 24 June is Friday 18 June.
        assert (
            summary(schedule(date(2027, 6, 1), calendar=calendar))[(date(2027, 6, 18), UPCOMING)]
            == TEAM
        )
        assert (date(2027, 6, 21), UPCOMING) not in summary(
            schedule(date(2027, 6, 1), calendar=calendar)
        )

    def test_nothing_on_bank_holidays_easter_2027(self):
        # Event Wed 31 March 2027 at 10:00 BST, lead time 5: brief by Mon 22 March.
        requirement = snapshot(
            brief_by=date(2027, 3, 22), event_at=datetime(2027, 3, 31, 9, 0, tzinfo=UTC)
        )
        plan = summary(schedule(date(2027, 3, 1), requirement))
        days = {day for day, _ in plan}
        assert date(2027, 3, 26) not in days  # Good Friday
        assert date(2027, 3, 29) not in days  # Easter Monday
        assert plan[(date(2027, 3, 17), UPCOMING)] == TEAM
        assert plan[(date(2027, 3, 19), UPCOMING)] == TEAM
        assert plan[(date(2027, 3, 22), DUE)] == TEAM
        assert plan[(date(2027, 3, 30), ESCALATION)] == {OWNER, *MANAGERS}
        assert plan[(date(2027, 3, 31), OVERDUE)] == TEAM

    def test_escalation_before_a_monday_event_is_on_the_friday(self):
        requirement = snapshot(
            brief_by=date(2027, 6, 7), event_at=datetime(2027, 6, 14, 13, 0, tzinfo=UTC)
        )
        escalations = [r for r in schedule(date(2027, 6, 1), requirement) if r.kind is ESCALATION]
        assert {r.for_day for r in escalations} == {date(2027, 6, 11)}

    def test_escalation_over_christmas_2027_skips_both_substitute_days(self):
        requirement = snapshot(
            brief_by=date(2027, 12, 20), event_at=datetime(2027, 12, 29, 10, 0, tzinfo=UTC)
        )
        assert summary(due_on(date(2027, 12, 24), requirement)) == {
            (date(2027, 12, 24), OVERDUE): {PA_1, PA_2},
            (date(2027, 12, 24), ESCALATION): {OWNER, *MANAGERS},
        }
        assert due_on(date(2027, 12, 27), requirement) == []
        assert due_on(date(2027, 12, 28), requirement) == []

    def test_lead_time_one_escalates_on_the_due_day(self):
        requirement = snapshot(brief_by=date(2027, 6, 30))
        assert summary(due_on(date(2027, 6, 30), requirement)) == {
            (date(2027, 6, 30), DUE): {PA_1, PA_2},
            (date(2027, 6, 30), ESCALATION): {OWNER, *MANAGERS},
        }

    def test_brief_by_on_a_closure_day_is_due_the_working_day_before(self):
        calendar = WorkingCalendar.england([BRIEF_BY])
        plan = summary(schedule(date(2027, 6, 1), calendar=calendar))
        assert plan[(date(2027, 6, 23), DUE)] == TEAM
        assert (date(2027, 6, 23), UPCOMING) not in plan
        assert plan[(date(2027, 6, 21), UPCOMING)] == TEAM
        assert plan[(date(2027, 6, 25), OVERDUE)] == TEAM


class TestNeverAfterTheEvent:
    def test_event_later_on_its_day_still_gets_the_0800_reminder(self):
        requirement = snapshot(event_at=datetime(2027, 7, 1, 7, 1, tzinfo=UTC))  # 08:01 BST
        assert summary(due_on(date(2027, 7, 1), requirement)) == {(date(2027, 7, 1), OVERDUE): TEAM}

    @pytest.mark.parametrize("hour_utc", [6, 7])  # 07:00 and 08:00 BST
    def test_event_at_or_before_0800_gets_nothing_on_its_day(self, hour_utc):
        requirement = snapshot(event_at=datetime(2027, 7, 1, hour_utc, 0, tzinfo=UTC))
        assert due_on(date(2027, 7, 1), requirement) == []
        assert max(r.for_day for r in schedule(date(2027, 6, 1), requirement)) == date(2027, 6, 30)

    def test_weekend_event_stops_on_the_friday(self):
        requirement = snapshot(
            brief_by=date(2027, 6, 28), event_at=datetime(2027, 7, 3, 9, 0, tzinfo=UTC)
        )
        assert max(r.for_day for r in schedule(date(2027, 6, 1), requirement)) == date(2027, 7, 2)

    def test_nothing_the_day_after_the_event(self):
        assert due_on(date(2027, 7, 2)) == []


class TestWhichRequirements:
    @pytest.mark.parametrize(
        "status", [RequirementStatus.BRIEFED, RequirementStatus.WAIVED, "not_required"]
    )
    def test_briefed_waived_and_not_required_get_nothing(self, status):
        requirement = snapshot(status=status)
        assert due_on(date(2027, 6, 24), requirement) == []
        assert schedule(date(2027, 6, 1), requirement) == []
        assert not requirement.is_remindable

    @pytest.mark.parametrize(
        "decision_status",
        [
            DecisionStatus.DRAFT,
            DecisionStatus.HELD,
            DecisionStatus.POSTPONED,
            DecisionStatus.CANCELLED,
        ],
    )
    def test_only_planned_decisions_remind_ordinary_requirements(self, decision_status):
        requirement = snapshot(decision_status=decision_status)
        assert due_on(date(2027, 6, 24), requirement) == []
        assert schedule(date(2027, 6, 1), requirement) == []

    def test_update_requirements_are_reminded_the_same_way(self):
        requirement = snapshot(is_update=True)
        assert summary(schedule(date(2027, 6, 1), requirement)) == FULL_SCHEDULE

    @pytest.mark.parametrize(
        "decision_status",
        [DecisionStatus.PLANNED, DecisionStatus.POSTPONED, DecisionStatus.CANCELLED],
    )
    def test_update_requirements_of_moved_postponed_or_cancelled_decisions(self, decision_status):
        requirement = snapshot(is_update=True, decision_status=decision_status)
        assert summary(due_on(date(2027, 6, 24), requirement)) == {(date(2027, 6, 24), DUE): TEAM}

    @pytest.mark.parametrize("decision_status", [DecisionStatus.DRAFT, DecisionStatus.HELD])
    def test_update_requirements_of_draft_or_held_decisions_get_nothing(self, decision_status):
        requirement = snapshot(is_update=True, decision_status=decision_status)
        assert schedule(date(2027, 6, 1), requirement) == []

    def test_cancellation_update_is_due_at_once_and_stops_at_the_original_event(self):
        # Cancelled on Monday 28 June; the announcement was to be on Thursday 1 July.
        requirement = snapshot(
            is_update=True,
            decision_status=DecisionStatus.CANCELLED,
            brief_by=date(2027, 6, 28),
        )
        assert summary(schedule(date(2027, 6, 28), requirement)) == {
            (date(2027, 6, 28), DUE): TEAM,
            (date(2027, 6, 29), OVERDUE): TEAM,
            (date(2027, 6, 30), OVERDUE): {PA_1, PA_2},
            (date(2027, 6, 30), ESCALATION): {OWNER, *MANAGERS},
            (date(2027, 7, 1), OVERDUE): TEAM,
        }


class TestRecipients:
    def test_owner_who_is_also_a_pa_gets_one_reminder(self):
        requirement = snapshot(owner_pa_user_ids=[OWNER, PA_1])
        reminders = due_on(date(2027, 6, 24), requirement)
        assert sorted(r.recipient_user_id for r in reminders) == [OWNER, PA_1]

    def test_manager_who_is_the_owner_gets_one_escalation(self):
        reminders = due_on(date(2027, 6, 30), managers={OWNER, 30})
        assert summary(reminders) == {
            (date(2027, 6, 30), OVERDUE): {PA_1, PA_2},
            (date(2027, 6, 30), ESCALATION): {OWNER, 30},
        }
        assert len(reminders) == 4

    def test_manager_who_is_also_a_pa_gets_the_escalation_only(self):
        reminders = due_on(date(2027, 6, 30), managers={PA_1})
        assert summary(reminders) == {
            (date(2027, 6, 30), OVERDUE): {PA_2},
            (date(2027, 6, 30), ESCALATION): {OWNER, PA_1},
        }

    def test_at_most_one_reminder_per_recipient_per_day(self):
        reminders = schedule(date(2027, 6, 1), managers={OWNER, PA_1, 30})
        keys = [(r.recipient_user_id, r.for_day) for r in reminders]
        assert len(keys) == len(set(keys))

    def test_owner_without_a_user_account_reminds_the_pas_and_escalates_to_managers(self):
        requirement = snapshot(owner_user_id=None)
        assert summary(due_on(date(2027, 6, 30), requirement)) == {
            (date(2027, 6, 30), OVERDUE): {PA_1, PA_2},
            (date(2027, 6, 30), ESCALATION): set(MANAGERS),
        }

    def test_owner_without_pas(self):
        requirement = snapshot(owner_pa_user_ids=())
        assert summary(due_on(date(2027, 6, 24), requirement)) == {
            (date(2027, 6, 24), DUE): {OWNER}
        }

    def test_nobody_to_remind_gives_nothing(self):
        requirement = snapshot(owner_user_id=None, owner_pa_user_ids=())
        assert schedule(date(2027, 6, 1), requirement, managers=()) == []

    def test_managers_are_only_told_on_the_escalation_day(self):
        managers_days = {
            r.for_day for r in schedule(date(2027, 6, 1)) if r.recipient_user_id in MANAGERS
        }
        assert managers_days == {date(2027, 6, 30)}


class TestSendTimeAndDst:
    def test_tuesday_after_the_spring_2027_change_is_0700_utc(self):
        # Clocks go forward on Sunday 28 March 2027; Monday 29 is Easter Monday.
        assert send_at_utc(date(2027, 3, 30)) == datetime(2027, 3, 30, 7, 0, tzinfo=UTC)
        assert send_at_utc(date(2027, 3, 26)) == datetime(2027, 3, 26, 8, 0, tzinfo=UTC)

    def test_monday_after_the_autumn_2027_change_is_0800_utc(self):
        # Clocks go back on Sunday 31 October 2027.
        assert send_at_utc(date(2027, 11, 1)) == datetime(2027, 11, 1, 8, 0, tzinfo=UTC)
        assert send_at_utc(date(2027, 10, 29)) == datetime(2027, 10, 29, 7, 0, tzinfo=UTC)

    def test_send_at_utc_is_aware_utc(self):
        assert send_at_utc(date(2027, 3, 30)).tzinfo is UTC

    def test_send_at_utc_in_another_zone(self):
        assert send_at_utc(date(2027, 3, 30), time(9, 0), "Europe/Paris") == datetime(
            2027, 3, 30, 7, 0, tzinfo=UTC
        )

    def test_reminders_after_the_spring_change(self):
        requirement = snapshot(
            brief_by=date(2027, 3, 30), event_at=datetime(2027, 4, 8, 9, 0, tzinfo=UTC)
        )
        assert due_on(date(2027, 3, 29), requirement) == []  # Easter Monday
        [reminder, *_] = due_on(date(2027, 3, 30), requirement)
        assert reminder.kind is DUE
        assert reminder.send_at == datetime(2027, 3, 30, 7, 0, tzinfo=UTC)
        friday_before = due_on(date(2027, 3, 25), requirement)
        assert friday_before[0].send_at == datetime(2027, 3, 25, 8, 0, tzinfo=UTC)

    def test_reminders_after_the_autumn_change(self):
        requirement = snapshot(
            brief_by=date(2027, 11, 1), event_at=datetime(2027, 11, 8, 10, 0, tzinfo=UTC)
        )
        [reminder, *_] = due_on(date(2027, 11, 1), requirement)
        assert reminder.kind is DUE
        assert reminder.send_at == datetime(2027, 11, 1, 8, 0, tzinfo=UTC)
        friday_before = due_on(date(2027, 10, 27), requirement)
        assert friday_before[0].send_at == datetime(2027, 10, 27, 7, 0, tzinfo=UTC)

    def test_configured_send_time(self):
        policy = ReminderPolicy(send_time=time(9, 30))
        [reminder, *_] = due_on(date(2027, 6, 24), policy=policy)
        assert reminder.send_at == datetime(2027, 6, 24, 8, 30, tzinfo=UTC)


class TestPolicy:
    def test_defaults(self):
        assert DEFAULT_POLICY.upcoming_offsets == (3, 1)
        assert DEFAULT_POLICY.send_time == time(8, 0)

    def test_offsets_are_deduplicated_and_sorted(self):
        assert ReminderPolicy(upcoming_offsets=(1, 5, 5, 2)).upcoming_offsets == (5, 2, 1)

    def test_configured_offsets(self):
        policy = ReminderPolicy(upcoming_offsets=(5,))
        plan = summary(schedule(date(2027, 6, 1), policy=policy))
        assert [day for day, kind in plan if kind is UPCOMING] == [date(2027, 6, 17)]

    def test_no_upcoming_reminders_at_all(self):
        policy = ReminderPolicy(upcoming_offsets=())
        plan = summary(schedule(date(2027, 6, 1), policy=policy))
        assert min(plan) == (date(2027, 6, 24), DUE)

    @pytest.mark.parametrize("offsets", [(0,), (3, -1), (61,)])
    def test_offsets_out_of_range_are_refused(self, offsets):
        with pytest.raises(ValueError, match="between 1 and 60 working days"):
            ReminderPolicy(upcoming_offsets=offsets)

    @pytest.mark.parametrize("offsets", [(1.5,), ("3",), (True,)])
    def test_offsets_must_be_whole_numbers(self, offsets):
        with pytest.raises(TypeError, match="whole numbers"):
            ReminderPolicy(upcoming_offsets=offsets)

    def test_send_time_must_be_a_naive_time(self):
        with pytest.raises(ValueError, match="must be naive"):
            ReminderPolicy(send_time=time(8, 0, tzinfo=UTC))
        with pytest.raises(TypeError, match="send_time must be a time"):
            ReminderPolicy(send_time="08:00")


class TestSnapshot:
    def test_strings_are_coerced_to_enums_and_pas_to_a_frozenset(self):
        requirement = snapshot(status="pending", decision_status="planned", owner_pa_user_ids=[1])
        assert requirement.status is RequirementStatus.PENDING
        assert requirement.decision_status is DecisionStatus.PLANNED
        assert requirement.owner_pa_user_ids == frozenset({1})
        assert requirement.event_date == date(2027, 7, 1)

    def test_naive_event_time_is_refused(self):
        with pytest.raises(ValueError, match="event_at must be timezone-aware"):
            snapshot(event_at=datetime(2027, 7, 1, 13, 0))

    def test_unknown_decision_status_is_refused(self):
        with pytest.raises(ValueError, match="is not a valid DecisionStatus"):
            snapshot(decision_status="maybe")

    def test_event_date_is_the_london_date(self):
        requirement = snapshot(event_at=datetime(2027, 6, 30, 23, 30, tzinfo=UTC))
        assert requirement.event_date == date(2027, 7, 1)


class TestKinds:
    def test_labels_urgency_and_delivery(self):
        assert [kind.urgency for kind in (UPCOMING, DUE, OVERDUE, ESCALATION)] == [0, 1, 2, 3]
        assert all(kind.label for kind in ReminderKind)
        assert [kind for kind in ReminderKind if kind.sent_individually] == [ESCALATION]


class TestGroupForDigest:
    def reminder(self, recipient, requirement_id, kind=DUE, day=date(2027, 6, 24)):
        return Reminder(
            requirement_id=requirement_id,
            decision_id=requirement_id * 100,
            recipient_user_id=recipient,
            kind=kind,
            for_day=day,
            send_at=send_at_utc(day),
        )

    def test_groups_by_recipient_and_day_most_urgent_first(self):
        a = self.reminder(PA_1, 1, UPCOMING)
        b = self.reminder(PA_1, 2, OVERDUE)
        c = self.reminder(PA_2, 1, UPCOMING)
        d = self.reminder(PA_1, 3, DUE, day=date(2027, 6, 25))
        digests = group_for_digest([a, b, c, d, a])
        assert digests == [
            Digest(PA_1, date(2027, 6, 24), send_at_utc(date(2027, 6, 24)), (b, a)),
            Digest(PA_1, date(2027, 6, 25), send_at_utc(date(2027, 6, 25)), (d,)),
            Digest(PA_2, date(2027, 6, 24), send_at_utc(date(2027, 6, 24)), (c,)),
        ]

    def test_a_pa_digest_from_two_leaders_requirements(self):
        first = snapshot(requirement_id=1, decision_id=100)
        second = snapshot(requirement_id=2, decision_id=200, owner_user_id=11)
        reminders = due_on(date(2027, 6, 24), first) + due_on(date(2027, 6, 24), second)
        [digest] = [d for d in group_for_digest(reminders) if d.recipient_user_id == PA_1]
        assert [r.requirement_id for r in digest.reminders] == [1, 2]

    def test_nothing_in_nothing_out(self):
        assert group_for_digest([]) == []

    def test_escalations_can_be_left_out_by_the_caller(self):
        reminders = due_on(date(2027, 6, 30))
        digests = group_for_digest(r for r in reminders if not r.kind.sent_individually)
        assert {d.recipient_user_id for d in digests} == {PA_1, PA_2}
