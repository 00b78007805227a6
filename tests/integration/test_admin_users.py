"""Admins manage users; nobody else can."""

from __future__ import annotations

import pytest

from tests.conftest import AuthActions
from tracker.extensions import db
from tracker.models import Role, User

ADMIN_PATHS = [
    "/admin/users/",
    "/admin/users/new",
    "/admin/users/{id}/edit",
    "/admin/users/{id}/password",
    "/admin/users/{id}/disable",
    "/admin/users/{id}/enable",
]


@pytest.mark.parametrize("role", [Role.LEADER, Role.PA, Role.MANAGER, Role.VIEWER])
@pytest.mark.parametrize("path", ADMIN_PATHS)
def test_only_admins_reach_user_admin(app, make_user, role, path):
    target = make_user(Role.VIEWER)
    auth = AuthActions(app.test_client())
    auth.login_as(make_user(role))
    url = path.format(id=target.id)
    assert auth.client.get(url).status_code == 403
    # Even with a valid CSRF token, the POST is refused by role.
    expected = 405 if path == "/admin/users/" else 403
    assert (
        auth.post(url, {"role": "admin", "display_name": "X", "email": "x@example.org"}).status_code
        == expected
    )
    with app.app_context():
        assert db.session.get(User, target.id).is_active


@pytest.mark.parametrize("path", ADMIN_PATHS)
def test_anonymous_is_sent_to_sign_in(client, make_user, path):
    target = make_user()
    response = client.get(path.format(id=target.id))
    assert response.status_code == 302
    assert response.location.startswith("/sign-in")


@pytest.fixture
def admin(app, make_user):
    admin = make_user(Role.ADMIN, display_name="Alex Admin")
    auth = AuthActions(app.test_client())
    auth.login_as(admin)
    return auth


def test_admin_creates_a_user_who_can_sign_in(app, admin):
    response = admin.post(
        "/admin/users/new",
        {
            "display_name": "Pat Assistant",
            "email": "Pat@Example.org",
            "role": "pa",
            "new_password": "pat-password-123",
            "confirm_password": "pat-password-123",
        },
    )
    assert response.status_code == 302
    listing = admin.client.get("/admin/users/").get_data(as_text=True)
    assert "Pat Assistant" in listing
    assert "pat@example.org" in listing
    assert (
        AuthActions(app.test_client()).login("pat@example.org", "pat-password-123").status_code
        == 302
    )


def test_duplicate_email_is_refused_with_input_kept(admin, make_user):
    existing = make_user(email="taken@example.org")
    response = admin.post(
        "/admin/users/new",
        {
            "display_name": "Someone Else",
            "email": existing.email.upper(),
            "role": "viewer",
            "new_password": "another-password-1",
            "confirm_password": "another-password-1",
        },
    )
    body = response.get_data(as_text=True)
    assert "A user with this email address already exists" in body
    assert 'value="Someone Else"' in body
    assert 'href="#email"' in body


def test_invalid_new_user_form(admin):
    response = admin.post("/admin/users/new", {"email": "bob@", "role": "emperor"})
    body = response.get_data(as_text=True)
    assert "<title>Error: Add a user" in body
    assert "Enter the user&#39;s full name" in body
    assert "Enter an email address in the correct format" in body
    assert 'value="bob@"' in body
    assert "Not a valid choice" in body or "Select a role" in body


def test_admin_edits_role_and_name(app, admin, make_user):
    user = make_user(Role.VIEWER)
    response = admin.post(
        f"/admin/users/{user.id}/edit",
        {"display_name": "New Name", "email": user.email, "role": "manager", "is_active": "y"},
    )
    assert response.status_code == 302
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert (stored.display_name, stored.role, stored.is_active) == ("New Name", "manager", True)


def test_edit_form_can_disable(app, admin, make_user):
    user = make_user(Role.VIEWER)
    admin.post(
        f"/admin/users/{user.id}/edit",
        {"display_name": user.display_name, "email": user.email, "role": "viewer"},
    )
    with app.app_context():
        assert not db.session.get(User, user.id).is_active


