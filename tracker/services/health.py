"""Is the database there? For the health check, and for page parts that must not fail.

The web reaches the database only through the services, so the one SQL statement the
health check runs, and the one kind of error the page header may swallow, live here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from tracker.extensions import db
from tracker.services import unit_of_work

T = TypeVar("T")


def database_reachable() -> bool:
    """One trivial statement; False if the database cannot answer it."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True


def unless_database_fails(read: Callable[[], T], default: T) -> T:
    """`read()`, or `default` if the database fails it (the unit of work is rolled back,
    so what follows can still use the session). For reads that must never be what breaks
    a page, like the header's unread count on the error page."""
    try:
        return read()
    except SQLAlchemyError:
        unit_of_work.rollback()
        return default
