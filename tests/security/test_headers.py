"""Security headers on every kind of response."""

from __future__ import annotations

import re

import pytest

from tests.conftest import AuthActions
from tests.security.helpers import (
    CONTENT_TYPES,
    assert_kind,
    assert_no_store,
    assert_security_headers,
    build_world,
    client_for,
)
from tests.security.route_matrix import ROLES, ROUTES, RouteCase


def _first_route_of_kind(kind: str) -> RouteCase:
    return next(case for case in ROUTES if case.kind == kind and case.get is not None)


def _role_that_gets_200(case: RouteCase) -> str:
    assert case.get is not None
    return next(role for role in ROLES if case.get[role] == 200)


def test_every_declared_kind_is_known():
    unknown = {case.kind for case in ROUTES} - set(CONTENT_TYPES)
    assert not unknown, f"route kinds without a content type in CONTENT_TYPES: {unknown}"


@pytest.mark.parametrize("kind", sorted({case.kind for case in ROUTES}))
def test_headers_on_every_kind_of_response(app, make_user, kind):
    """HTML, JSON, and CSV / ICS as soon as such routes are in the matrix."""
    case = _first_route_of_kind(kind)
    world = build_world(app, make_user)
    role = _role_that_gets_200(case)
    url = case.url(world)
    response = client_for(world, role).get(url)
    what = f"GET {url} as {role}"
    assert response.status_code == 200, what
    assert_kind(response, kind, what)
    assert_security_headers(response, what)
    if kind != "json":
        assert_no_store(response, what)


def test_headers_on_static_files(client):
    with client.get("/static/css/app.css") as response:
        assert response.status_code == 200
        assert_security_headers(response, "static file")


def _raise_500(app):
    @app.route("/explode-for-headers")
    def explode():
        raise RuntimeError("boom")

    return app.test_client().get("/explode-for-headers")


ERROR_RESPONSES = {
    400: lambda app: app.test_client().post("/sign-in", data={"email": "x@example.org"}),
    404: lambda app: app.test_client().get("/no-such-page"),
    405: lambda app: app.test_client().post("/healthz"),
    413: lambda app: app.test_client().post("/sign-in", data={"email": "x" * 4096}),
    429: None,  # built in the test: needs the throttle to trip
    500: _raise_500,
}


@pytest.mark.parametrize("status", sorted(ERROR_RESPONSES))
def test_headers_on_error_responses(make_app, make_user, status):
    app = make_app(
        MAX_CONTENT_LENGTH=1024,
        LOGIN_LIMIT_PER_ACCOUNT="1 per hour",
        PROPAGATE_EXCEPTIONS=False,
    )
    request = ERROR_RESPONSES[status]
    if request is None:
        user = make_user()
        auth = AuthActions(app.test_client())
        auth.login(user.email, "wrong-password")
        response = auth.login(user.email, "wrong-password")
    else:
        response = request(app)
    assert response.status_code == status
    assert_security_headers(response, f"{status} page")
    assert_no_store(response, f"{status} page")


def test_headers_on_403(client, make_user):
    AuthActions(client).login_as(make_user())
    response = client.get("/admin/users/")
    assert response.status_code == 403
    assert_security_headers(response, "403 page")


def test_inline_scripts_carry_the_nonce(client):
    response = client.get("/sign-in")
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    body = response.get_data(as_text=True)
    inline_scripts = re.findall(r"<script(?![^>]*\ssrc=)([^>]*)>", body)
    assert inline_scripts, "the NHS template's js-enabled script should be there"
    for attributes in inline_scripts:
        assert f'nonce="{nonce}"' in attributes


def test_nonce_differs_per_response(client):
    first = client.get("/sign-in").headers["Content-Security-Policy"]
    second = client.get("/sign-in").headers["Content-Security-Policy"]
    assert first != second


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers
    secure = client.get("/sign-in", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_pages_are_not_cached(client):
    assert client.get("/sign-in").headers["Cache-Control"] == "no-store"


def test_cookies_are_httponly_and_samesite(client):
    client.get("/sign-in")
    cookie = client.get_cookie("no_surprises_session")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def test_production_cookies_are_secure(make_app, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s" * 48)
    from config import ProductionConfig

    prod = make_app(
        **{
            key: getattr(ProductionConfig, key)
            for key in ("SESSION_COOKIE_SECURE", "SESSION_COOKIE_NAME", "REMEMBER_COOKIE_SECURE")
        }
    )
    response = prod.test_client().get("/sign-in", base_url="https://localhost")
    set_cookie = response.headers["Set-Cookie"]
    assert set_cookie.startswith("__Host-no_surprises_session=")
    assert "Secure" in set_cookie
    assert "HttpOnly" in set_cookie
    assert "SameSite=Lax" in set_cookie
