"""Fixtures for the reminder tests: a real SMTP server and an app that mails to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

import pytest
from flask import Flask

from tests.reminder_world import SmtpServer, World, free_port, london, make_world, outbox
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


@pytest.fixture
def failed_row(mail_app: Flask, world: World) -> int:
    """The leader's reminder due on Wed 6 Jan 2027 (about an event a week later), failed
    after five attempts: what the admin outbox lists."""
    with mail_app.app_context():
        world.decision("Winter discharge plan", london(date(2027, 1, 13)))
        due_day = datetime(2027, 1, 6, 8, 0, tzinfo=UTC).date()
        row = outbox(for_day=due_day, recipient_user_id=world.leader_id)[0]
        row.status, row.attempts, row.last_error = "failed", 5, "ConnectionRefusedError: nope"
        db.session.commit()
        return row.id
