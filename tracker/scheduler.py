"""The scheduler process: APScheduler 3.x as a clock that runs the reminder sweep.

Reminders are rows, not scheduler jobs: the only job here is "sweep every minute", and
the sweep's atomic claims make it safe to run this process more than once. It is started
by `flask scheduler` (and by `flask dev` beside the web server), never inside a web
worker or `create_app`.
"""

from __future__ import annotations

import logging
import signal
import threading
from datetime import datetime
from types import FrameType

from apscheduler.events import EVENT_SCHEDULER_STARTED
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from tracker.domain.localtime import LONDON

log = logging.getLogger(__name__)

SWEEP_JOB_ID = "reminders-sweep"


def run_sweep(app: Flask) -> None:
    """One sweep in its own app context (its own session and transactions)."""
    from tracker.services import reminders

    with app.app_context():
        try:
            summary = reminders.sweep()
        except Exception:
            # Logged, not raised: the next minute's run tries again from the rows.
            log.exception("Reminder sweep failed")
            return
        if summary.claimed or summary.needs_check or summary.reconciled:
            log.info("Reminder sweep: %s", summary.as_text())


def build_scheduler(
    app: Flask, interval_seconds: int = 60
) -> tuple[BlockingScheduler, ThreadPoolExecutor]:
    # One worker thread: there is only one job and it never overlaps itself.
    executor = ThreadPoolExecutor(max_workers=1)
    scheduler = BlockingScheduler(timezone=LONDON, executors={"default": executor})
    scheduler.add_job(
        run_sweep,
        "interval",
        seconds=interval_seconds,
        args=[app],
        id=SWEEP_JOB_ID,
        # A late or overlapping run is folded into one; never two sweeps from here.
        coalesce=True,
        max_instances=1,
        misfire_grace_time=interval_seconds,
        # Start at once, so `make run` delivers what is due without waiting a minute.
        next_run_time=datetime.now(LONDON),
    )
    return scheduler, executor


def run(app: Flask, interval_seconds: int = 60) -> None:
    """Block until SIGINT or SIGTERM, then let a running sweep finish and stop."""
    scheduler, executor = build_scheduler(app, interval_seconds)
    stopping = threading.Event()

    def stop_if_asked(_event: object = None) -> None:
        if stopping.is_set() and scheduler.running:
            # wait=False: called on the main thread, which is the scheduler's own loop; the
            # running sweep's thread is joined below.
            scheduler.shutdown(wait=False)

    def stop(signum: int, _frame: FrameType | None) -> None:
        log.info("Scheduler stopping (%s)", signal.Signals(signum).name)
        stopping.set()
        # A signal before the scheduler runs is acted on as soon as it has started.
        stop_if_asked()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    scheduler.add_listener(stop_if_asked, EVENT_SCHEDULER_STARTED)
    scheduler.add_listener(
        lambda _event: log.info(
            "Scheduler started: reminder sweep every %s seconds", interval_seconds
        ),
        EVENT_SCHEDULER_STARTED,
    )
    if not stopping.is_set():
        scheduler.start()
    # The worker thread may still be in a sweep; let it finish its batch and commit.
    executor.shutdown(wait=True)
    log.info("Scheduler stopped")
