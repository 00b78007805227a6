"""CSRF: every form needs a token; an expired form keeps what the user typed."""

from __future__ import annotations

from tests.conftest import AuthActions
from tracker.extensions import db
from tracker.models import Role, User
from tracker.web.forms import EXPIRED_MESSAGE


def test_sign_in_without_token_is_refused_but_keeps_input(client, make_user):
    user = make_user()
    response = client.post("/sign-in", data={"email": user.email, "password": user.password})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert EXPIRED_MESSAGE in body
    assert f'value="{user.email}"' in body
    assert "<title>Error: Sign in" in body
    assert client.get("/").status_code == 302  # not signed in


def test_forged_admin_form_changes_nothing(app, make_user):
    admin = make_user(Role.ADMIN)
    client = app.test_client()
    AuthActions(client).login_as(admin)
    response = client.post(
        "/admin/users/new",
        data={
            "display_name": "Mallory",
            "email": "mallory@example.org",
            "role": "admin",
            "new_password": "mallory-password-1",
            "confirm_password": "mallory-password-1",
            "csrf_token": "forged",
        },
    )
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert EXPIRED_MESSAGE in body
    assert 'value="mallory@example.org"' in body
    with app.app_context():
        assert db.session.query(User).filter_by(email="mallory@example.org").count() == 0


def test_forged_disable_changes_nothing(app, make_user):
    admin = make_user(Role.ADMIN)
    target = make_user(Role.LEADER)
    client = app.test_client()
    AuthActions(client).login_as(admin)
    response = client.post(f"/admin/users/{target.id}/disable", data={})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(User, target.id).is_active


def test_forged_sign_out_does_not_sign_out(client, make_user):
    AuthActions(client).login_as(make_user())
    response = client.post("/sign-out", data={})
    assert response.status_code == 400
    assert client.get("/").status_code == 200


def test_expired_token_is_explained(make_app, make_user):
    short = make_app(WTF_CSRF_TIME_LIMIT=-1)
    user = make_user()
    client = short.test_client()
    auth = AuthActions(client)
    token = auth.csrf_token()
    response = client.post(
        "/sign-in", data={"email": user.email, "password": user.password, "csrf_token": token}
    )
    assert response.status_code == 400
    assert EXPIRED_MESSAGE in response.get_data(as_text=True)
