"""The pages around reminders: your account, notifications and the admin outbox."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update

from tests.conftest import AuthActions, csrf_token_from
from tests.reminder_world import PASSWORD, UserInfoLike, london
from tracker.extensions import db
from tracker.models import Decision, Reminder, Role, User
from tracker.services import reminders

EVENT = london(date(2027, 1, 13))
DUE_MORNING = datetime(2027, 1, 6, 8, 0, tzinfo=UTC)
ROLES = [Role.ADMIN, Role.LEADER, Role.PA, Role.MANAGER, Role.VIEWER]


def _signed_in(app, email: str) -> AuthActions:
    auth = AuthActions(app.test_client())
    auth.login_as(UserInfoLike(email, PASSWORD))
    return auth


def _email_for(role: Role) -> str:
    return f"{role.value}@example.org"  # the World's cast, one user per role


# --- authorisation for every new route and role --------------------------------------------

SIGNED_IN_PAGES = ["/account", "/notifications"]
ADMIN_PAGES = ["/admin/outbox/", "/admin/outbox/{id}/retry", "/admin/outbox/{id}/mark-sent"]


@pytest.mark.parametrize("role", ROLES)
def test_every_signed_in_role_has_an_account_and_notifications(mail_app, world, role):
    auth = _signed_in(mail_app, _email_for(role))
    for path in SIGNED_IN_PAGES:
        assert auth.client.get(path).status_code == 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_only_admins_reach_the_outbox(mail_app, world, failed_row, role, path):
    auth = _signed_in(mail_app, _email_for(role))
    url = path.format(id=failed_row)
    expected = 200 if role == Role.ADMIN else 403
    assert auth.client.get(url).status_code == expected
    if role != Role.ADMIN and path != "/admin/outbox/":
        token = csrf_token_from(auth.client.get("/account").get_data(as_text=True))
        assert auth.client.post(url, data={"csrf_token": token}).status_code == 403
        with mail_app.app_context():
            assert db.session.get(Reminder, failed_row).status == "failed"


@pytest.mark.parametrize(
    "path",
    [*SIGNED_IN_PAGES, "/notifications/read", *(p.format(id=1) for p in ADMIN_PAGES)],
)
def test_anonymous_users_are_sent_to_sign_in(mail_app, path):
    client = mail_app.test_client()
    method = client.post if path == "/notifications/read" else client.get
    response = method(path)
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert response.location.startswith("/sign-in")


def test_marking_read_needs_a_post_with_a_csrf_token(mail_app, world):
    auth = _signed_in(mail_app, "pa@example.org")
    assert auth.client.get("/notifications/read").status_code == 405
    assert auth.client.post("/notifications/read").status_code == 400


# --- your account ----------------------------------------------------------------------------


def test_choosing_a_daily_digest_or_separate_emails(mail_app, world):
    auth = _signed_in(mail_app, "leader@example.org")
    page = auth.client.get("/account").get_data(as_text=True)
    assert "How do you want to get reminders?" in page
    assert 'href="/account/password"' in page
    response = auth.post("/account", {"reminder_delivery": "digest"})
    assert response.status_code == 302
    with mail_app.app_context():
        assert db.session.get(User, world.leader_id).reminder_delivery == "digest"
    bad = auth.post("/account", {"reminder_delivery": "carrier-pigeon"})
    assert bad.status_code == 200
    assert "<title>Error: " in bad.get_data(as_text=True)


def test_the_header_links_to_your_account(mail_app, world):
    auth = _signed_in(mail_app, "viewer@example.org")
    page = auth.client.get("/").get_data(as_text=True)
    assert "Your account" in page
    assert 'href="/account"' in page


# --- notifications -------------------------------------------------------------------------


def _make_due(app) -> None:
    """Pretend the sweep ran: move today's rows' send time into the past."""
    with app.app_context():
        db.session.execute(
            update(Reminder)
            .where(Reminder.for_day == DUE_MORNING.date())
            .values(send_at=datetime.now(UTC) - timedelta(minutes=5), status="sent")
        )
        db.session.commit()


def test_notifications_list_due_reminders_with_an_unread_count(mail_app, world):
    with mail_app.app_context():
        decision = world.decision("Winter discharge plan", EVENT)
        decision_id = decision.id
    _make_due(mail_app)
    auth = _signed_in(mail_app, "pa@example.org")
    home = auth.client.get("/").get_data(as_text=True)
    assert "Notifications (1)" in home
    page = auth.client.get("/notifications").get_data(as_text=True)
    assert "Brief Cllr Ann Smith today (Wed 6 Jan): Winter discharge plan" in page
    assert f'href="/decisions/{decision_id}"' in page
    assert f"/briefings/new?decision={decision_id}&amp;person=" in page
    # Future reminders are not shown yet.
    assert "Coming up" not in page
    assert "Overdue" not in page
    token = csrf_token_from(page)
    response = auth.client.post("/notifications/read", data={"csrf_token": token})
    assert response.status_code == 302
    home = auth.client.get("/").get_data(as_text=True)
    assert "Notifications (1)" not in home
    assert re.search(r">\s*Notifications\s*<", home)


def test_notifications_never_mention_decisions_the_user_can_no_longer_see(mail_app, world):
    with mail_app.app_context():
        decision = world.decision("Winter discharge plan", EVENT)
        decision_id = decision.id
        db.session.execute(
            update(Reminder)
            .where(Reminder.recipient_user_id == world.manager_id)
            .values(send_at=datetime.now(UTC) - timedelta(minutes=5), status="sent")
        )
        db.session.commit()
    auth = _signed_in(mail_app, "manager@example.org")
    assert "Notifications (1)" in auth.client.get("/").get_data(as_text=True)
    with mail_app.app_context():
        db.session.execute(
            update(Decision).where(Decision.id == decision_id).values(sensitivity="restricted")
        )
        db.session.commit()
    page = auth.client.get("/notifications").get_data(as_text=True)
    assert "Winter discharge plan" not in page
    assert "Notifications (1)" not in page


def test_the_unread_count_is_one_query(mail_app, world):
    from sqlalchemy import event

    with mail_app.app_context():
        world.decision("Winter discharge plan", EVENT)
        user = db.session.get(User, world.pa_id)
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            reminders.unread_count(user)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert len(statements) == 1
        assert "count(" in statements[0].lower()


# --- the admin outbox ------------------------------------------------------------------------


def test_the_outbox_lists_failed_reminders_and_an_admin_retries_one(mail_app, world, failed_row):
    auth = _signed_in(mail_app, "admin@example.org")
    page = auth.client.get("/admin/outbox/").get_data(as_text=True)
    assert "Lee Leader" in page
    assert "ConnectionRefusedError: nope" in page
    assert "Winter discharge plan" in page
    # The header's Admin page leads to the outbox and says how many need checking.
    assert 'href="/admin/"' in auth.client.get("/").get_data(as_text=True)
    admin_page = auth.client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/outbox/"' in admin_page
    assert "1 reminder needs checking" in admin_page
    confirm = auth.client.get(f"/admin/outbox/{failed_row}/retry")
    assert "Send this reminder again?" in confirm.get_data(as_text=True)
    with mail_app.app_context():
        assert db.session.get(Reminder, failed_row).status == "failed"  # GET changes nothing
    response = auth.post(f"/admin/outbox/{failed_row}/retry")
    assert response.status_code == 302
    with mail_app.app_context():
        row = db.session.get(Reminder, failed_row)
        assert (row.status, row.attempts) == ("pending", 0)
    # Done twice: it no longer needs attention.
    again = auth.post(f"/admin/outbox/{failed_row}/retry")
    assert "no longer needs attention" in again.get_data(as_text=True)


def test_an_admin_marks_a_reminder_as_sent(mail_app, world, failed_row):
    auth = _signed_in(mail_app, "admin@example.org")
    assert auth.post(f"/admin/outbox/{failed_row}/mark-sent").status_code == 302
    with mail_app.app_context():
        assert db.session.get(Reminder, failed_row).status == "sent"
    assert "Nothing needs attention" in auth.client.get("/admin/outbox/").get_data(as_text=True)


def test_an_unknown_reminder_is_a_404(mail_app, world):
    auth = _signed_in(mail_app, "admin@example.org")
    assert auth.client.get("/admin/outbox/999/retry").status_code == 404
