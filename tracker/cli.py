"""flask commands: create-user, demo-data, reminders sweep, scheduler, dev."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import time
from datetime import datetime
from types import FrameType

import click
from flask import Flask, current_app
from flask.cli import ScriptInfo, with_appcontext

from tracker.extensions import db
from tracker.models import Role
from tracker.security.passwords import MIN_PASSWORD_LENGTH
from tracker.services import users as user_service


@click.command("create-user")
@click.option("--email", required=True, help="Email address used to sign in.")
@click.option("--name", "display_name", required=True, help="Display name.")
@click.option(
    "--role",
    required=True,
    type=click.Choice([role.value for role in Role]),
    help="What the user may do.",
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input instead of prompting.",
)
@with_appcontext
def create_user_command(email: str, display_name: str, role: str, password_stdin: bool) -> None:
    """Create a user who can sign in."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.ClickException(
            f"The password must be at least {MIN_PASSWORD_LENGTH} characters long."
        )
    try:
        user = user_service.create_user(
            email=email, display_name=display_name, role=role, password=password
        )
    except user_service.UserError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}.")


@click.command("demo-data")
@click.option("--force", is_flag=True, help="Allow running under the production configuration.")
@with_appcontext
def demo_data_command(force: bool) -> None:
    """Load demo users (and later demo organisations, people and decisions). Safe to re-run."""
    from tracker.services import demo

    if current_app.config["ENV_NAME"] == "production" and not force:
        raise click.ClickException(
            "Refusing to load demo data under the production configuration. "
            "Use --force if you really mean it."
        )
    summary = demo.load_demo_data(current_app.config["DEMO_PASSWORD"])
    db.session.commit()
    click.echo(summary)


class _AwareDateTime(click.ParamType):
    name = "ISO-DATETIME"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None):  # type: ignore[no-untyped-def]
        if isinstance(value, datetime):
            return value
        try:
            parsed = datetime.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not an ISO date and time", param, ctx)
        if parsed.tzinfo is None:
            # Guessing the zone is how reminders go out an hour out; make the caller say.
            self.fail(f"{value!r} needs a UTC offset, e.g. 2027-03-30T07:00:00Z", param, ctx)
        return parsed


@click.group("reminders")
def reminders_group() -> None:
    """Reminder emails: the outbox sweep."""


@reminders_group.command("sweep")
@click.option(
    "--now",
    type=_AwareDateTime(),
    default=None,
    help="Pretend it is this time (ISO 8601 with an offset). Default: the real time.",
)
@with_appcontext
def sweep_command(now: datetime | None) -> None:
    """Create what is due and email it, once. Safe to run from cron, many at a time."""
    from tracker.services import reminders

    summary = reminders.sweep(now)
    click.echo(f"Reminder sweep: {summary.as_text()}.")
    for error in summary.errors:
        click.echo(f"Mail error (will retry): {error}", err=True)


@click.command("scheduler")
@click.option("--interval", default=60, show_default=True, help="Seconds between sweeps.", type=int)
@with_appcontext
def scheduler_command(interval: int) -> None:
    """Run the reminder sweep every minute until stopped (SIGINT or SIGTERM)."""
    from tracker import scheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    scheduler.run(current_app._get_current_object(), interval)  # type: ignore[attr-defined]


@click.command("dev")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.pass_context
def dev_command(ctx: click.Context, host: str, port: int) -> None:
    """Development: the web server and the scheduler side by side. Ctrl-C stops both.

    Two child processes, supervised here: if either stops, the other is stopped too,
    and a signal to this process is passed on to both.
    """
    info = ctx.find_object(ScriptInfo)
    app_path = (info.app_import_path if info else None) or "app"
    flask = [sys.executable, "-m", "flask", "--app", app_path]
    children = [
        subprocess.Popen([*flask, "run", "--host", host, "--port", str(port)]),  # noqa: S603
        subprocess.Popen([*flask, "scheduler"]),  # noqa: S603
    ]
    stopping: list[int] = []

    def stop(signum: int, _frame: FrameType | None) -> None:
        stopping.append(signum)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while not stopping and all(child.poll() is None for child in children):
        time.sleep(0.2)
    for child in children:
        if child.poll() is None:
            # SIGTERM: the scheduler finishes its sweep, the web server stops.
            child.terminate()
    for child in children:
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    if not stopping:
        raise click.ClickException("A process stopped unexpectedly; stopped the other one too.")


def init_app(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(reminders_group)
    app.cli.add_command(scheduler_command)
    app.cli.add_command(dev_command)
