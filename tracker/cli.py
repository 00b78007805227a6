"""flask commands: create-user, demo-data, import, export."""

from __future__ import annotations

import sys
import time
from datetime import datetime
from typing import BinaryIO

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

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
    from tracker.services import demo, demo_scale
    from tracker.services.calendar import today_london

    if current_app.config["ENV_NAME"] == "production" and not force:
        raise click.ClickException(
            "Refusing to load demo data under the production configuration. "
            "Use --force if you really mean it."
        )
    summary = demo.load_demo_data(current_app.config["DEMO_PASSWORD"])
    db.session.commit()
    click.echo(summary)
    if scale == "small":
        return
    plan = demo_scale.SCALES[scale]
    started = time.monotonic()
    with click.progressbar(
        length=demo_scale.estimated_rows(plan), label=f"Generating {scale} data", show_eta=True
    ) as bar:
        result = demo_scale.generate(
            scale, seed, anchor.date() if anchor else today_london(), bar.update
        )
        db.session.commit()
    click.echo(f"Added {result} in {time.monotonic() - started:.0f} s.")


@click.group("import")
def import_group() -> None:
    """Import organisations or people from a CSV file (all rows, or none)."""


def _run_import(kind: str, path: str, skip_invalid: bool, create_missing: bool) -> None:
    from tracker.services import csv_import

    with open(path, "rb") as handle:
        content = handle.read()
    try:
        table = csv_import.read_file(kind, content)
    except csv_import.CsvFileError as error:
        raise click.ClickException(f"{path}: {error} Nothing was imported.") from None
    with click.progressbar(length=len(table.rows), label="Checking rows", file=sys.stderr) as bar:
        plan = csv_import.plan_table(
            kind, table, create_missing_organisations=create_missing, progress=bar.update
        )
    for problem in plan.problems:
        click.echo(str(problem), err=True)
    if plan.problems and not skip_invalid:
        db.session.rollback()
        rows = len(plan.invalid_rows)
        raise click.ClickException(
            f"{len(plan.problems)} problem(s) in {rows} row(s); nothing was imported. "
            "Correct the file, or use --skip-invalid to import the other rows."
        )
    total = len(plan.creates) + len(plan.updates)
    try:
        with click.progressbar(length=total, label=f"Importing {kind}", file=sys.stderr) as bar:
            result = csv_import.apply_plan(plan, skip_invalid=skip_invalid, progress=bar.update)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
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
    output.write(data)
    output.flush()
    name = getattr(output, "name", "-")
    if name not in {"-", "<stdout>"}:
        click.echo(f"Exported {count} {kind} to {name}.", err=True)


def init_app(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(import_group)
    app.cli.add_command(export_command)
