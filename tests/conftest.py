"""Shared fixtures: `app`, `client`, `runner`, `auth`, `make_user`, and the database matrix.

Every test that uses `app` runs once on SQLite and, when TEST_DATABASE_URL is set, once
more on PostgreSQL. The schema is built once per database; after each test every table
is emptied, so tests never see each other's rows (and tests that start servers or extra
processes see the same committed data as the test itself).
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import text

from tracker import create_app
from tracker.extensions import db, limiter
from tracker.models import Base, Role, User

DEFAULT_PASSWORD = "correct-horse-battery"

_DATABASES = ["sqlite"]
if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
    _DATABASES.append("postgresql")


@pytest.fixture(scope="session", params=_DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    return os.environ["TEST_DATABASE_URL"]


def build_app(database_url: str, **overrides: Any) -> Flask:
    config = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
    }
    config.update(overrides)
    return create_app("test", config)


@pytest.fixture(scope="session")
def _session_app(database_url: str) -> Iterator[Flask]:
    app = build_app(database_url)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            # Start from nothing, whatever an earlier run left behind.
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        Base.metadata.create_all(db.engine)
    yield app
    with app.app_context():
        db.engine.dispose()


def empty_all_tables(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        tables = list(reversed(Base.metadata.sorted_tables))
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Ask once which tables hold rows, then empty only those.
                probe = " UNION ALL ".join(
                    f"SELECT '{table.name}' WHERE EXISTS (SELECT 1 FROM \"{table.name}\")"
                    for table in tables
                )
                used = set(connection.scalars(text(probe)))
                # DELETE beats TRUNCATE for the handful of rows a test leaves behind.
                for table in tables:
                    if table.name in used:
                        connection.execute(table.delete())
            else:
                for table in tables:
                    connection.execute(table.delete())


@pytest.fixture
def app(_session_app: Flask) -> Iterator[Flask]:
    limiter.reset()
    yield _session_app
    empty_all_tables(_session_app)
    limiter.reset()


@pytest.fixture
def make_app(database_url: str, _session_app: Flask) -> Iterator[Callable[..., Flask]]:
    """A separate app on the same database, for tests that need other configuration."""
    made: list[Flask] = []

    def factory(**overrides: Any) -> Flask:
        new_app = build_app(database_url, **overrides)
        made.append(new_app)
        return new_app

    yield factory
    for new_app in made:
        with new_app.app_context():
            db.engine.dispose()
    empty_all_tables(_session_app)
    # The limiter is shared: point it back at the session app's storage.
    limiter.init_app(_session_app)
    limiter.reset()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@dataclass
class UserInfo:
    id: int
    email: str
    display_name: str
    role: str
    password: str


@pytest.fixture
def make_user(app: Flask) -> Callable[..., UserInfo]:
    """Create a user directly in the database and return its plain details."""
    counter = iter(range(1, 10_000))

    def factory(
        role: Role | str = Role.LEADER,
        *,
        email: str | None = None,
        display_name: str | None = None,
        password: str = DEFAULT_PASSWORD,
        is_active: bool = True,
    ) -> UserInfo:
        from tracker.services import users as user_service

        role = Role(role)
        n = next(counter)
        email = email or f"{role.value}{n}@example.org"
        with app.app_context():
            user = user_service.create_user(
                email=email,
                display_name=display_name or f"{role.value.title()} User {n}",
                role=role,
                password=password,
            )
            user.is_active = is_active
            db.session.commit()
            return UserInfo(user.id, user.email, user.display_name, user.role, password)

    return factory


CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class AuthActions:
    """Sign in and out through the real forms, CSRF tokens and all."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def csrf_token(self, path: str = "/sign-in") -> str:
        response = self.client.get(path)
        return csrf_token_from(response.get_data(as_text=True))

    def login(self, email: str, password: str = DEFAULT_PASSWORD, next_url: str | None = None):
        token = self.csrf_token()
        url = "/sign-in" if next_url is None else f"/sign-in?next={next_url}"
        return self.client.post(
            url, data={"email": email, "password": password, "csrf_token": token}
        )

    def login_as(self, user: UserInfo):
        response = self.login(user.email, user.password)
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    def logout(self):
        token = csrf_token_from(self.client.get("/").get_data(as_text=True))
        return self.client.post("/sign-out", data={"csrf_token": token})

    def post(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any):
        """POST a form with a valid CSRF token taken from the form's own page."""
        token = csrf_token_from(self.client.get(path).get_data(as_text=True))
        return self.client.post(path, data={**(data or {}), "csrf_token": token}, **kwargs)


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def db_user(app: Flask) -> Callable[[int], User]:
    """Load a user in a short app context, for assertions on stored state."""

    def load(user_id: int) -> User:
        with app.app_context():
            user = db.session.get(User, user_id)
            assert user is not None
            db.session.expunge(user)
            return user

    return load