def test_disable_and_enable(app, admin, make_user):
    user = make_user()
    page = admin.client.get(f"/admin/users/{user.id}/disable").get_data(as_text=True)
    assert "Disable" in page
    assert user.display_name in page
    assert admin.post(f"/admin/users/{user.id}/disable").status_code == 302
    assert AuthActions(app.test_client()).login(user.email, user.password).status_code == 200
    assert admin.post(f"/admin/users/{user.id}/enable").status_code == 302
    assert AuthActions(app.test_client()).login(user.email, user.password).status_code == 302


def test_admin_cannot_remove_the_last_admin(app, admin):
    with app.app_context():
        admin_id = db.session.query(User).filter_by(role="admin").one().id
    response = admin.post(
        f"/admin/users/{admin_id}/edit",
        {
            "display_name": "Alex Admin",
            "email": "admin1@example.org",
            "role": "viewer",
            "is_active": "y",
        },
    )
    assert "at least one active admin" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, admin_id).role == "admin"


def test_admin_cannot_disable_themselves(app, admin, make_user):
    make_user(Role.ADMIN)  # so the last-admin rule is not what stops it
    with app.app_context():
        me = db.session.query(User).filter_by(display_name="Alex Admin").one().id
    response = admin.post(f"/admin/users/{me}/disable")
    assert "You cannot disable your own account" in response.get_data(as_text=True)


def test_reset_password_ends_sessions_and_sets_new_password(app, admin, make_user):
    user = make_user()
    theirs = AuthActions(app.test_client())
    theirs.login_as(user)
    response = admin.post(
        f"/admin/users/{user.id}/password",
        {"new_password": "reset-password-99", "confirm_password": "reset-password-99"},
    )
    assert response.status_code == 302
    assert theirs.client.get("/").status_code == 302
    assert theirs.login(user.email, "reset-password-99").status_code == 302


def test_unknown_user_is_404(admin):
    assert admin.client.get("/admin/users/9999/edit").status_code == 404


# --- the service refuses by itself, whoever calls it -------------------------------------


@pytest.mark.parametrize("role", [Role.LEADER, Role.PA, Role.MANAGER, Role.VIEWER])
def test_the_users_service_refuses_everyone_but_admins(app, make_user, role):
    from tracker.domain.errors import Forbidden
    from tracker.services import users as user_service

    target = make_user(Role.VIEWER, display_name="Tess Target")
    target_id = target.id
    acting_id = make_user(role).id
    with app.app_context():
        acting = db.session.get(User, acting_id)
        target = db.session.get(User, target_id)
        refused = [
            lambda: user_service.list_users(acting),
            lambda: user_service.get_user(acting, target_id),
            lambda: user_service.add_user(
                acting,
                email="new@example.org",
                display_name="New",
                role="admin",
                password="a-long-enough-password",
            ),
            lambda: user_service.update_user(
                acting,
                target,
                email=target.email,
                display_name="Renamed",
                role="admin",
                is_active=True,
            ),
            lambda: user_service.set_active(acting, target, is_active=False),
            lambda: user_service.reset_password(acting, target, "another-long-password"),
        ]
        for call in refused:
            with pytest.raises(Forbidden):
                call()
        db.session.rollback()
        target = db.session.get(User, target_id)
        assert (target.role, target.display_name, target.is_active) == (
            "viewer",
            "Tess Target",
            True,
        )
        assert target.session_version == 1  # no session was ended either
        assert user_service.get_by_email("new@example.org") is None


def test_the_users_service_serves_admins_and_says_not_found(app, make_user):
    from tracker.domain.errors import NotFound
    from tracker.services import users as user_service

    admin_id = make_user(Role.ADMIN).id
    target_id = make_user(Role.VIEWER).id
    with app.app_context():
        admin = db.session.get(User, admin_id)
        assert user_service.get_user(admin, target_id).id == target_id
        with pytest.raises(NotFound):
            user_service.get_user(admin, 9999)
        user_service.set_active(admin, user_service.get_user(admin, target_id), is_active=False)
        assert db.session.get(User, target_id).is_active is False
        db.session.rollback()
