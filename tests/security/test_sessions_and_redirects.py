"""Open redirects through `next`, session fixation, and sessions ended by a password change."""

from __future__ import annotations

import pytest

from tests.conftest import AuthActions
from tracker.models import Role

SESSION_COOKIE = "no_surprises_session"

EVIL_NEXT = [
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example",
    "http:evil.example",
    "https:/evil.example",
    "javascript:alert(1)",
    "/\t/evil.example",
    "%2F%2Fevil.example",
    "evil.example",
    "/" + "a" * 3000,
]


def test_next_is_followed_when_safe(auth, make_user):
    user = make_user(Role.ADMIN)
    response = auth.login(user.email, user.password, next_url="/admin/users/")
    assert response.location == "/admin/users/"


@pytest.mark.parametrize("evil", EVIL_NEXT)
def test_next_never_leaves_the_site_at_sign_in(app, make_user, evil):
    user = make_user()
    client = app.test_client()
    page = client.get("/sign-in", query_string={"next": evil}).get_data(as_text=True)
    assert "evil.example" not in page, "the sign-in form carries the unsafe next onwards"
    response = AuthActions(client).login(user.email, user.password, next_url=evil)
    assert response.status_code == 302
    assert response.location == "/", evil


@pytest.mark.parametrize("evil", EVIL_NEXT)
def test_next_never_leaves_the_site_when_signed_in(auth, make_user, evil):
    auth.login_as(make_user())
    response = auth.client.get("/sign-in", query_string={"next": evil})
    assert response.status_code == 302
    assert response.location == "/"


def test_sign_in_redirect_keeps_only_the_path(client):
    response = client.get("/admin/users/")
    assert response.status_code == 302
    assert response.location.startswith("/sign-in?next=")
    assert "//" not in response.location


def test_session_changes_at_sign_in(app, client, auth, make_user):
    user = make_user()
    client.get("/sign-in")
    before = client.get_cookie(SESSION_COOKIE)
    auth.login_as(user)
    after = client.get_cookie(SESSION_COOKIE)
    assert before is not None
    assert after is not None
    assert before.value != after.value
    # A session planted before sign-in (session fixation) is still not signed in.
    planted = app.test_client()
    planted.set_cookie(SESSION_COOKIE, before.value)
    assert planted.get("/").status_code == 302


def test_change_password_ends_other_sessions(app, make_user):
    user = make_user()
    laptop = AuthActions(app.test_client())
    phone = AuthActions(app.test_client())
    laptop.login_as(user)
    phone.login_as(user)
    stolen = phone.client.get_cookie(SESSION_COOKIE)
    assert stolen is not None

    response = laptop.post(
        "/account/password",
        {
            "current_password": user.password,
            "new_password": "a-brand-new-passphrase",
            "confirm_password": "a-brand-new-passphrase",
        },
    )
    assert response.status_code == 302
    assert laptop.client.get("/").status_code == 200  # this session stays signed in
    assert phone.client.get("/").status_code == 302  # the other one is ended
    # A copy of the old session cookie no longer works either.
    replay = app.test_client()
    replay.set_cookie(SESSION_COOKIE, stolen.value)
    assert replay.get("/").status_code == 302
    assert phone.login(user.email, user.password).status_code == 200  # old password refused
    assert phone.login(user.email, "a-brand-new-passphrase").status_code == 302
