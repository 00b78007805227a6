"""Sign in, sign out, throttling, sessions and passwords."""

from __future__ import annotations

from argon2 import PasswordHasher

from tests.conftest import AuthActions, csrf_token_from
from tracker.extensions import db
from tracker.models import Role, User
from tracker.web.auth import SIGN_IN_FAILED


def test_home_needs_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.location.startswith("/sign-in?next=")


def test_sign_in_and_out(client, auth, make_user):
    user = make_user(Role.LEADER, display_name="Ann Smith")
    response = auth.login(user.email, user.password)
    assert response.status_code == 302
    assert response.location == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Hello, Ann Smith" in page
    response = auth.logout()
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_email_is_case_insensitive(auth, make_user):
    user = make_user(email="ann.smith@example.org")
    assert auth.login("  Ann.Smith@Example.org ", user.password).status_code == 302


def test_wrong_password_and_unknown_email_give_the_same_message(client, auth, make_user):
    user = make_user()
    wrong_password = auth.login(user.email, "not-the-password")
    unknown_email = auth.login("nobody@example.org", "not-the-password")
    for response in (wrong_password, unknown_email):
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        assert SIGN_IN_FAILED in body
        assert "<title>Error: Sign in" in body
        assert "nhsuk-error-summary" in body
    assert "nobody@example.org" in unknown_email.get_data(as_text=True)  # input kept


def test_empty_sign_in_form_shows_errors(auth):
    response = auth.client.post("/sign-in", data={"csrf_token": auth.csrf_token()})
    body = response.get_data(as_text=True)
    assert "Enter your email address" in body
    assert 'href="#email"' in body
    assert 'href="#password"' in body


def test_disabled_user_cannot_sign_in(auth, make_user):
    user = make_user(is_active=False)
    response = auth.login(user.email, user.password)
    assert response.status_code == 200
    assert SIGN_IN_FAILED in response.get_data(as_text=True)


def test_disabling_a_user_ends_their_session(app, make_user):
    admin = make_user(Role.ADMIN)
    victim = make_user(Role.LEADER)
    victim_client = app.test_client()
    AuthActions(victim_client).login_as(victim)
    assert victim_client.get("/").status_code == 200

    admin_auth = AuthActions(app.test_client())
    admin_auth.login_as(admin)
    response = admin_auth.post(f"/admin/users/{victim.id}/disable")
    assert response.status_code == 302

    assert victim_client.get("/").status_code == 302


def test_password_is_rehashed_when_parameters_change(app, auth, make_user):
    user = make_user()
    old_style = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1).hash(user.password)
    with app.app_context():
        db.session.get(User, user.id).password_hash = old_style
        db.session.commit()
    auth.login_as(user)
    with app.app_context():
        stored = db.session.get(User, user.id).password_hash
    assert stored != old_style
    assert stored.startswith("$argon2id$")
    assert "m=1024,t=1,p=1" in stored


def test_change_password_errors_keep_the_form(auth, make_user):
    user = make_user()
    auth.login_as(user)
    response = auth.post(
        "/account/password",
        {
            "current_password": "wrong-password-here",
            "new_password": "a-brand-new-passphrase",
            "confirm_password": "a-brand-new-passphrase",
        },
    )
    body = response.get_data(as_text=True)
    assert "Your current password is not right" in body
    assert body.count("<title>Error: ") == 1

    response = auth.post(
        "/account/password",
        {"current_password": user.password, "new_password": "short", "confirm_password": "x"},
    )
    body = response.get_data(as_text=True)
    assert "Password must be between 12" in body
    assert "The passwords do not match" in body


def test_sign_out_needs_a_post(client, auth, make_user):
    auth.login_as(make_user())
    response = client.get("/sign-out")
    assert response.status_code == 200
    assert "Sign out of No Surprises" in response.get_data(as_text=True)
    assert client.get("/").status_code == 200  # a GET changed nothing
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    assert client.post("/sign-out", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302
