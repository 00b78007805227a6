"""Keep-in-touch reminders: key people past their cadence, through the real SMTP sweep.

Cllr Ann Smith (the World's first partner) is kept in touch with every 30 days. Her
reminders go to every active leader and PA (not managers, viewers or admins) on the
working day her contact falls due, at 08:00 London, once per due date: the leader
(separate emails) and the PA (daily digest, the PA default).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, func, select, update

from tests.conftest import AuthActions, csrf_token_from
from tests.insight_factories import briefing
from tests.reminder_world import PASSWORD, UserInfoLike, World, london, outbox
from tracker.extensions import db
from tracker.models import KEEP_IN_TOUCH, Briefing, Person, Reminder, User
from tracker.services import history, people, reminders
from tracker.services.actor import Actor

CADENCE = 30
#: When Ann was added to the register (long before any of the dates below).
ADDED = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
#: Tue 2 Feb 2027 + 30 days = Thu 4 Mar 2027, a working day (GMT: 08:00 London = 08:00 UTC).
LAST_CONTACT = london(date(2027, 2, 2))
DUE_DAY = date(2027, 3, 4)
SEND_AT = datetime(2027, 3, 4, 8, 0, tzinfo=UTC)
#: The sweep's first run of the day, when the daily pass owes the day's reminders.
MIDNIGHT_RUN = datetime(2027, 3, 4, 0, 5, tzinfo=UTC)
SUBJECT = "Keep in touch: Cllr Ann Smith (every 30 days; last contact Tue 2 Feb)"


def _keep_in_touch_with_ann(world: World, last_contact: datetime | None = LAST_CONTACT) -> Person:
    """Give Ann a cadence and (optionally) one logged contact; commits."""
    ann = db.session.get(Person, world.partner_ids[0])
    assert ann is not None
    ann.keep_in_touch_days = CADENCE
    ann.created_at = ADDED
    if last_contact is not None:
        briefing([ann], occurred_at=last_contact)
    db.session.commit()
    return ann


def _kit_rows(**filters: object) -> list[Reminder]:
    return [row for row in outbox(**filters) if row.kind == KEEP_IN_TOUCH]


def _signed_in(app, email: str) -> AuthActions:
    auth = AuthActions(app.test_client())
    auth.login_as(UserInfoLike(email, PASSWORD))
    return auth


def test_a_key_person_past_cadence_reminds_the_leader_and_the_pa_once(mail_app, world, smtp):
    with mail_app.app_context():
        ann = _keep_in_touch_with_ann(world)
        ann_id, council_id = ann.id, ann.organisation_id

        # The day before she is due: nothing owed.
        reminders.sweep(datetime(2027, 3, 3, 9, 0, tzinfo=UTC))
        assert _kit_rows() == []

        # Her due day: one reminder each for the leader and the PA, at 08:00.
        first = reminders.sweep(MIDNIGHT_RUN)
        assert (first.keep_in_touch, first.sent) == (2, 0)
        rows = _kit_rows()
        assert {(r.recipient_user_id, r.for_day, r.send_at) for r in rows} == {
            (world.leader_id, DUE_DAY, SEND_AT),
            (world.pa_id, DUE_DAY, SEND_AT),
        }
        assert all(r.person_id == ann_id and r.requirement_id is None for r in rows)
        assert all(r.decision_id is None for r in rows)
        assert reminders.sweep(SEND_AT - timedelta(seconds=1)).sent == 0

        sent = reminders.sweep(SEND_AT)
        assert (sent.sent, sent.digests) == (2, 1)
        assert len(smtp.received) == 2

        (leader_mail,) = smtp.to("leader@example.org")
        assert leader_mail.subject == SUBJECT
        person_url = f"http://localhost/people/{ann_id}"
        log_url = f"http://localhost/briefings/new?organisation={council_id}&person={ann_id}"
        text, html = leader_mail.part("plain"), leader_mail.part("html")
        for body in (text, html.replace("&amp;", "&")):
            assert person_url in body
            assert log_url in body
            assert "Leader of the council, Anyshire County Council" in body
            assert "every 30 days" in body
        assert "Last contact: Tuesday 2 February 2027" in text
        assert "Contact due: Thursday 4 March 2027" in text
        assert "/decisions/" not in text

        (digest,) = smtp.to("pa@example.org")
        assert digest.subject == (
            "Your No Surprises digest for Thu 4 Mar: 1 person to keep in touch with"
        )
        digest_text = digest.part("plain")
        assert "== Keep in touch (1) ==" in digest_text
        assert SUBJECT in digest_text
        assert log_url in digest.part("html").replace("&amp;", "&")
        assert not smtp.to("manager@example.org")
        assert not smtp.to("viewer@example.org")
        assert not smtp.to("admin@example.org")

        # Once: later sweeps that day and on the following days send nothing more,
        # although Ann is still overdue.
        for later in (
            SEND_AT + timedelta(minutes=5),
            datetime(2027, 3, 5, 9, 0, tzinfo=UTC),
            datetime(2027, 3, 8, 9, 0, tzinfo=UTC),
        ):
            again = reminders.sweep(later)
            assert (again.claimed, again.sent, again.keep_in_touch) == (0, 0, 0)
        assert len(smtp.received) == 2
        assert len(_kit_rows()) == 2
        stored = {r.message_id for r in _kit_rows(status="sent")}
        assert {str(m.message["Message-ID"]) for m in smtp.received} == stored


@pytest.mark.parametrize(
    ("last_contact", "reminder_day", "send_at"),
    [
        # + 30 days = Sat 6 Mar 2027: the reminder waits for Monday.
        (date(2027, 2, 4), date(2027, 3, 8), datetime(2027, 3, 8, 8, 0, tzinfo=UTC)),
        # + 30 days = Good Friday 26 Mar 2027; Easter Monday is a bank holiday too, and
        # British Summer Time has begun: 08:00 London is 07:00 UTC.
        (date(2027, 2, 24), date(2027, 3, 30), datetime(2027, 3, 30, 7, 0, tzinfo=UTC)),
        # + 30 days = Sat 25 Dec 2027; Mon 27 and Tue 28 Dec are the substitute days.
        (date(2027, 11, 25), date(2027, 12, 29), datetime(2027, 12, 29, 8, 0, tzinfo=UTC)),
    ],
)
def test_reminders_wait_for_a_working_day_at_eight_london(
    mail_app, world, smtp, last_contact, reminder_day, send_at
):
    with mail_app.app_context():
        _keep_in_touch_with_ann(world, london(last_contact))
        # She falls due on a day off: nothing is owed or sent until the next working day.
        day = last_contact + timedelta(days=CADENCE)
        while day < reminder_day:
            summary = reminders.sweep(london(day, 9))
            assert (summary.keep_in_touch, summary.sent) == (0, 0)
            day += timedelta(days=1)
        assert _kit_rows() == []
        created = reminders.sweep(london(reminder_day, 0, 5))
        assert (created.keep_in_touch, created.sent) == (2, 0)
        assert {(r.for_day, r.send_at) for r in _kit_rows()} == {(reminder_day, send_at)}
        assert reminders.sweep(send_at - timedelta(seconds=1)).sent == 0
        assert reminders.sweep(send_at).sent == 2
        assert len(smtp.received) == 2
        assert len(_kit_rows()) == 2


def test_the_pa_digest_lists_keep_in_touch_in_its_own_section(mail_app, world, smtp):
    with mail_app.app_context():
        _keep_in_touch_with_ann(world)
        # Thu 11 Mar, lead time 5: brief Partner 001 by Thu 4 Mar, Ann's due day.
        world.decision("Winter discharge plan", london(date(2027, 3, 11)))
        world.decision("Stroke services", london(date(2027, 3, 11)))
        summary = reminders.sweep(SEND_AT)
        assert summary.keep_in_touch == 2

        (digest,) = smtp.to("pa@example.org")
        assert digest.subject == (
            "Your No Surprises digest for Thu 4 Mar: 2 briefings, 1 person to keep in touch with"
        )
        text = digest.part("plain")
        assert "2 briefings need your attention and 1 key person is due a contact." in text
        assert text.index("== Due today (2) ==") < text.index("== Keep in touch (1) ==")
        assert SUBJECT in text
        html = digest.part("html")
        assert "Keep in touch (1)</h2>" in html
        # The leader wants separate emails: two briefings and one keep-in-touch email.
        subjects = sorted(m.subject for m in smtp.to("leader@example.org"))
        assert len(subjects) == 3
        assert SUBJECT in subjects
        assert len(digest.reminder_ids) == 3


def test_a_leader_who_wants_a_digest_gets_keep_in_touch_in_it(mail_app, world, smtp):
    with mail_app.app_context():
        _keep_in_touch_with_ann(world)
        db.session.get(User, world.leader_id).reminder_delivery = "digest"
        db.session.get(User, world.pa_id).reminder_delivery = "individual"
        db.session.commit()
        reminders.sweep(SEND_AT)
        (leader_mail,) = smtp.to("leader@example.org")
        assert leader_mail.subject.startswith("Your No Surprises digest for Thu 4 Mar")
        (pa_mail,) = smtp.to("pa@example.org")
        assert pa_mail.subject == SUBJECT


def test_a_contact_before_the_send_cancels_it_and_the_next_due_date_reminds_again(
    mail_app, world, smtp
):
    with mail_app.app_context():
        ann = _keep_in_touch_with_ann(world)
        assert reminders.sweep(MIDNIGHT_RUN).keep_in_touch == 2
        # The PA rings her at 07:30 and logs it.
        briefing([ann], occurred_at=london(DUE_DAY, 7, 30), channel="call")
        db.session.commit()
        summary = reminders.sweep(SEND_AT)
        assert (summary.sent, summary.cancelled) == (0, 2)
        assert smtp.received == []
        assert {r.status for r in _kit_rows()} == {"cancelled"}

        # Thu 4 Mar + 30 = Sat 3 Apr 2027: reminded again on Mon 5 Apr (07:00 UTC, BST).
        assert reminders.sweep(datetime(2027, 4, 2, 9, 0, tzinfo=UTC)).keep_in_touch == 0
        next_send = datetime(2027, 4, 5, 7, 0, tzinfo=UTC)
        summary = reminders.sweep(next_send)
        assert (summary.keep_in_touch, summary.sent) == (2, 2)
        (leader_mail,) = smtp.to("leader@example.org")
        assert leader_mail.subject == (
            "Keep in touch: Cllr Ann Smith (every 30 days; last contact Thu 4 Mar)"
        )


def _remove_cadence(world: World, ann: Person) -> None:
    history.set_keep_in_touch(world.leader, ann, None)


def _archive(world: World, ann: Person) -> None:
    people.archive(Actor.job(), ann)


def _disable_leader(world: World, ann: Person) -> None:
    world.leader.is_active = False


def _leader_becomes_viewer(world: World, ann: Person) -> None:
    world.leader.role = "viewer"


@pytest.mark.parametrize(
    ("change", "still_sent_to"),
    [
        (_remove_cadence, set()),
        (_archive, set()),
        (_disable_leader, {"pa@example.org"}),
        (_leader_becomes_viewer, {"pa@example.org"}),
    ],
)
def test_a_reminder_no_longer_owed_at_send_time_is_cancelled(
    mail_app,
    world,
    smtp,
    change: Callable[[World, Person], None],
    still_sent_to: set[str],
):
    with mail_app.app_context():
        ann = _keep_in_touch_with_ann(world)
        assert reminders.sweep(MIDNIGHT_RUN).keep_in_touch == 2
        change(world, ann)
        db.session.commit()
        summary = reminders.sweep(SEND_AT)
        assert summary.sent == len(still_sent_to)
        assert summary.cancelled == 2 - len(still_sent_to)
        assert {to for m in smtp.received for to in m.envelope_to} == still_sent_to


def test_the_daily_pass_is_idempotent_and_revives_a_cancelled_reminder(mail_app, world):
    with mail_app.app_context():
        ann = _keep_in_touch_with_ann(world)
        assert reminders.reconcile_keep_in_touch(MIDNIGHT_RUN).created == 2
        db.session.commit()
        assert reminders.reconcile_keep_in_touch(MIDNIGHT_RUN).created == 0
        # Cadence removed and set again the same day: the cancelled rows come back.
        db.session.execute(update(Reminder).values(status="cancelled"))
        db.session.commit()
        again = reminders.reconcile_keep_in_touch(MIDNIGHT_RUN)
        assert (again.created, again.revived) == (0, 2)
        db.session.commit()
        assert {r.status for r in _kit_rows()} == {"pending"}
        # The PA's own circle is never on their list: the leader they assist gets none
        # of their own reminders about themselves.
        owner = db.session.get(Person, world.owner_person_id)
        owner.keep_in_touch_days, owner.created_at = CADENCE, ADDED
        db.session.commit()
        reminders.reconcile_keep_in_touch(MIDNIGHT_RUN)
        db.session.commit()
        assert {r.person_id for r in _kit_rows()} == {ann.id}


@pytest.fixture
def statements(mail_app) -> Iterator[list[str]]:
    seen: list[str] = []
    with mail_app.app_context():
        engine = db.engine

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def test_without_any_cadence_the_daily_pass_costs_one_query(mail_app, world, statements):
    with mail_app.app_context():
        db.session.execute(select(func.count()).select_from(User))  # connect first
        statements.clear()
        assert reminders.reconcile_keep_in_touch(MIDNIGHT_RUN).created == 0
        assert len(statements) == 1
        assert "EXISTS" in statements[0]


def test_notifications_show_keep_in_touch_and_links_only_open_pages(mail_app, world):
    # The web pages use the real clock, so this contact is in the past (3 Nov 2026).
    with mail_app.app_context():
        ann = _keep_in_touch_with_ann(world, london(date(2026, 11, 3)))
        ann_id, council_id = ann.id, ann.organisation_id
        reminders.reconcile_keep_in_touch(datetime(2026, 12, 3, 0, 5, tzinfo=UTC))
        db.session.execute(
            update(Reminder).values(send_at=datetime.now(UTC) - timedelta(minutes=5), status="sent")
        )
        db.session.commit()
        briefings_before = db.session.scalar(select(func.count()).select_from(Briefing))

    auth = _signed_in(mail_app, "leader@example.org")
    home = auth.client.get("/").get_data(as_text=True)
    assert "Notifications (1)" in home
    page = auth.client.get("/notifications").get_data(as_text=True)
    assert "Keep in touch: Cllr Ann Smith (every 30 days; last contact Tue 3 Nov)" in page
    assert f'href="/people/{ann_id}"' in page
    log_path = f"/briefings/new?organisation={council_id}&amp;person={ann_id}"
    assert log_path in page

    # Following the link opens the form with Ann ticked, and records nothing.
    form = auth.client.get(log_path.replace("&amp;", "&"))
    assert form.status_code == 200
    checked = re.search(rf'<input[^>]*value="{ann_id}"[^>]*>', form.get_data(as_text=True))
    assert checked is not None
    assert "checked" in checked.group(0)
    with mail_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Briefing)) == briefings_before

    token = csrf_token_from(page)
    assert auth.client.post("/notifications/read", data={"csrf_token": token}).status_code == 302
    assert "Notifications (1)" not in auth.client.get("/").get_data(as_text=True)

    # Managers get no keep-in-touch reminders, so see none.
    manager = _signed_in(mail_app, "manager@example.org")
    assert "Cllr Ann Smith" not in manager.client.get("/notifications").get_data(as_text=True)


def test_the_admin_outbox_names_the_person_of_a_failed_keep_in_touch_reminder(mail_app, world):
    with mail_app.app_context():
        _keep_in_touch_with_ann(world)
        reminders.reconcile_keep_in_touch(MIDNIGHT_RUN)
        db.session.execute(update(Reminder).values(status="failed", attempts=5, last_error="nope"))
        db.session.commit()
    page = _signed_in(mail_app, "admin@example.org").client.get("/admin/outbox/")
    assert "Keep in touch: Cllr Ann Smith (every 30 days)" in page.get_data(as_text=True)
