"""In-app notifications: the reminders emailed to a user, on one page, and the header count.

A user only ever sees and marks their own notifications (rows of which they are the
recipient), once their send time has passed, and never one about a decision they may not
see now (`tracker.services.visibility.visible_clause_inline`: the decision may have become
restricted since). A keep-in-touch reminder is about a person and mentions no decision.
Nobody signed in has no notifications.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, false, func, or_, select, update
from sqlalchemy.orm import selectinload

from tracker.domain.vocabulary import ReminderStatus
from tracker.extensions import db
from tracker.models import BriefingRequirement, Decision, Reminder, utcnow
from tracker.services import history, permissions, visibility
from tracker.services.actor import Actor, Who, as_actor
from tracker.services.reminders import messages
from tracker.services.reminders.schedule import rows_changed


@dataclass(frozen=True)
class Notification:
    """One line of the notifications page."""

    reminder: Reminder
    headline: str
    #: Whether the page offers to log the briefing (or the contact) it asks for.
    can_log: bool


def _shown_to(actor: Actor, now: datetime) -> Any:
    if actor.user is None or not actor.is_signed_in:
        return false()
    return and_(
        Reminder.recipient_user_id == actor.user.id,
        Reminder.send_at <= now,
        Reminder.status != ReminderStatus.CANCELLED.value,
        or_(
            # About a person (keep in touch): no decision is ever mentioned.
            Reminder.person_id.is_not(None),
            # Never mention a decision the user can no longer see.
            Reminder.decision_id.in_(
                select(Decision.id).where(visibility.visible_clause_inline(actor, now))
            ),
        ),
    )


def unread_count(who: Who, now: datetime | None = None) -> int:
    """One indexed COUNT for the header."""
    actor = as_actor(who)
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Reminder)
            .where(_shown_to(actor, now or utcnow()), Reminder.read_at.is_(None))
        )
        or 0
    )


def notifications(who: Who, now: datetime | None = None, limit: int = 100) -> list[Reminder]:
    """The actor's own reminders that are due, newest first."""
    actor = as_actor(who)
    return list(
        db.session.scalars(
            select(Reminder)
            .where(_shown_to(actor, now or utcnow()))
            .options(
                selectinload(Reminder.decision).selectinload(Decision.owner),
                selectinload(Reminder.requirement).selectinload(BriefingRequirement.person),
                selectinload(Reminder.person),
            )
            .order_by(Reminder.send_at.desc(), Reminder.id.desc())
            .limit(limit)
        )
    )


def notification_entries(who: Who, now: datetime | None = None) -> list[Notification]:
    """The notifications page: each reminder in words, and whether to offer logging it."""
    actor = as_actor(who)
    user = actor.user
    if user is None:
        return []
    rows = [row for row in notifications(actor, now) if row.decision or row.person]
    # Keep-in-touch reminders say when the person was last contacted, as this user may
    # see it now (briefings about hidden decisions do not count).
    last_contacts = history.last_contacts(
        user, {row.person_id for row in rows if row.person_id is not None}
    )
    entries = []
    for row in rows:
        if row.person is not None:
            headline = messages.keep_in_touch_headline(row.person, last_contacts.get(row.person.id))
            can_log = permissions.can_log_briefings(user) and not row.person.is_archived
        else:
            assert row.decision is not None
            headline = messages.headline(row)
            can_log = visibility.can_edit(actor, row.decision)
        entries.append(Notification(row, headline, can_log))
    return entries


def mark_all_read(who: Who, now: datetime | None = None) -> int:
    """Mark the actor's own shown notifications as read; how many were unread."""
    actor = as_actor(who)
    now = now or utcnow()
    count = rows_changed(
        update(Reminder)
        .where(_shown_to(actor, now), Reminder.read_at.is_(None))
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return count
