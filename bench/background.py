"""Background work at national scale, timed in-process on a scratch copy of the database.

The copy keeps the national data set untouched for the next run: a file copy on SQLite,
`CREATE DATABASE … TEMPLATE` on PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import shutil
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from datetime import time as clock
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bench.targets import app_for

DUE_COUNT = 1_000
IMPORT_ROWS = 10_000


@contextmanager
def scratch_copy(database_url: str) -> Iterator[str]:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        source = url.database or ""
        target = f"{source}.scratch"
        for suffix in ("", "-wal", "-shm"):
            try:
                shutil.copyfile(source + suffix, target + suffix)
            except FileNotFoundError:
                continue
        try:
            yield url.set(database=target).render_as_string(hide_password=False)
        finally:
            for suffix in ("", "-wal", "-shm"):
                try:
                    Path(target + suffix).unlink()
                except FileNotFoundError:
                    continue
        return
    name = f"bench_scratch_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    # The benchmark's gunicorn workers may take a moment to close their connections, and
    # PostgreSQL copies a template only when nobody else is connected: try for a while.
    for attempt in range(30):
        try:
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{url.database}"'))
            break
        except OperationalError:
            if attempt == 29:
                raise
            time.sleep(1)
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class _Counter:
    def __init__(self) -> None:
        self.messages = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages += 1
        return "250 OK"


def _timed(work: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def _step(text: str) -> None:
    print(f"  background: {text}", flush=True)


def _london(day: date, at: clock) -> datetime:
    from tracker.domain.localtime import local_to_utc

    return local_to_utc(day, at)


def _busy_day(today: date, minimum: int) -> date | None:
    """A coming working day with at least `minimum` reminders waiting."""
    from sqlalchemy import func, select

    from tracker.extensions import db
    from tracker.models import Reminder

    rows = db.session.execute(
        select(Reminder.for_day, func.count())
        .where(Reminder.status == "pending", Reminder.for_day > today)
        .group_by(Reminder.for_day)
        .order_by(Reminder.for_day)
    ).all()
    return next((day for day, count in rows if count >= minimum), None)


def _keep_only(day: date, count: int) -> None:
    """Leave exactly `count` reminders due on `day`, each sent as its own email."""
    from sqlalchemy import select, update

    from tracker.extensions import db
    from tracker.models import Reminder, User

    keep = list(
        db.session.scalars(
            select(Reminder.id)
            .where(Reminder.status == "pending", Reminder.for_day == day)
            .order_by(Reminder.id)
            .limit(count)
        )
    )
    db.session.execute(
        update(Reminder)
        .where(Reminder.status == "pending", Reminder.for_day == day, Reminder.id.not_in(keep))
        .values(status="cancelled")
    )
    db.session.execute(update(User).values(reminder_delivery="individual"))
    db.session.commit()


def _daily_done(day: date, at: datetime) -> None:
    """Record `day`'s daily reconcile as done, so the timed sweeps measure the sweep."""
    from tracker.extensions import db
    from tracker.models import SweepState
    from tracker.services.reminders import DAILY_JOB

    state = db.session.get(SweepState, DAILY_JOB)
    if state is None:
        state = SweepState(name=DAILY_JOB)
        db.session.add(state)
    state.started_day = state.completed_day = day
    state.started_at = state.completed_at = at
    db.session.commit()


def _reconcile_batch(now: datetime, count: int) -> int:
    """Reconcile the first `count` open requirements of future events (one daily batch)."""
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.models import BriefingRequirement, Decision
    from tracker.services import reminders

    requirements = list(
        db.session.scalars(
            select(BriefingRequirement)
            .join(Decision, Decision.id == BriefingRequirement.decision_id)
            .where(BriefingRequirement.status == "pending", Decision.event_at > now)
            .order_by(BriefingRequirement.id)
            .limit(count)
        )
    )
    reminders.recompute_for_requirements(requirements, now)
    db.session.commit()
    return len(requirements)


def _people_csv(organisations: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Full name", "Organisation", "Job title", "Email", "Influence", "Interest"])
    for n in range(IMPORT_ROWS):
        writer.writerow(
            [
                f"Bench Import Person {n}",
                organisations[n % len(organisations)],
                "Director",
                f"bench.import.{n}@example.org",
                n % 5 + 1,
                (n * 7) % 5 + 1,
            ]
        )
    return out.getvalue().encode()


def measure(env: dict[str, str]) -> dict[str, float]:
    from aiosmtpd.controller import Controller
    from sqlalchemy import select

    from tracker.domain.periods import period_for
    from tracker.extensions import db
    from tracker.models import Organisation, User
    from tracker.services import compliance, csv_import, reminders
    from tracker.services.actor import Actor
    from tracker.services.calendar import today_london
    from tracker.web.insight import compliance_csv

    results: dict[str, float] = {}
    counter = _Counter()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    smtp = Controller(counter, hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        with scratch_copy(env["DATABASE_URL"]) as url:
            mail = {
                "MAIL_SERVER": "127.0.0.1",
                "MAIL_PORT": smtp.server.sockets[0].getsockname()[1],
            }
            app = app_for({**env, "DATABASE_URL": url}, **mail)
            quiet = app_for({**env, "DATABASE_URL": url}, MAIL_SUPPRESS_SEND=True, **mail)
            with app.app_context():
                today = today_london()
                now = _london(today, clock(12))
                # The first sweep of the day reconciles every open requirement of a future
                # event. At national scale that takes many minutes (see README: every
                # active manager is owed an escalation for every overdue requirement), so
                # one batch is timed and each day's reconcile is marked done instead.
                _step("reconciling one batch of requirements")
                results["reconcile_200_requirements_s"], _ = _timed(
                    lambda: _reconcile_batch(now, 200)
                )
                _daily_done(today, now)
                reminders.sweep(now)
                _step("sweep with none due")
                results["sweep_none_due_s"], _ = _timed(lambda: reminders.sweep(now))
                _step("finding days with 1,000 reminders due")
                first = _busy_day(today, DUE_COUNT)
                second = _busy_day(first, DUE_COUNT) if first else None
            if first is not None:
                _step("sweep with 1,000 due")
                with quiet.app_context():
                    _daily_done(first, _london(first, clock(7)))
                    _keep_only(first, DUE_COUNT)
                    results["sweep_1000_due_s"], _ = _timed(
                        lambda: reminders.sweep(_london(first, clock(8)))
                    )
            if second is not None:
                _step("1,000 emails")
                with app.app_context():
                    _daily_done(second, _london(second, clock(7)))
                    _keep_only(second, DUE_COUNT)
                    before = counter.messages
                    results["send_1000_emails_s"], _ = _timed(
                        lambda: reminders.sweep(_london(second, clock(8)))
                    )
                    results["emails_received"] = float(counter.messages - before)
            with app.app_context():
                organisations = list(db.session.scalars(select(Organisation.name).limit(200)))
                content = _people_csv(organisations)

                def run_import() -> Any:
                    plan = csv_import.plan_import("people", content)
                    result = csv_import.apply_plan(Actor.job(), plan)
                    db.session.commit()
                    return result

                _step("importing 10,000 people")
                results["import_10000_people_s"], _ = _timed(run_import)
                manager = db.session.scalar(select(User).where(User.email == "manager@example.org"))
                period = period_for("year", today)
                _step("a year's compliance export")
                results["compliance_year_export_s"], _ = _timed(
                    lambda: compliance_csv(compliance.report(manager, period, today), period)
                )
            for flask_app in (app, quiet):
                with flask_app.app_context():
                    db.engine.dispose()
    finally:
        smtp.stop()
    return results
