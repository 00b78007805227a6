"""Security headers on every kind of response."""

from __future__ import annotations

import re

import pytest

from tests.conftest import AuthActions


def _assert_headers(response):
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    script_src = re.search(r"script-src ([^;]+)", csp).group(1)
    assert "'unsafe-inline'" not in script_src
    assert re.search(r"'nonce-[A-Za-z0-9_-]{20,}'", script_src)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "path", ["/sign-in", "/accessibility", "/healthz", "/no-such-page", "/static/css/app.css"]
)
def test_headers_on_every_response_type(client, path):
    with client.get(path) as response:
        _assert_headers(response)


def test_headers_on_error_and_signed_in_pages(client, make_user):
    AuthActions(client).login_as(make_user())
    _assert_headers(client.get("/"))
    _assert_headers(client.get("/admin/users/"))  # 403
    _assert_headers(client.post("/healthz"))  # 405


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
