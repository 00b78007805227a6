"""The working calendar (England bank holidays + admin closure days) and 'today' in London.

The calendar is built once per database session (a request's or a job's) and kept in the
session's `info`, not in `flask.g`: services know nothing of the request. Adding or
removing a closure day, and any rollback (which may undo one), forget it.

Closure days are changed by admins only (`Forbidden` otherwise), like the rest of the
admin areas; who may see the admin pages is also checked by the web's page guard.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from tracker.domain.errors import InvalidInput, NotFound
from tracker.domain.localtime import london_date
from tracker.domain.working_days import WorkingCalendar
from tracker.extensions import db
from tracker.models import ClosureDay, utcnow
from tracker.services import audit
from tracker.services.actor import Who
from tracker.services.permissions import require_admin

_CACHE = "tracker_working_calendar"
ADMINS_ONLY = "Only admins can change closure days."
NO_SUCH_CLOSURE_DAY = "There is no closure day with this id."


def working_calendar() -> WorkingCalendar:
    """The calendar with today's closure days; built once per session (request or job)."""
    info = db.session.info
    cached: WorkingCalendar | None = info.get(_CACHE)
    if cached is None:
        cached = WorkingCalendar.england(db.session.scalars(select(ClosureDay.day)))
        info[_CACHE] = cached
    return cached


def forget_calendar() -> None:
    db.session.info.pop(_CACHE, None)


@event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session: Session) -> None:
    # A closure day added or removed in the rolled-back transaction is undone with it.
    session.info.pop(_CACHE, None)


def today_london(now: datetime | None = None) -> date:
    return london_date(now or utcnow())


def closure_days(from_day: date | None = None) -> list[ClosureDay]:
    query = select(ClosureDay).order_by(ClosureDay.day)
    if from_day is not None:
        query = query.where(ClosureDay.day >= from_day)
    return list(db.session.scalars(query))


class ClosureDayError(InvalidInput):
    """A closure day the rules refuse."""


def get_closure_day(who: Who, closure_id: int) -> ClosureDay:
    """The closure day with this id, for an admin; `NotFound` if there is none."""
    require_admin(who, ADMINS_ONLY)
    closure = db.session.get(ClosureDay, closure_id)
    if closure is None:
        raise NotFound(NO_SUCH_CLOSURE_DAY)
    return closure


def add_closure_day(who: Who, day: date, reason: str) -> ClosureDay:
    actor = require_admin(who, ADMINS_ONLY).require_user()
    if db.session.scalar(select(ClosureDay).where(ClosureDay.day == day)) is not None:
        raise ClosureDayError(f"{day:%-d %B %Y} is already a closure day", "day")
    why = WorkingCalendar.england().non_working_reason(day)
    if why:
        raise ClosureDayError(f"{day:%-d %B %Y} is not a working day anyway ({why})", "day")
    closure = ClosureDay(day=day, reason=reason.strip(), created_by_user_id=actor.id)
    db.session.add(closure)
    db.session.flush()
    audit.record(
        actor=actor,
        entity_type="closure_day",
        entity_id=closure.id,
        action="created",
        changes={"day": [None, day], "reason": [None, closure.reason]},
        summary=f"Closure day {day:%-d %b %Y} added",
    )
    forget_calendar()
    return closure


def remove_closure_day(who: Who, closure: ClosureDay | int) -> date:
    """Remove a closure day (or the one with this id); the day it was."""
    actor = require_admin(who, ADMINS_ONLY)
    if isinstance(closure, int):
        closure = get_closure_day(actor, closure)
    day = closure.day
    audit.record(
        actor=actor.require_user(),
        entity_type="closure_day",
        entity_id=closure.id,
        action="removed",
        changes={"day": [day, None]},
        summary=f"Closure day {day:%-d %b %Y} removed",
    )
    db.session.delete(closure)
    db.session.flush()
    forget_calendar()
    return day
