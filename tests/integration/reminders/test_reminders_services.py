"""The reminder services decide who may: the outbox is for admins only, and notifications
are only ever the actor's own, never about a decision they may not see."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from tests.reminder_world import london, outbox
from tracker.domain.errors import Forbidden, NotFound
from tracker.extensions import db
from tracker.models import Decision, Organisation, Reminder
from tracker.services import reminders
from tracker.services.actor import Actor

EVENT = london(date(2027, 1, 13))
DUE_MORNING = datetime(2027, 1, 6, 8, 0, tzinfo=UTC)
NOT_ADMINS = ["leader_id", "pa_id", "manager_id", "viewer_id"]
MISSING_ID = 999_999


def _outbox_calls(reminder_id: int):
    return [
        lambda who: reminders.needing_attention(who),
        lambda who: reminders.outbox_entries(who),
        lambda who: reminders.get_for_admin(who, reminder_id),
        lambda who: reminders.outbox_entry(who, reminder_id),
        lambda who: reminders.retry(who, reminder_id),
        lambda who: reminders.mark_sent(who, reminder_id),
    ]


# --- the outbox ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", NOT_ADMINS)
def test_the_outbox_services_refuse_anyone_but_an_admin(mail_app, world, failed_row, who):
    with mail_app.app_context():
        user = world.user(getattr(world, who))
        for call in _outbox_calls(failed_row):
            with pytest.raises(Forbidden):
                call(user)
        db.session.rollback()
        row = db.session.get(Reminder, failed_row)
        assert (row.status, row.attempts) == ("failed", 5)


def test_the_outbox_services_refuse_a_job_acting_for_nobody(mail_app, world, failed_row):
    with mail_app.app_context():
        for call in _outbox_calls(failed_row):
            with pytest.raises(Forbidden):
                call(Actor.job())


def test_a_disabled_admin_is_refused(mail_app, world, failed_row):
    with mail_app.app_context():
        admin = world.user(world.admin_id)
        admin.is_active = False
        with pytest.raises(Forbidden):
            reminders.retry(admin, failed_row)
        db.session.rollback()


def test_a_reminder_that_does_not_exist_is_not_found(mail_app, world, failed_row):
    with mail_app.app_context():
        admin = world.user(world.admin_id)
        for call in _outbox_calls(MISSING_ID)[2:]:
            with pytest.raises(NotFound):
                call(admin)
        # The real one is still there for the admin.
        assert reminders.outbox_entry(admin, failed_row).reminder.id == failed_row
        assert [row.id for row in reminders.needing_attention(admin)] == [failed_row]


def test_an_admin_retries_through_the_service_and_it_is_audited(mail_app, world, failed_row):
    with mail_app.app_context():
        admin = world.user(world.admin_id)
        retried = reminders.retry(admin, failed_row, DUE_MORNING)
        db.session.commit()
        assert (retried.status, retried.attempts, retried.next_attempt_at) == (
            "pending",
            0,
            DUE_MORNING,
        )
        with pytest.raises(reminders.OutboxError):
            reminders.mark_sent(admin, failed_row)


# --- notifications -------------------------------------------------------------------------


def _everything_sent(decision_title: str = "Winter discharge plan") -> None:
    """Every row of the decision was sent a few minutes ago."""
    decision_id = db.session.scalar(select(Decision.id).where(Decision.title == decision_title))
    db.session.execute(
        update(Reminder)
        .where(Reminder.decision_id == decision_id)
        .values(send_at=datetime.now(UTC) - timedelta(minutes=5), status="sent")
    )
    db.session.commit()


def test_notifications_never_list_another_users_rows(mail_app, world):
    with mail_app.app_context():
        world.decision("Winter discharge plan", EVENT, partners=2)
        _everything_sent()
        recipients = {row.recipient_user_id for row in outbox(status="sent")}
        assert {world.leader_id, world.pa_id} <= recipients  # others have rows too
        for user_id in (world.leader_id, world.pa_id, world.viewer_id):
            user = world.user(user_id)
            own = [row.id for row in outbox(status="sent", recipient_user_id=user_id)]
            listed = reminders.notifications(user)
            assert sorted(row.id for row in listed) == sorted(own)
            entries = reminders.notification_entries(user)
            assert sorted(entry.reminder.id for entry in entries) == sorted(own)
            assert reminders.unread_count(user) == len(own)

        pa = world.user(world.pa_id)
        assert reminders.mark_all_read(pa) == len(outbox(recipient_user_id=world.pa_id))
        db.session.commit()
        assert reminders.unread_count(pa) == 0
        # Marking your own as read leaves everybody else's unread.
        others = [row for row in outbox(status="sent") if row.recipient_user_id != world.pa_id]
        assert others
        assert all(row.read_at is None for row in others)
        assert reminders.unread_count(world.user(world.leader_id)) > 0


def test_nobody_signed_in_has_no_notifications(mail_app, world):
    with mail_app.app_context():
        world.decision("Winter discharge plan", EVENT)
        _everything_sent()
        for nobody in (Actor(user=None), Actor.job()):
            assert reminders.notifications(nobody) == []
            assert reminders.notification_entries(nobody) == []
            assert reminders.unread_count(nobody) == 0
            assert reminders.mark_all_read(nobody) == 0
        assert all(row.read_at is None for row in outbox(status="sent"))


def test_notifications_about_a_decision_turned_restricted_are_neither_listed_nor_marked(
    mail_app, world
):
    with mail_app.app_context():
        decision = world.decision("Winter discharge plan", EVENT)
        _everything_sent()
        manager = world.user(world.manager_id)
        assert reminders.unread_count(manager) == 1
        decision.sensitivity = "restricted"
        db.session.commit()
        assert reminders.notifications(manager) == []
        assert reminders.unread_count(manager) == 0
        assert reminders.mark_all_read(manager) == 0
        db.session.commit()
        (row,) = outbox(recipient_user_id=world.manager_id, status="sent")
        assert row.read_at is None
        # The leader owns it and still sees theirs, offered to log it.
        entries = reminders.notification_entries(world.user(world.leader_id))
        assert entries
        assert all(entry.can_log for entry in entries)


# --- the sweep is a job of its own -----------------------------------------------------------


def test_the_sweep_never_commits_what_its_caller_left_in_the_session(mail_app, world, smtp):
    with mail_app.app_context():
        world.decision("Winter discharge plan", EVENT)
        db.session.add(Organisation(name="Left behind", name_key="left behind", org_type="icb"))
        db.session.flush()
        assert reminders.sweep(DUE_MORNING).sent == 2
        assert (
            db.session.scalar(select(Organisation).where(Organisation.name == "Left behind"))
            is None
        )
