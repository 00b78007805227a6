"""flask create-user and flask demo-data."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tracker.demo.users import DEMO_USERS
from tracker.extensions import db
from tracker.models import User


def test_create_user_reads_password_from_stdin(app, runner):
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "Chief@Example.org",
            "--name",
            "Chief Exec",
            "--role",
            "leader",
            "--password-stdin",
        ],
        input="a-long-enough-password\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "chief@example.org"))
        assert user.display_name == "Chief Exec"
        assert user.role == "leader"


def test_create_user_prompts_for_password(app, runner):
    result = runner.invoke(
        args=["create-user", "--email", "p@example.org", "--name", "P", "--role", "pa"],
        input="a-long-enough-password\na-long-enough-password\n",
    )
    assert result.exit_code == 0, result.output


def test_create_user_refuses_duplicates_and_short_passwords(runner):
    args = [
        "create-user",
        "--email",
        "d@example.org",
        "--name",
        "D",
        "--role",
        "viewer",
        "--password-stdin",
    ]
    assert runner.invoke(args=args, input="a-long-enough-password\n").exit_code == 0
    again = runner.invoke(args=args, input="a-long-enough-password\n")
    assert again.exit_code != 0
    assert "already exists" in again.output
    short = runner.invoke(args=[*args[:2], "e@example.org", *args[3:]], input="short\n")
    assert short.exit_code != 0
    assert "at least 12 characters" in short.output


def test_create_user_refuses_unknown_role(runner):
    result = runner.invoke(
        args=["create-user", "--email", "x@example.org", "--name", "X", "--role", "emperor"]
    )
    assert result.exit_code != 0


def test_demo_data_is_idempotent(app, runner):
    first = runner.invoke(args=["demo-data"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["demo-data"])
    assert second.exit_code == 0, second.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == len(DEMO_USERS)
        emails = set(db.session.scalars(select(User.email)))
    assert emails == {
        "admin@example.org",
        "leader@example.org",
        "pa@example.org",
        "manager@example.org",
        "viewer@example.org",
    }


def test_demo_users_sign_in_with_the_demo_password(app, runner):
    from tests.conftest import AuthActions

    runner.invoke(args=["demo-data"])
    for demo in DEMO_USERS:
        client = app.test_client()
        assert AuthActions(client).login(demo.email, "demo-password-1").status_code == 302


def test_demo_data_refuses_production_without_force(make_app):
    prod_like = make_app(ENV_NAME="production")
    result = prod_like.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code != 0
    assert "--force" in result.output
    forced = prod_like.test_cli_runner().invoke(args=["demo-data", "--force"])
    assert forced.exit_code == 0, forced.output


def test_the_demo_package_refuses_production_itself(make_app):
    from tracker import demo
    from tracker.demo import scale
    from tracker.domain.errors import Forbidden

    prod_like = make_app(ENV_NAME="production")
    with prod_like.app_context():
        with pytest.raises(Forbidden):
            demo.load_demo_data("demo-password-1")
        with pytest.raises(Forbidden):
            scale.generate("system", 1, date(2027, 3, 1), lambda _n: None)
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
