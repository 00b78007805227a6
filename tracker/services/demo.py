"""Demo data for `make run`: idempotent, so it can run on every start."""

from __future__ import annotations

from tracker.services import demo_decisions, demo_registers
from tracker.services import users as user_service


def load_demo_data(password: str) -> str:
    users = user_service.ensure_demo_users(password)
    organisations, people = demo_registers.load(users)
    decisions = demo_decisions.load(users)
    return (
        f"Demo data ready: {len(users)} demo users; "
        f"{organisations} organisations, {people} people and {decisions} decisions added."
    )
