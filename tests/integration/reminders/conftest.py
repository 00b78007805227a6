"""Fixtures for the reminder tests: a real SMTP server and an app that mails to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from tests.reminder_world import SmtpServer, World, free_port, make_world
from tracker.extensions import db


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_app(make_app: Callable[..., Flask], smtp: SmtpServer) -> Flask:
    """The app, on the test database, sending through the `smtp` server."""
    return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_TIMEOUT=5)


@pytest.fixture
def world(mail_app: Flask) -> World:
    with mail_app.app_context():
        created = make_world()
        db.session.remove()
    return created
