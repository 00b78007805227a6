"""Who may see and change which decision. Every decision query goes through here.

Public and internal decisions are visible to every signed-in user. Restricted and
embargoed ones only to their owner, the owner's PAs, the decision team and admins;
an embargoed decision whose lift time has passed counts as internal.
"""

from __future__ import annotations

from datetime import datetime

from flask import g, has_request_context
from sqlalchemy import ColumnElement, and_, event, exists, false, or_, select, true
from sqlalchemy.orm import Session

from tracker.extensions import db
from tracker.models import (
    Decision,
    Person,
    Role,
    Sensitivity,
    User,
    decision_team,
    person_pa,
    utcnow,
)

OPEN_SENSITIVITIES = (Sensitivity.PUBLIC.value, Sensitivity.INTERNAL.value)
#: Every other sensitivity (the check constraint allows no more): only these can hide.
CONFIDENTIAL_SENSITIVITIES = tuple(
    s.value for s in Sensitivity if s.value not in OPEN_SENSITIVITIES
)


_CIRCLE_CACHE = "_circle_person_ids"


def circle_person_ids(user: User) -> list[int]:
    """The people this user acts as: their own Person record and the leaders they assist.

    Several parts of one page ask (lists, counts, the header): within a request the
    answer is kept in `flask.g` until the session next writes anything.
    """
    cache: dict[int, list[int]] | None = None
    if has_request_context():
        cache = g.setdefault(_CIRCLE_CACHE, {})
        if user.id in cache:
            return list(cache[user.id])
    own = select(Person.id).where(Person.user_id == user.id)
    assisted = select(person_pa.c.person_id).where(person_pa.c.user_id == user.id)
    ids = list(db.session.scalars(own.union(assisted)))
    if cache is not None:
        cache[user.id] = ids
    return list(ids)


@event.listens_for(Session, "after_flush")
def _forget_circles(session: Session, _context: object) -> None:
    """A flush may have changed who assists whom: ask the database again."""
    if has_request_context():
        g.pop(_CIRCLE_CACHE, None)


def visible_clause(user: User | None, now: datetime | None = None) -> ColumnElement[bool]:
    """A WHERE clause on Decision limiting rows to what `user` may see."""
    if user is None:
        return false()
    if user.role == Role.ADMIN.value:
        return true()
    now = now or utcnow()
    people = circle_person_ids(user)
    conditions: list[ColumnElement[bool]] = [
        Decision.sensitivity.in_(OPEN_SENSITIVITIES),
        and_(
            Decision.sensitivity == Sensitivity.EMBARGOED.value,
            Decision.embargo_lifts_at <= now,
        ),
        exists().where(
            decision_team.c.decision_id == Decision.id, decision_team.c.user_id == user.id
        ),
    ]
    if people:
        conditions.append(Decision.owner_person_id.in_(people))
    return or_(*conditions)


def visible_clause_inline(user: User, now: datetime | None = None) -> ColumnElement[bool]:
    """`visible_clause` as one SQL expression, the user's circle as a subquery.

    For queries that must stay a single statement (the header's unread count).
    """
    if user.role == Role.ADMIN.value:
        return true()
    now = now or utcnow()
    own = select(Person.id).where(Person.user_id == user.id)
    assisted = select(person_pa.c.person_id).where(person_pa.c.user_id == user.id)
    return or_(
        Decision.sensitivity.in_(OPEN_SENSITIVITIES),
        and_(
            Decision.sensitivity == Sensitivity.EMBARGOED.value,
            Decision.embargo_lifts_at <= now,
        ),
        exists().where(
            decision_team.c.decision_id == Decision.id, decision_team.c.user_id == user.id
        ),
        Decision.owner_person_id.in_(own.union(assisted)),
    )


def is_confidential(decision: Decision, now: datetime | None = None) -> bool:
    """Restricted, or embargoed and not yet lifted."""
    if decision.sensitivity == Sensitivity.RESTRICTED.value:
        return True
    if decision.sensitivity == Sensitivity.EMBARGOED.value:
        lifts = decision.embargo_lifts_at
        return lifts is None or lifts > (now or utcnow())
    return False


def in_circle(user: User, decision: Decision) -> bool:
    """Owner, owner's PA or decision team member."""
    owner = decision.owner
    if owner.user_id == user.id:
        return True
    if any(pa.id == user.id for pa in owner.pas):
        return True
    return any(member.id == user.id for member in decision.team)


def can_see(user: User | None, decision: Decision, now: datetime | None = None) -> bool:
    if user is None or not user.is_active:
        return False
    if user.role == Role.ADMIN.value or not is_confidential(decision, now):
        return True
    return in_circle(user, decision)


def can_edit(user: User | None, decision: Decision) -> bool:
    """Admins; leaders and PAs who own, assist the owner or are on the decision team."""
    if user is None or not user.is_active:
        return False
    if user.role == Role.ADMIN.value:
        return True
    if user.role not in (Role.LEADER.value, Role.PA.value):
        return False
    return in_circle(user, decision)


def can_create(user: User | None) -> bool:
    return user is not None and user.role in (Role.ADMIN.value, Role.LEADER.value, Role.PA.value)


def can_waive(user: User | None) -> bool:
    return user is not None and user.role in (Role.ADMIN.value, Role.MANAGER.value)


def can_report_surprise(user: User | None, decision: Decision) -> bool:
    return can_waive(user) or can_edit(user, decision)


def get_visible(user: User, decision_id: int) -> Decision | None:
    """The decision if `user` may see it; None otherwise (the caller answers 404)."""
    return db.session.scalar(
        select(Decision).where(Decision.id == decision_id, visible_clause(user))
    )
