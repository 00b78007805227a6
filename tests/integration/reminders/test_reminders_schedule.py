"""Reminders are rows: who is owed what, and how the outbox follows every change."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update

from tests.reminder_world import london, outbox, owed, requirement_of
from tracker.extensions import db
from tracker.models import Decision, Reminder, ReminderStatus, RequirementStatus, User
from tracker.services import briefings, decisions, reminders
from tracker.services.briefings import BriefingInput
from tracker.services.decisions import DecisionInput

# Wed 13 Jan 2027 at 10:00, lead time 5: brief by Wed 6 Jan (Fri 1 Jan is a bank holiday).
EVENT = london(date(2027, 1, 13))
BRIEF_BY = date(2027, 1, 6)


def _input(decision: Decision, **changes: object) -> DecisionInput:
    values = {
        "title": decision.title,
        "kind": decision.kind,
        "owner_person_id": decision.owner_person_id,
        "event_at": decision.event_at,
        "lead_time": decision.lead_time,
        "sensitivity": decision.sensitivity,
        "status": decision.status,
        "embargo_lifts_at": decision.embargo_lifts_at,
    }
    values.update(changes)
    return DecisionInput(**values)  # type: ignore[arg-type]


def test_the_owner_and_pa_are_owed_each_reminder_and_escalation_goes_to_owner_and_managers(
    mail_app, world
):
    with mail_app.app_context():
        decision = world.decision("Winter discharge plan", EVENT)
        assert requirement_of(decision).brief_by == BRIEF_BY
        leader, pa, manager = world.leader_id, world.pa_id, world.manager_id
        team = {
            ("upcoming", date(2026, 12, 31)),
            ("upcoming", date(2027, 1, 5)),
            ("due", date(2027, 1, 6)),
            ("overdue", date(2027, 1, 7)),
            ("overdue", date(2027, 1, 8)),
            ("overdue", date(2027, 1, 11)),
            ("overdue", date(2027, 1, 13)),  # 08:00 on the day, before the 10:00 event
        }
        expected = {(user, kind, day) for user in (leader, pa) for kind, day in team}
        expected |= {
            (leader, "escalation", date(2027, 1, 12)),
            (pa, "overdue", date(2027, 1, 12)),
            (manager, "escalation", date(2027, 1, 12)),
        }
        assert owed() == expected
        # Viewers and admins are not part of it.
        assert not outbox(recipient_user_id=world.viewer_id)
        # 08:00 London in winter is 08:00 UTC.
        due = outbox(kind="due", recipient_user_id=leader)[0]
        assert due.send_at == datetime(2027, 1, 6, 8, 0, tzinfo=UTC)


def test_reconciling_again_changes_nothing(mail_app, world):
    with mail_app.app_context():
        decision = world.decision("Winter discharge plan", EVENT)
        before = owed()
        result = reminders.recompute_for_decision(decision)
        db.session.commit()
        assert (result.created, result.cancelled, result.revived) == (0, 0, 0)
        assert owed() == before


def test_restricted_decisions_are_never_mentioned_to_users_who_cannot_see_them(mail_app, world):
    with mail_app.app_context():
        world.decision("Proposed merger of acute trusts", EVENT, sensitivity="restricted")
        recipients = {r.recipient_user_id for r in outbox()}
        # The manager is not in the decision's circle: no escalation for them.
        assert recipients == {world.leader_id, world.pa_id}


def test_a_disabled_pa_is_not_reminded(mail_app, world):
    with mail_app.app_context():
        world.user(world.pa_id).is_active = False
        db.session.commit()
        world.decision("Winter discharge plan", EVENT)
        assert world.pa_id not in {r.recipient_user_id for r in outbox()}


def test_moving_the_decision_cancels_unsent_reminders_and_schedules_new_ones(mail_app, world):
    with mail_app.app_context():
        decision = world.decision("Winter discharge plan", EVENT)
        new_event = london(date(2027, 2, 10))
        decisions.update_decision(world.leader, decision, _input(decision, event_at=new_event))
        db.session.commit()
        pending_days = {day for _, _, day in owed()}
        assert min(pending_days) > date(2027, 1, 13)
        assert date(2027, 2, 3) in pending_days  # the new brief-by date
        cancelled_days = {day for _, _, day in owed(ReminderStatus.CANCELLED.value)}
        assert BRIEF_BY in cancelled_days
        # Moving it back revives the cancelled rows rather than adding duplicates.
        decisions.update_decision(world.leader, decision, _input(decision, event_at=EVENT))
        db.session.commit()
        assert BRIEF_BY in {day for _, _, day in owed()}
        assert len(outbox(for_day=BRIEF_BY)) == 2


def test_postponing_stops_ordinary_reminders_and_reminds_about_the_update(mail_app, world):
    with mail_app.app_context():
        decision = world.decision("Winter discharge plan", EVENT, partners=2)
        briefed, still_pending = decision.requirements
        briefings.log_briefing(
            world.leader,
            BriefingInput(
                occurred_at=datetime(2026, 11, 20, 10, tzinfo=UTC),
                channel="call",
                person_ids=[briefed.person_id],
                decision_ids=[decision.id],
            ),
        )
        db.session.commit()
        assert not outbox(requirement_id=briefed.id, status="pending")
        assert outbox(requirement_id=still_pending.id, status="pending")
        result = decisions.update_decision(
            world.leader, decision, _input(decision, status="postponed")
        )
        db.session.commit()
        (update_requirement,) = result.update_requirements
        # The partner not yet briefed: nothing to say while it is postponed.
        assert not outbox(requirement_id=still_pending.id, status="pending")
        # The partner already briefed must hear about the postponement.
        assert outbox(requirement_id=update_requirement.id, status="pending")


def test_cancelling_the_decision_cancels_its_reminders(mail_app, world):
    with mail_app.app_context():
        decision = world.decision("Winter discharge plan", EVENT)
        decisions.update_decision(world.leader, decision, _input(decision, status="cancelled"))
        db.session.commit()
        assert not outbox(status="pending")


@pytest.mark.parametrize("status", [RequirementStatus.WAIVED, RequirementStatus.NOT_REQUIRED])
def test_waived_or_not_required_gets_no_more_reminders_until_put_back(mail_app, world, status):
    with mail_app.app_context():
        decision = world.decision("Winter discharge plan", EVENT)
        requirement = requirement_of(decision)
        admin = world.user(world.admin_id)
        decisions.set_requirement_status(admin, requirement, status, "Told at the board")
        db.session.commit()
        assert not outbox(status="pending")
        decisions.set_requirement_status(admin, requirement, RequirementStatus.PENDING, None)
        db.session.commit()
        assert len(outbox(status="pending")) == 17


def test_removing_a_partner_removes_its_reminders(mail_app, world):
    with mail_app.app_context():
        decision = world.decision("Winter discharge plan", EVENT)
        decisions.remove_requirement(world.leader, requirement_of(decision))
        db.session.commit()
        assert outbox() == []


def test_the_daily_safety_net_picks_up_a_new_pa(mail_app, world):
    with mail_app.app_context():
        decision = world.decision("Winter discharge plan", EVENT)
        from tracker.services import users as user_service

        new_pa = user_service.create_user(
            email="pa2@example.org", display_name="Sam Second", role="pa", password="x" * 12
        )
        decision.owner.pas.append(new_pa)  # no service hook sees this
        db.session.commit()
        new_pa_id = new_pa.id
        assert not outbox(recipient_user_id=new_pa_id)
        now = datetime(2026, 12, 1, 7, tzinfo=UTC)
        assert reminders.daily_reconcile(now) == 1
        assert outbox(recipient_user_id=new_pa_id)
        # Once a London day only.
        assert reminders.daily_reconcile(now) is None


def test_a_sent_reminder_is_never_touched_by_reconciling(mail_app, world):
    with mail_app.app_context():
        decision = world.decision("Winter discharge plan", EVENT)
        db.session.execute(
            update(Reminder).where(Reminder.for_day == BRIEF_BY).values(status="sent")
        )
        db.session.commit()
        decisions.update_decision(
            world.leader, decision, _input(decision, event_at=london(date(2027, 2, 10)))
        )
        db.session.commit()
        assert {r.status for r in outbox(for_day=BRIEF_BY)} == {"sent"}


def test_new_pas_default_to_a_digest_and_leaders_to_separate_emails(mail_app, world):
    with mail_app.app_context():
        assert db.session.get(User, world.pa_id).reminder_delivery == "digest"
        assert db.session.get(User, world.leader_id).reminder_delivery == "individual"
        assert db.session.get(User, world.manager_id).reminder_delivery == "individual"
