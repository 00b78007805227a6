"""Exactly once, across processes: many sweeps at the same time over the same reminders.

PostgreSQL only (CI sets TEST_DATABASE_URL): each sweep is a separate OS process running
`flask reminders sweep --now …`, as cron or several schedulers would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import UTC, date, datetime

import pytest

from tests.reminder_world import london, make_world, outbox
from tracker.extensions import db

SWEEPS = 6
# 100 partners × (leader + PA) = 200 reminders due at once.
PARTNERS = 100
EVENT = london(date(2027, 1, 13))
DUE_MORNING = datetime(2027, 1, 6, 8, 0, tzinfo=UTC)


@pytest.fixture
def postgresql_app(mail_app, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrent sweeps are proved on PostgreSQL (set TEST_DATABASE_URL)")
    return mail_app


def test_concurrent_sweeps_in_separate_processes_email_each_reminder_exactly_once(
    postgresql_app, database_url, smtp
):
    app = postgresql_app
    with app.app_context():
        world = make_world(partner_count=PARTNERS)
        world.decision("Winter discharge plan", EVENT, partners=PARTNERS)
        due_today = {r.id for r in outbox(for_day=DUE_MORNING.date())}
        assert len(due_today) == 2 * PARTNERS  # the leader's and the PA's
        db.session.remove()

    env = {
        **os.environ,
        "TRACKER_ENV": "test",
        "TEST_DATABASE_URL": database_url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp.port),
        # Small batches, so the sweeps interleave many times.
        "REMINDER_BATCH_SIZE": "15",
    }
    command = [
        sys.executable,
        "-m",
        "flask",
        "--app",
        "app",
        "reminders",
        "sweep",
        "--now",
        DUE_MORNING.isoformat(),
    ]
    processes = [
        subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(SWEEPS)
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    for process, (out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err
        assert "Reminder sweep:" in out

    received = smtp.received
    emailed = Counter(i for message in received for i in message.reminder_ids)
    duplicates = {i: n for i, n in emailed.items() if n > 1}
    assert duplicates == {}
    assert set(emailed) == due_today
    # The leader wants separate emails; the PA gets one digest, never split by a race.
    assert len(smtp.to("leader@example.org")) == PARTNERS
    (digest,) = smtp.to("pa@example.org")
    assert len(digest.reminder_ids) == PARTNERS
    assert len({str(m.message["Message-ID"]) for m in received}) == len(received)

    with app.app_context():
        rows = outbox(for_day=DUE_MORNING.date())
        assert {r.status for r in rows} == {"sent"}
        assert not outbox(status="sending")
        stored_ids = {r.message_id for r in rows}
        assert stored_ids == {str(m.message["Message-ID"]) for m in received}
