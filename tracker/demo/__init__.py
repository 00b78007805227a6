"""Demo data: made-up users, registers and decisions, for trying the app and benchmarks.

Not a service: nothing in the app calls it. `flask demo-data` does, and the tests and the
benchmark build their data sets with it. It writes through the services where the data
is small (`load_demo_data`: the demo system, idempotent, so `make run` can load it on
every start) and with bulk inserts where it is large (`scale.generate`).

It refuses to run under the production configuration unless forced: demo users with a
known password have no place in a live service.
"""

from __future__ import annotations

from flask import current_app

from tracker.demo import decisions, registers, users
from tracker.domain.errors import Forbidden

PRODUCTION_REFUSED = (
    "Refusing to load demo data under the production configuration. "
    "Use --force if you really mean it."
)


def refuse_in_production(force: bool = False) -> None:
    """Raise `Forbidden` under the production configuration, unless `force`."""
    if current_app.config["ENV_NAME"] == "production" and not force:
        raise Forbidden(PRODUCTION_REFUSED)


def load_demo_data(password: str, *, force: bool = False) -> str:
    """Add whatever of the demo system is missing; a summary of what was added."""
    refuse_in_production(force)
    demo_users = users.ensure_demo_users(password)
    organisations, people = registers.load(demo_users)
    added = decisions.load(demo_users)
    return (
        f"Demo data ready: {len(demo_users)} demo users; "
        f"{organisations} organisations, {people} people and {added} decisions added."
    )
