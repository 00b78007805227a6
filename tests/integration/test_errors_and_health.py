"""NHS-style error pages and the health check."""

from __future__ import annotations

import pytest

from tests.conftest import AuthActions
from tracker.models import Role


def _is_nhs_page(body: str) -> bool:
    return "nhsuk-header" in body and "nhsuk-footer" in body and "Skip to main content" in body


def test_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert _is_nhs_page(body)
    assert "<h1>Page not found</h1>" in body


def test_403_for_the_wrong_role(client, make_user):
    AuthActions(client).login_as(make_user(Role.VIEWER))
    response = client.get("/admin/users/")
    assert response.status_code == 403
    assert "You do not have permission" in response.get_data(as_text=True)


def test_405(client):
    response = client.post("/healthz")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert _is_nhs_page(response.get_data(as_text=True))


def test_413(make_app):
    small = make_app(MAX_CONTENT_LENGTH=1024)
    response = small.test_client().post("/sign-in", data={"email": "x" * 5000})
    assert response.status_code == 413
    body = response.get_data(as_text=True)
    assert "too large" in body
    assert _is_nhs_page(body)


def test_429_page(make_app, make_user):
    tight = make_app(LOGIN_LIMIT_PER_ACCOUNT="1 per hour")
    user = make_user()
    client = tight.test_client()
    auth = AuthActions(client)
    auth.login(user.email, "wrong-password")
    response = auth.login(user.email, "wrong-password")
    assert response.status_code == 429
    body = response.get_data(as_text=True)
    assert "Too many attempts" in body
    assert _is_nhs_page(body)


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_a_broken_database(make_app, tmp_path):
    broken = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/dir/db.sqlite")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error"


@pytest.mark.parametrize("path", ["/accessibility", "/sign-in"])
def test_public_pages(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert _is_nhs_page(response.get_data(as_text=True))


def test_accessibility_statement_is_linked_from_the_footer(client):
    body = client.get("/sign-in").get_data(as_text=True)
    assert 'href="/accessibility"' in body
    statement = client.get("/accessibility").get_data(as_text=True)
    assert "Accessibility statement for No Surprises" in statement
    assert "Enforcement procedure" in statement
