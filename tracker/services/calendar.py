"""The working calendar (England bank holidays + admin closure days) and 'today' in London."""

from __future__ import annotations

from datetime import date, datetime

from flask import g, has_app_context
from sqlalchemy import select

from tracker.domain.errors import InvalidInput
from tracker.domain.localtime import london_date
from tracker.domain.working_days import WorkingCalendar
from tracker.extensions import db
from tracker.models import ClosureDay, User, utcnow
from tracker.services import audit


def working_calendar() -> WorkingCalendar:
    """The calendar with today's closure days; built once per request or job."""
    cached = g.get("working_calendar") if has_app_context() else None
    if cached is not None:
        return cached
    days = db.session.scalars(select(ClosureDay.day))
    calendar = WorkingCalendar.england(days)
    if has_app_context():
        g.working_calendar = calendar
    return calendar


def forget_calendar() -> None:
    if has_app_context():
        g.pop("working_calendar", None)


def today_london(now: datetime | None = None) -> date:
    return london_date(now or utcnow())


def closure_days(from_day: date | None = None) -> list[ClosureDay]:
    query = select(ClosureDay).order_by(ClosureDay.day)
    if from_day is not None:
        query = query.where(ClosureDay.day >= from_day)
    return list(db.session.scalars(query))


class ClosureDayError(InvalidInput):
    """A closure day the rules refuse."""


def add_closure_day(actor: User, day: date, reason: str) -> ClosureDay:
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


def remove_closure_day(actor: User, closure: ClosureDay) -> None:
    audit.record(
        actor=actor,
        entity_type="closure_day",
        entity_id=closure.id,
        action="removed",
        changes={"day": [closure.day, None]},
        summary=f"Closure day {closure.day:%-d %b %Y} removed",
    )
    db.session.delete(closure)
    db.session.flush()
    forget_calendar()
