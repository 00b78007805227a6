"""flask commands: users, tokens, demo data, import and export, reminders, scheduler, dev.

Each command that reads or changes data is one unit of work (`unit_of_work.job()`):
committed when the command succeeds, rolled back when it fails, so a refused command
leaves nothing behind. The reminder sweep is the exception: it is a job of many units of
work (one per claim), which it opens itself.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from types import FrameType
from typing import BinaryIO

import click
from flask import Flask, current_app
from flask.cli import ScriptInfo, with_appcontext

from tracker.domain.errors import DomainError
from tracker.domain.vocabulary import Role
from tracker.security.passwords import MIN_PASSWORD_LENGTH
from tracker.services import unit_of_work
from tracker.services import users as user_service


@contextmanager
def _refusals_as_errors() -> Iterator[None]:
    """What a service refuses (a taken email, a production database) ends the command
    with its message and a non-zero exit status."""
    try:
        yield
    except DomainError as error:
        raise click.ClickException(error.message or str(error)) from None


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
    with _refusals_as_errors(), unit_of_work.job():
        user = user_service.create_user(
            email=email, display_name=display_name, role=role, password=password
        )
        click.echo(f"Created {user.role} {user.email}.")


@click.command("create-token")
@click.option("--email", required=True, help="The user the token acts as.")
@click.option("--name", default="Command line", show_default=True, help="What uses the token.")
@with_appcontext
def create_token_command(email: str, name: str) -> None:
    """Create a personal access token for the API; it is printed once, never stored."""
    from tracker.services import api_tokens

    with _refusals_as_errors(), unit_of_work.job():
        user = user_service.get_by_email(email)
        if user is None:
            raise click.ClickException(f"There is no user with the email address {email}.")
        if not user.is_active:
            raise click.ClickException(f"{user.email} is disabled; their tokens would not work.")
        # The token acts for its user, so the user is who creates it.
        token, secret = api_tokens.create_token(user, name)
    click.echo(
        f"Created token “{token.name}” for {user.email}. Copy it now: it is not shown again.",
        err=True,
    )
    click.echo(secret)


@click.command("demo-data")
@click.option("--force", is_flag=True, help="Allow running under the production configuration.")
@click.option(
    "--scale",
    type=click.Choice(["small", "system", "national"]),
    default="small",
    show_default=True,
    help="small: the demo system (idempotent). system / national: bulk data for benchmarks.",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same data.")
@click.option(
    "--anchor",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The 'today' the generated history leads up to (default: today).",
)
@with_appcontext
def demo_data_command(force: bool, scale: str, seed: int, anchor: datetime | None) -> None:
    """Load demo users, organisations, people and decisions. Safe to re-run."""
    from tracker import demo
    from tracker.demo import scale as demo_scale
    from tracker.services.calendar import today_london

    with _refusals_as_errors(), unit_of_work.job():
        click.echo(demo.load_demo_data(current_app.config["DEMO_PASSWORD"], force=force))
        if scale == "small":
            return
        plan = demo_scale.SCALES[scale]
        started = time.monotonic()
        with click.progressbar(
            length=demo_scale.estimated_rows(plan), label=f"Generating {scale} data", show_eta=True
        ) as bar:
            result = demo_scale.generate(
                scale, seed, anchor.date() if anchor else today_london(), bar.update, force=force
            )
    click.echo(f"Added {result} in {time.monotonic() - started:.0f} s.")


@click.group("import")
def import_group() -> None:
    """Import organisations or people from a CSV file (all rows, or none)."""


def _run_import(kind: str, path: str, skip_invalid: bool, create_missing: bool) -> None:
    from tracker.services import csv_import
    from tracker.services.actor import Actor

    with open(path, "rb") as handle:
        content = handle.read()
    try:
        table = csv_import.read_file(kind, content)
    except csv_import.CsvFileError as error:
        raise click.ClickException(f"{path}: {error} Nothing was imported.") from None
    with unit_of_work.job():
        with click.progressbar(
            length=len(table.rows), label="Checking rows", file=sys.stderr
        ) as bar:
            plan = csv_import.plan_table(
                kind, table, create_missing_organisations=create_missing, progress=bar.update
            )
        for problem in plan.problems:
            click.echo(str(problem), err=True)
        if plan.problems and not skip_invalid:
            rows = len(plan.invalid_rows)
            raise click.ClickException(
                f"{len(plan.problems)} problem(s) in {rows} row(s); nothing was imported. "
                "Correct the file, or use --skip-invalid to import the other rows."
            )
        total = len(plan.creates) + len(plan.updates)
        with click.progressbar(length=total, label=f"Importing {kind}", file=sys.stderr) as bar:
            result = csv_import.apply_plan(
                Actor.job(), plan, skip_invalid=skip_invalid, progress=bar.update
            )
    click.echo(
        f"{kind.capitalize()}: {result.created} added, {result.updated} updated, "
        f"{result.unchanged} unchanged, {len(result.skipped)} skipped."
    )
    if result.organisations_created:
        click.echo(f"Organisations created: {result.organisations_created}.")
    if result.skipped:
        click.echo(f"Skipped rows: {', '.join(str(row) for row in result.skipped)}.")


@import_group.command("organisations")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows and report the others.")
@with_appcontext
def import_organisations_command(path: str, skip_invalid: bool) -> None:
    """Import organisations from a CSV file."""
    _run_import("organisations", path, skip_invalid, create_missing=False)


@import_group.command("people")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows and report the others.")
@click.option(
    "--create-missing-organisations",
    is_flag=True,
    help="Create organisations the file names but the register lacks (type Other).",
)
@with_appcontext
def import_people_command(
    path: str, skip_invalid: bool, create_missing_organisations: bool
) -> None:
    """Import people from a CSV file."""
    _run_import("people", path, skip_invalid, create_missing=create_missing_organisations)


@click.command("export")
@click.argument("kind", type=click.Choice(["organisations", "people"]))
@click.argument("output", required=False, default="-", type=click.File("wb", lazy=True))
@click.option("--include-archived", is_flag=True, help="Include archived records.")
@with_appcontext
def export_command(kind: str, output: BinaryIO, include_archived: bool) -> None:
    """Export organisations or people as CSV (UTF-8 with BOM) to OUTPUT, or standard output."""
    with unit_of_work.job():  # reads only
        data, count = _export_data(kind, include_archived)
    output.write(data)
    output.flush()
    name = getattr(output, "name", "-")
    if name not in {"-", "<stdout>"}:
        click.echo(f"Exported {count} {kind} to {name}.", err=True)


def _export_data(kind: str, include_archived: bool) -> tuple[bytes, int]:
    from tracker.services import csv_export
    from tracker.services import organisations as organisation_service
    from tracker.services import people as people_service

    if kind == "organisations":
        organisations = organisation_service.for_export(
            organisation_service.OrganisationFilters(include_archived=include_archived)
        )
        data = csv_export.csv_bytes(
            organisation_service.EXPORT_HEADERS, organisation_service.export_rows(organisations)
        )
        count = len(organisations)
    else:
        people = people_service.for_export(
            people_service.PersonFilters(include_archived=include_archived)
        )
        data = csv_export.csv_bytes(
            people_service.EXPORT_HEADERS, people_service.export_rows(people)
        )
        count = len(people)
    return data, count


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
    app.cli.add_command(reminders_group)
    app.cli.add_command(scheduler_command)
    app.cli.add_command(dev_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(create_token_command)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(import_group)
    app.cli.add_command(export_command)
