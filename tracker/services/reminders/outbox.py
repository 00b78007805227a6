"""The admin outbox: reminders that failed after every retry, and ones a stopped sweep
left unsure ('needs_check'); an admin sends one again or marks it as sent.

Only admins may see or act on the outbox: every function here takes the actor and
raises `Forbidden` for anyone else (the web's admin-only page guard is not the only
gate), and `NotFound` for a reminder id that does not exist. The functions flush; the
caller's unit of work commits.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.domain.errors import Forbidden, InvalidInput, NotFound
from tracker.domain.vocabulary import ReminderStatus
from tracker.extensions import db
from tracker.models import BriefingRequirement, Reminder, utcnow
from tracker.services import audit
from tracker.services.actor import Actor, Who, as_actor
from tracker.services.reminders import messages

NEEDS_ATTENTION = (ReminderStatus.FAILED.value, ReminderStatus.NEEDS_CHECK.value)
FORBIDDEN_MESSAGE = "Only admins can see and act on the reminder outbox."
NOT_FOUND_MESSAGE = "There is no reminder with this id."


class OutboxError(InvalidInput):
    """An outbox action that does not fit the reminder's state."""


class OutboxEntry(NamedTuple):
    """A reminder in the outbox, with what it was about in words."""

    reminder: Reminder
    description: str


def _require_admin(who: Who) -> Actor:
    actor = as_actor(who)
    if not actor.is_admin:
        raise Forbidden(FORBIDDEN_MESSAGE)
    return actor


def needing_attention(who: Who) -> list[Reminder]:
    """Failed rows and rows a crashed sweep left behind, newest first (admins see all)."""
    _require_admin(who)
    return list(
        db.session.scalars(
            select(Reminder)
            .where(Reminder.status.in_(NEEDS_ATTENTION))
            .options(
                selectinload(Reminder.recipient),
                selectinload(Reminder.decision),
                selectinload(Reminder.requirement).selectinload(BriefingRequirement.person),
                selectinload(Reminder.person),
            )
            .order_by(Reminder.updated_at.desc(), Reminder.id.desc())
        )
    )


def outbox_entries(who: Who) -> list[OutboxEntry]:
    """The outbox page: what needs attention, each described."""
    return [OutboxEntry(row, messages.describe(row)) for row in needing_attention(who)]


def get_for_admin(who: Who, reminder_id: int) -> Reminder:
    """Any reminder, for an admin; `NotFound` when there is none with this id."""
    _require_admin(who)
    reminder = db.session.get(Reminder, reminder_id)
    if reminder is None:
        raise NotFound(NOT_FOUND_MESSAGE)
    return reminder


def outbox_entry(who: Who, reminder_id: int) -> OutboxEntry:
    reminder = get_for_admin(who, reminder_id)
    return OutboxEntry(reminder, messages.describe(reminder))


def _require_attention(reminder: Reminder) -> str:
    if reminder.status not in NEEDS_ATTENTION:
        raise OutboxError("This reminder no longer needs attention.")
    return reminder.status


def _audit(actor: Actor, reminder: Reminder, action: str, before: str, summary: str) -> None:
    audit.record(
        actor=actor.user,
        entity_type="reminder",
        entity_id=reminder.id,
        decision_id=reminder.decision_id,
        action=action,
        changes={"status": [before, reminder.status]},
        summary=summary,
    )
    db.session.flush()


def retry(who: Who, reminder_id: int, now: datetime | None = None) -> Reminder:
    """Send again at the next sweep, with a fresh set of attempts."""
    actor = _require_admin(who)
    reminder = get_for_admin(actor, reminder_id)
    before = _require_attention(reminder)
    reminder.status = ReminderStatus.PENDING.value
    reminder.attempts = 0
    reminder.next_attempt_at = now or utcnow()
    reminder.claim_token = None
    _audit(actor, reminder, "retried", before, "Reminder queued to send again")
    return reminder


def mark_sent(who: Who, reminder_id: int, now: datetime | None = None) -> Reminder:
    """An admin checked the mail logs: it did go out."""
    actor = _require_admin(who)
    reminder = get_for_admin(actor, reminder_id)
    before = _require_attention(reminder)
    reminder.status = ReminderStatus.SENT.value
    reminder.sent_at = reminder.sent_at or now or utcnow()
    reminder.claim_token = None
    _audit(actor, reminder, "marked_sent", before, "Reminder marked as sent by an admin")
    return reminder
