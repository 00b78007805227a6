"""One transaction per request or job, opened and closed in one place.

Services flush; they never commit. Whoever runs them closes the unit of work:

- the web and the API: `tracker.web.transaction` commits after a successful response
  (2xx or 3xx, and no form error shown) and rolls back otherwise;
- CLI commands and jobs: `with unit_of_work.job():` commits when the block ends normally
  and rolls back when it raises.

Two kinds of work wait on the outcome. `after_commit` callbacks (an email about what was
just recorded) run only once the commit succeeded, so nobody is ever told about data
that was rolled back. `keep_on_rollback` writes (an API token's last-used time) are the
deliberate records of a request that must stand even when the request fails: after a
rollback they are applied again in a transaction of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tracker.domain.errors import Conflict
from tracker.extensions import db

_AFTER_COMMIT = "tracker_after_commit"
_KEEP_ON_ROLLBACK = "tracker_keep_on_rollback"
_READ_ONLY = "tracker_read_only"


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once the current unit of work has committed (never if it rolls back)."""
    db.session.info.setdefault(_AFTER_COMMIT, []).append(callback)


def keep_on_rollback(write: Callable[[], None]) -> None:
    """`write` is part of the unit of work; if the unit of work rolls back, apply it again
    on its own and commit it."""
    db.session.info.setdefault(_KEEP_ON_ROLLBACK, []).append(write)


def _take(key: str) -> list[Callable[[], None]]:
    return list(db.session.info.pop(key, []))


def commit() -> None:
    callbacks = _take(_AFTER_COMMIT)
    _take(_KEEP_ON_ROLLBACK)
    db.session.commit()
    for callback in callbacks:
        callback()


def rollback() -> None:
    _take(_AFTER_COMMIT)
    kept = _take(_KEEP_ON_ROLLBACK)
    db.session.rollback()
    if kept:
        for write in kept:
            write()
        db.session.commit()


@contextmanager
def job() -> Iterator[None]:
    """A CLI command's or a job's unit of work: commit at the end, roll back on error."""
    try:
        yield
    except BaseException:
        rollback()
        raise
    commit()


@contextmanager
def conflict_as(message: str, field: str | None = None) -> Iterator[None]:
    """Flush the block's changes; a unique constraint the checks before it could not see
    (someone else saved the same value a moment ago) becomes a `Conflict`.

    The session cannot go on after a failed flush, so the unit of work is rolled back here
    and the caller shows the message.
    """
    try:
        yield
        db.session.flush()
    except IntegrityError as error:
        rollback()
        raise Conflict(message, field) from error


# --- refusing commits --------------------------------------------------------------------

_COMMIT_GUARDS: list[Callable[[], None]] = []


def guard_commits(check: Callable[[], None]) -> None:
    """Call `check` before every commit; it raises to refuse the commit (the web's: never
    commit a request whose CSRF check failed). Registering the same check again is a no-op."""
    if check not in _COMMIT_GUARDS:
        _COMMIT_GUARDS.append(check)


@event.listens_for(Session, "before_commit")
def _run_commit_guards(_session: Session) -> None:
    for check in _COMMIT_GUARDS:
        check()


# --- read-only units of work -------------------------------------------------------------


def read_only(allowed_tables: frozenset[str], what: str) -> None:
    """From now until the unit of work ends, a flush that writes any table but
    `allowed_tables` raises, naming `what` (a GET request, say)."""
    db.session.info[_READ_ONLY] = (allowed_tables, what)


def end_read_only() -> None:
    db.session.info.pop(_READ_ONLY, None)


def _tables_written(session: Session) -> set[str]:
    tables: set[str] = set()
    for instance in [*session.new, *session.deleted]:
        tables.add(getattr(instance, "__tablename__", "?"))
    for instance in session.dirty:
        if session.is_modified(instance):
            tables.add(getattr(instance, "__tablename__", "?"))
    return tables


@event.listens_for(Session, "before_flush")
def _refuse_writes_when_read_only(session: Session, _context: Any, _instances: Any) -> None:
    guard = session.info.get(_READ_ONLY)
    if guard is None:
        return
    allowed, what = guard
    forbidden = _tables_written(session) - allowed
    if forbidden:
        raise RuntimeError(f"{what} writes {', '.join(sorted(forbidden))}: it may only read")
