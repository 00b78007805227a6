"""The sweep sends through a real SMTP server (aiosmtpd): once, on time, nothing lost."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import update

from tests.reminder_world import london, outbox
from tracker.extensions import db
from tracker.models import Reminder, User
from tracker.services import reminders

# Wed 13 Jan 2027 at 10:00, lead time 5: brief by Wed 6 Jan.
EVENT = london(date(2027, 1, 13))
DUE_MORNING = datetime(2027, 1, 6, 8, 0, tzinfo=UTC)
ESCALATION_MORNING = datetime(2027, 1, 12, 8, 0, tzinfo=UTC)


def test_leader_gets_a_reminder_and_the_pa_one_digest_with_everything(mail_app, world, smtp):
    with mail_app.app_context():
        first = world.decision("Winter discharge plan", EVENT)
        second = world.decision("Stroke services reconfiguration", EVENT)
        summary = reminders.sweep(DUE_MORNING)
        assert summary.sent == 4
        assert summary.digests == 1

        leader_mail = smtp.to("leader@example.org")
        assert sorted(m.subject for m in leader_mail) == [
            "Brief Cllr Ann Smith today (Wed 6 Jan): Stroke services reconfiguration",
            "Brief Cllr Ann Smith today (Wed 6 Jan): Winter discharge plan",
        ]
        message = next(m for m in leader_mail if "Winter" in m.subject)
        text, html = message.part("plain"), message.part("html")
        decision_url = f"http://localhost/decisions/{first.id}"
        person_id = first.requirements[0].person_id
        log_url = f"http://localhost/briefings/new?decision={first.id}&person={person_id}"
        for body in (text, html.replace("&amp;", "&")):
            assert decision_url in body
            assert log_url in body
            assert "Cllr Ann Smith" in body
            assert "Leader of the council, Anyshire County Council" in body
        assert "Hello Lee Leader" in text
        assert '<html lang="en-GB">' in html
        assert message.message["To"] == "Lee Leader <leader@example.org>"
        assert str(message.message["Message-ID"]).endswith("@localhost>")

        (digest,) = smtp.to("pa@example.org")
        assert digest.subject == "Your No Surprises digest for Wed 6 Jan: 2 briefings"
        digest_text = digest.part("plain")
        assert "Winter discharge plan" in digest_text
        assert "Stroke services reconfiguration" in digest_text
        assert "On behalf of: Lee Leader" in digest_text
        assert f"http://localhost/decisions/{second.id}" in digest.part("html")
        # Earlier days' reminders (upcoming) were superseded, not sent late in a pile.
        assert len(smtp.received) == 3
        stored = {r.message_id for r in outbox(status="sent")}
        assert {str(m.message["Message-ID"]) for m in smtp.received} == stored


def test_a_second_sweep_sends_nothing_new(mail_app, world, smtp):
    with mail_app.app_context():
        world.decision("Winter discharge plan", EVENT)
        assert reminders.sweep(DUE_MORNING).sent == 2
        again = reminders.sweep(DUE_MORNING + timedelta(minutes=1))
        assert (again.claimed, again.sent) == (0, 0)
        assert len(smtp.received) == 2


def test_nothing_is_sent_before_its_time(mail_app, world, smtp):
    with mail_app.app_context():
        world.decision("Winter discharge plan", EVENT)
        reminders.sweep(DUE_MORNING - timedelta(seconds=1))
        assert not [m for m in smtp.received if "today" in m.subject]


def test_escalations_are_always_separate_emails(mail_app, world, smtp):
    with mail_app.app_context():
        db.session.get(User, world.manager_id).reminder_delivery = "digest"
        db.session.commit()
        world.decision("Winter discharge plan", EVENT)
        reminders.sweep(ESCALATION_MORNING)
        (manager_mail,) = smtp.to("manager@example.org")
        assert manager_mail.subject == (
            "Escalation: Cllr Ann Smith still not briefed before Wed 13 Jan: Winter discharge plan"
        )
        # Managers cannot log briefings, so their email has no link to do so.
        assert "/briefings/new" not in manager_mail.part("plain")
        (leader_mail,) = smtp.to("leader@example.org")
        assert leader_mail.subject.startswith("Escalation: ")
        (pa_digest,) = smtp.to("pa@example.org")
        assert pa_digest.subject == "Your No Surprises digest for Tue 12 Jan: 1 briefing"
        assert "Overdue" in pa_digest.part("plain")


def test_a_decision_made_restricted_behind_the_services_back_is_not_mailed(mail_app, world, smtp):
    with mail_app.app_context():
        decision = world.decision("Winter discharge plan", EVENT)
        db.session.execute(
            update(type(decision))
            .where(type(decision).id == decision.id)
            .values(sensitivity="restricted")
        )
        db.session.commit()
        summary = reminders.sweep(ESCALATION_MORNING)
        assert smtp.to("manager@example.org") == []
        assert summary.cancelled >= 1
        assert outbox(recipient_user_id=world.manager_id)[0].status == "cancelled"


def test_a_briefed_requirement_is_not_mailed_even_if_its_row_was_claimable(mail_app, world, smtp):
    with mail_app.app_context():
        decision = world.decision("Winter discharge plan", EVENT)
        requirement = decision.requirements[0]
        # Briefed without the service (as a concurrent request might): the row is still
        # pending when the sweep claims it, and the re-check catches it.
        requirement.status = "briefed"
        db.session.commit()
        summary = reminders.sweep(DUE_MORNING)
        assert summary.sent == 0
        assert smtp.received == []


def test_mail_server_down_mid_sweep_retries_with_back_off_and_never_duplicates(
    mail_app, world, smtp
):
    with mail_app.app_context():
        world.decision("Winter discharge plan", EVENT, partners=3)
        due = len(outbox(for_day=DUE_MORNING.date()))
        assert due == 6  # 3 partners × (leader + PA)
        # The server accepts one email and then goes away in the middle of the sweep.
        smtp.collector.accept_limit = 1
        first = reminders.sweep(DUE_MORNING)
        assert first.sent == 1
        assert first.retried >= 1
        assert first.errors
        pending = outbox(status="pending", for_day=DUE_MORNING.date())
        assert pending
        assert all(r.next_attempt_at > DUE_MORNING for r in pending)
        assert all(r.last_error for r in pending)

        # Fully down: connections are refused.
        smtp.stop()
        down = reminders.sweep(DUE_MORNING + timedelta(minutes=1))
        assert down.sent == 0
        assert "ConnectionRefusedError" in " ".join(down.errors)

        # Too early for the back-off: nothing is tried.
        smtp.collector.accept_limit = None
        smtp.start()
        assert reminders.sweep(DUE_MORNING + timedelta(minutes=1, seconds=30)).claimed == 0
        # Back, and the back-off has passed: everything else goes, once.
        reminders.sweep(DUE_MORNING + timedelta(minutes=10))
        ids = [i for m in smtp.received for i in m.reminder_ids]
        assert sorted(ids) == sorted({r.id for r in outbox(for_day=DUE_MORNING.date())})
        assert len(ids) == len(set(ids)) == due
        assert {r.status for r in outbox(for_day=DUE_MORNING.date())} == {"sent"}
        assert reminders.sweep(DUE_MORNING + timedelta(hours=2)).sent == 0


def test_after_the_last_attempt_a_reminder_is_failed_not_dropped(mail_app, world, smtp):
    with mail_app.app_context():
        world.decision("Winter discharge plan", EVENT)
        smtp.stop()
        now = DUE_MORNING
        for _ in range(mail_app.config["REMINDER_MAX_ATTEMPTS"]):
            reminders.sweep(now)
            now += timedelta(hours=2)
        failed = outbox(status="failed")
        assert len(failed) == 2
        assert all("ConnectionRefusedError" in r.last_error for r in failed)
        admin = world.user(world.admin_id)
        assert {r.id for r in reminders.needing_attention(admin)} == {r.id for r in failed}


def test_back_off_grows_and_is_capped():
    assert [reminders.backoff(n).total_seconds() / 60 for n in range(1, 6)] == [1, 2, 4, 8, 16]
    assert reminders.backoff(20) == timedelta(hours=1)


def test_a_stale_claim_needs_checking_and_an_admin_resolves_it(mail_app, world, smtp):
    with mail_app.app_context():
        world.decision("Winter discharge plan", EVENT)
        # A sweep claimed the leader's reminder and died before sending.
        (row,) = outbox(for_day=DUE_MORNING.date(), recipient_user_id=world.leader_id)
        row.status, row.claim_token, row.claimed_at = "sending", "dead", DUE_MORNING
        db.session.commit()
        row_id = row.id
        timeout = timedelta(seconds=mail_app.config["REMINDER_SENDING_TIMEOUT"])
        assert reminders.sweep(DUE_MORNING + timeout - timedelta(seconds=1)).needs_check == 0
        summary = reminders.sweep(DUE_MORNING + timeout + timedelta(seconds=1))
        assert summary.needs_check == 1
        assert db.session.get(Reminder, row_id).status == "needs_check"
        assert smtp.to("leader@example.org") == []  # never guessed

        admin = db.session.get(User, world.admin_id)
        reminders.retry(admin, row_id, DUE_MORNING + timedelta(hours=1))
        db.session.commit()
        reminders.sweep(DUE_MORNING + timedelta(hours=1))
        (sent,) = smtp.to("leader@example.org")
        assert sent.reminder_ids == [row_id]
        assert db.session.get(Reminder, row_id).status == "sent"


def test_an_admin_can_mark_a_needs_check_reminder_as_sent(mail_app, world, smtp):
    with mail_app.app_context():
        world.decision("Winter discharge plan", EVENT)
        (row,) = outbox(for_day=DUE_MORNING.date(), recipient_user_id=world.leader_id)
        row.status = "needs_check"
        db.session.commit()
        reminders.mark_sent(db.session.get(User, world.admin_id), row.id)
        db.session.commit()
        reminders.sweep(DUE_MORNING)
        assert smtp.to("leader@example.org") == []
        assert row.status == "sent"


def test_reminders_after_the_2027_clock_changes_go_out_at_8am_london(mail_app, world, smtp):
    with mail_app.app_context():
        # Clocks go forward on Sun 28 Mar 2027; Mon 29 Mar is Easter Monday, so the first
        # working day after is Tue 30 Mar. An event on Wed 31 Mar with a lead time of 1 is
        # due on Tue 30 Mar, at 08:00 BST = 07:00 UTC.
        world.decision("Spring announcement", london(date(2027, 3, 31)), lead_time=1)
        # Clocks go back on Sun 31 Oct 2027: Mon 1 Nov, 08:00 GMT = 08:00 UTC.
        world.decision("Autumn announcement", london(date(2027, 11, 2)), lead_time=1)
        spring = datetime(2027, 3, 30, 7, 0, tzinfo=UTC)
        autumn = datetime(2027, 11, 1, 8, 0, tzinfo=UTC)
        assert {r.send_at for r in outbox(for_day=date(2027, 3, 30))} == {spring}
        assert {r.send_at for r in outbox(for_day=date(2027, 11, 1))} == {autumn}

        for moment, title in ((spring, "Spring"), (autumn, "Autumn")):
            smtp.clear()
            reminders.sweep(moment - timedelta(seconds=1))
            assert not [m for m in smtp.received if title in str(m.message)]
            reminders.sweep(moment)
            leader_mail = smtp.to("leader@example.org")
            assert [m.subject for m in leader_mail] == [
                f"Escalation: Cllr Ann Smith still not briefed before "
                f"{'Wed 31 Mar' if title == 'Spring' else 'Tue 2 Nov'}: {title} announcement"
            ]
            assert len(smtp.to("pa@example.org")) == 1
