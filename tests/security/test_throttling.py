"""Sign-in throttling per account and per IP, with the configured storage (Redis in CI)."""

from __future__ import annotations

import os

import pytest

from tests.conftest import AuthActions
from tracker.extensions import limiter


def _attempt(client, email, password, ip):
    token = AuthActions(client).csrf_token()
    return client.post(
        "/sign-in",
        data={"email": email, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": ip},
    )


def test_account_is_throttled_after_repeated_failures(app, make_user):
    user = make_user()
    client = app.test_client()
    # The per-account limit holds even when each attempt comes from another address.
    for n in range(5):
        assert _attempt(client, user.email, "wrong-password", f"10.0.0.{n}").status_code == 200
    response = _attempt(client, user.email, user.password, "10.0.0.99")
    assert response.status_code == 429
    body = response.get_data(as_text=True)
    assert "Too many attempts" in body
    assert "nhsuk-header" in body
    assert "Retry-After" in response.headers

    other = make_user()
    assert _attempt(client, other.email, other.password, "10.0.0.100").status_code == 302


def test_ip_is_throttled_across_accounts(app, make_app):
    throttled = make_app(LOGIN_LIMIT_PER_IP="3 per 5 minutes")
    client = throttled.test_client()
    for n in range(3):
        assert _attempt(client, f"person{n}@example.org", "x", "10.1.1.1").status_code == 200
    assert _attempt(client, "person9@example.org", "x", "10.1.1.1").status_code == 429
    assert _attempt(client, "person9@example.org", "x", "10.1.1.2").status_code == 200


def test_successful_sign_ins_do_not_count(app, make_user):
    user = make_user()
    for _ in range(8):
        client = app.test_client()
        assert _attempt(client, user.email, user.password, "10.2.2.2").status_code == 302


@pytest.mark.skipif(
    not os.environ.get("CI_REQUIRE_SERVICES") and not os.environ.get("RATELIMIT_STORAGE_URI"),
    reason="throttling storage is in-memory outside CI",
)
def test_configured_storage_is_used(app):
    expected = os.environ["RATELIMIT_STORAGE_URI"]
    assert app.config["RATELIMIT_STORAGE_URI"] == expected
    assert expected.startswith("redis://")
    assert limiter.storage.check()  # the Redis server answers
