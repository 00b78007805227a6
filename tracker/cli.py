"""flask commands: create-user, demo-data."""

from __future__ import annotations

import sys

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


def init_app(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(demo_data_command)
