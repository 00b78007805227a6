"""CSRF: every form needs a token; an expired form keeps what the user typed."""

from __future__ import annotations

import pytest

from tests.conftest import AuthActions
from tests.security.helpers import (
    any_csrf_token,
    build_world,
    check_status,
    client_for,
    posting_role,
    snapshot,
)
from tests.security.route_matrix import (
    ANONYMOUS,
    EXCLUDED,
    ROUTES,
    SIGNED_IN_ROLES,
    RouteCase,
)
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


def _post_routes() -> list[RouteCase]:
    return [case for case in ROUTES if case.post is not None and case.auth == "session"]


def _api_write_routes() -> list[RouteCase]:
    return [
        case
        for case in ROUTES
        if case.auth == "bearer" and (case.post is not None or case.patch is not None)
    ]


def test_every_post_route_is_covered(app):
    """Every route that accepts POST or PATCH (from url_map) is in a CSRF test below: the
    token test for cookie-authenticated forms, the cookie-is-not-enough test for the API
    (CSRF-exempt, which is safe only because cookies never authenticate it)."""
    covered = {case.endpoint for case in _post_routes() + _api_write_routes()}
    posting = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if {"POST", "PATCH"} & set(rule.methods or ()) and rule.endpoint not in EXCLUDED
    }
    assert posting <= covered, f"POST routes missing from route_matrix: {posting - covered}"


@pytest.mark.parametrize("case", _api_write_routes(), ids=lambda case: case.endpoint)
def test_api_ignores_the_session_cookie(app, make_user, case: RouteCase):
    """A forged cross-site request carries the victim's cookies but never their bearer
    token: to the API it is anonymous (401), whatever the role, and changes nothing."""
    world = build_world(app, make_user)
    url = case.url(world)
    body = case.json(world) if case.json else None
    for role in SIGNED_IN_ROLES:
        client = client_for(world, role)  # signed in: a session cookie, no token
        for method, declared in (("GET", case.get), ("POST", case.post), ("PATCH", case.patch)):
            if declared is None:
                continue
            before = snapshot(app)
            response = client.open(url, method=method, json=body if method != "GET" else None)
            what = f"{method} {url} with only {role}'s session cookie"
            assert response.status_code == 401, f"{what}: got {response.status_code}"
            assert response.mimetype == "application/json", what
            assert "Bearer" in response.headers.get("WWW-Authenticate", ""), what
            assert snapshot(app) == before, f"{what} changed stored data"


@pytest.mark.parametrize("case", _post_routes(), ids=lambda case: case.endpoint)
@pytest.mark.parametrize("token", ["missing", "forged", "from-another-session"])
def test_post_without_a_valid_token_is_refused_and_changes_nothing(
    app, make_user, case: RouteCase, token: str
):
    world = build_world(app, make_user)
    role = posting_role(case)
    client = client_for(world, role)
    url = case.url(world)
    data = case.form(world) if case.form else {}
    if token == "forged":
        data["csrf_token"] = "forged-" + "x" * 80
    elif token == "from-another-session":
        data["csrf_token"] = any_csrf_token(app.test_client(), ANONYMOUS)
    signed_in_before = client.get("/").status_code
    before = snapshot(app)

    response = client.post(url, data=data)

    assert response.status_code == 400, (
        f"POST {url} as {role} with a {token} CSRF token: expected 400, got {response.status_code}"
    )
    assert snapshot(app) == before, f"POST {url} without a valid token changed stored data"
    assert client.get("/").status_code == signed_in_before, "the sign-in state changed"

    # The same request with a valid token is accepted: the refusal was the token.
    data["csrf_token"] = any_csrf_token(client, role)
    accepted = client.post(url, data=data)
    expected = case.post[role] if case.post else 0
    check_status(accepted, expected, f"POST {url} as {role} with a valid token")
