"""Error pages with DEBUG off: no stack traces, no secrets, the NHS page for every status."""

from __future__ import annotations

import pytest
from flask import abort

from tests.conftest import AuthActions
from tracker.models import Role
from tracker.web.errors import PAGES

SECRET = "secret-database-password=hunter2"
LEAK_SIGNS = ["Traceback", 'File "', "werkzeug", "RuntimeError", "sqlalchemy", "jinja2"]


@pytest.fixture
def production_like(make_app, tmp_path):
    """An app as production runs it: DEBUG off, exceptions handled, a real secret key."""
    app = make_app(
        DEBUG=False,
        PROPAGATE_EXCEPTIONS=False,
        TESTING=False,
        SECRET_KEY="not-the-test-key-" + "k" * 40,
        MAX_CONTENT_LENGTH=1024,
        LOGIN_LIMIT_PER_ACCOUNT="1 per hour",
    )

    @app.route("/explode")
    def explode():
        raise RuntimeError(SECRET)

    @app.route("/bad-request")
    def bad_request():
        abort(400, description=SECRET)

    return app


def _requests(app, make_user):
    viewer = make_user(Role.VIEWER)
    client = app.test_client()
    AuthActions(client).login_as(viewer)
    throttled = AuthActions(app.test_client())
    throttled.login(viewer.email, "wrong-password")
    return {
        400: lambda: client.get("/bad-request"),
        403: lambda: client.get("/admin/users/"),
        404: lambda: client.get("/no-such-page"),
        405: lambda: client.post("/healthz"),
        413: lambda: client.post("/account/password", data={"current_password": "x" * 4096}),
        429: lambda: throttled.login(viewer.email, "wrong-password"),
        500: lambda: client.get("/explode"),
    }


def test_every_error_page_is_tested():
    assert set(PAGES) == {400, 403, 404, 405, 413, 429, 500}


@pytest.mark.parametrize("status", sorted(PAGES))
def test_error_pages_hide_details(production_like, make_user, status):
    app = production_like
    response = _requests(app, make_user)[status]()
    assert response.status_code == status
    body = response.get_data(as_text=True)
    assert f"<h1>{PAGES[status].title}</h1>" in body
    assert "nhsuk-header" in body
    assert "nhsuk-footer" in body
    assert SECRET not in body
    assert "hunter2" not in body
    assert app.config["SECRET_KEY"] not in body
    assert app.config["SQLALCHEMY_DATABASE_URI"] not in body
    for sign in LEAK_SIGNS:
        assert sign not in body, f"{status} page shows {sign!r}"
    assert "Server" not in response.headers or "Werkzeug" not in response.headers["Server"]


def test_the_debugger_is_off_outside_development():
    from config import ProductionConfig, TestConfig

    assert not getattr(ProductionConfig, "DEBUG", False)
    assert not getattr(TestConfig, "DEBUG", False)
