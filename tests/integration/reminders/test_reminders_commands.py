"""flask reminders sweep, flask scheduler (a real process) and the scheduler's job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date

from tests.reminder_world import london
from tracker.scheduler import SWEEP_JOB_ID, build_scheduler

EVENT = london(date(2027, 1, 13))


def test_sweep_command_sends_what_is_due_at_the_given_time(mail_app, world, smtp):
    with mail_app.app_context():
        world.decision("Winter discharge plan", EVENT)
    runner = mail_app.test_cli_runner()
    result = runner.invoke(args=["reminders", "sweep", "--now", "2027-01-06T08:00:00Z"])
    assert result.exit_code == 0, result.output
    assert "sent 2 (in 1 digests)" in result.output
    again = runner.invoke(args=["reminders", "sweep", "--now", "2027-01-06T08:01:00Z"])
    assert "claimed 0, sent 0" in again.output
    assert len(smtp.received) == 2


def test_sweep_command_refuses_a_time_without_an_offset(mail_app):
    result = mail_app.test_cli_runner().invoke(
        args=["reminders", "sweep", "--now", "2027-01-06T08:00:00"]
    )
    assert result.exit_code != 0
    assert "needs a UTC offset" in result.output


def test_the_scheduler_job_is_one_coalesced_sweep_a_minute_in_london_time(mail_app):
    scheduler, _executor = build_scheduler(mail_app)
    (job,) = scheduler.get_jobs()
    assert job.id == SWEEP_JOB_ID
    assert job.coalesce is True
    assert job.max_instances == 1
    assert job.trigger.interval.total_seconds() == 60
    assert str(scheduler.timezone) == "Europe/London"


def test_the_scheduler_process_sweeps_and_stops_cleanly_on_sigterm(mail_app, database_url, smtp):
    env = {
        **os.environ,
        "TRACKER_ENV": "test",
        "TEST_DATABASE_URL": database_url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp.port),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "scheduler", "--interval", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        output = ""
        assert process.stdout is not None
        while "Scheduler started" not in output and time.monotonic() < deadline:
            output += process.stdout.readline()
        assert "Scheduler started" in output
        time.sleep(0.3)  # let the first, immediate sweep run
        process.send_signal(signal.SIGTERM)
        rest, _ = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, output + rest
    assert "Scheduler stopped" in rest
    assert "Traceback" not in output + rest


def test_flask_dev_runs_web_and_scheduler_and_ctrl_c_stops_both(mail_app, database_url, smtp):
    import urllib.request

    from tests.reminder_world import free_port

    port = free_port()
    env = {
        **os.environ,
        "TRACKER_ENV": "test",
        "TEST_DATABASE_URL": database_url,
        "MAIL_PORT": str(smtp.port),
    }
    # Its own process group, like a terminal's foreground job: Ctrl-C signals them all.
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "dev", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    assert process.stdout is not None
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 20
        status = None
        while time.monotonic() < deadline and (
            status is None or not any("Scheduler started" in line for line in lines)
        ):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz") as response:
                    status = response.status
            except OSError:
                pass
            time.sleep(0.2)
        assert status == 200
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=20)
        reader.join(timeout=5)
        output = "".join(lines)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        process.stdout.close()
    assert process.returncode == 0, output
    assert "Scheduler started" in output
    assert "Scheduler stopped" in output
