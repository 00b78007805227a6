"""Who is owed which reminder: the policy's configuration, and the outbox kept in line with it.

`reconcile_requirement` asks the pure policy (`tracker.domain.reminder_policy`) which
reminders a requirement is owed from today on and brings the outbox in line, in the
caller's transaction (it flushes, never commits): missing rows are inserted
(idempotently, thanks to the unique key), cancelled rows that are wanted again go back to
pending, and pending rows that are no longer wanted are cancelled. Rows already sent,
being sent or failed are history and are never touched. The decision and briefing
services call it whenever something that matters changes; the sweep's daily pass also
reconciles every open requirement once a London day, for what those services do not see
(a PA added to a leader, a new manager, a closure day).

Keep in touch. The same daily pass owes every active leader and PA a 'keep_in_touch'
reminder for each key person whose contact is due (`history.keep_in_touch_due`, the list
"my week" shows them), on `tracker.domain.keep_in_touch.reminder_day` at the send time:
one per (person, due date), so an overdue contact is reminded about once.

Who may hear about a decision is `tracker.services.visibility.can_see`, asked of each
recipient: only active users who may see a decision are ever told about it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, cast

from flask import current_app
from sqlalchemy import CursorResult, Executable, select, update
from sqlalchemy.dialects import postgresql, sqlite

from tracker.domain.keep_in_touch import reminder_day
from tracker.domain.localtime import london_date
from tracker.domain.reminder_policy import Reminder as OwedReminder
from tracker.domain.reminder_policy import (
    ReminderPolicy,
    RequirementSnapshot,
    schedule_for_requirement,
)
from tracker.domain.statuses import DecisionStatus, RequirementStatus
from tracker.domain.vocabulary import ReminderStatus, Role
from tracker.domain.working_days import WorkingCalendar
from tracker.extensions import db
from tracker.models import KEEP_IN_TOUCH, BriefingRequirement, Decision, Reminder, User, utcnow
from tracker.services import calendar, history, visibility

PENDING = ReminderStatus.PENDING.value
SENDING = ReminderStatus.SENDING.value
CANCELLED = ReminderStatus.CANCELLED.value


# --- configuration -----------------------------------------------------------------------


def current_policy() -> ReminderPolicy:
    """The policy from REMINDER_SEND_TIME and REMINDER_UPCOMING_DAYS."""
    config = current_app.config
    try:
        send_time = time.fromisoformat(str(config["REMINDER_SEND_TIME"]).strip())
        offsets = tuple(
            int(part) for part in str(config["REMINDER_UPCOMING_DAYS"]).split(",") if part.strip()
        )
        return ReminderPolicy(upcoming_offsets=offsets, send_time=send_time)
    except (TypeError, ValueError) as error:
        raise RuntimeError(
            f"REMINDER_SEND_TIME must look like 08:00 and REMINDER_UPCOMING_DAYS like 3,1 ({error})"
        ) from error


@dataclass
class Context:
    """What reconciling and re-checking need, worked out once per request or batch."""

    now: datetime
    calendar: WorkingCalendar
    policy: ReminderPolicy
    managers: list[User]

    @property
    def today(self) -> date:
        return london_date(self.now)


def make_context(now: datetime | None = None) -> Context:
    return Context(
        now=now or utcnow(),
        calendar=calendar.working_calendar(),
        policy=current_policy(),
        managers=list(
            db.session.scalars(
                select(User).where(User.role == Role.MANAGER.value, User.is_active.is_(True))
            )
        ),
    )


# --- who is owed what --------------------------------------------------------------------


def snapshot(requirement: BriefingRequirement, now: datetime) -> RequirementSnapshot:
    """The policy's view of a requirement, with recipients already filtered by visibility."""
    decision = requirement.decision
    owner = decision.owner
    owner_user = owner.user if visibility.can_see(owner.user, decision, now) else None
    return RequirementSnapshot(
        requirement_id=requirement.id,
        decision_id=decision.id,
        status=RequirementStatus(requirement.status),
        decision_status=DecisionStatus(decision.status),
        brief_by=requirement.brief_by,
        # Cancelled decisions keep their original event time, as the policy asks.
        event_at=decision.event_at,
        owner_user_id=owner_user.id if owner_user else None,
        owner_pa_user_ids=frozenset(
            pa.id for pa in owner.pas if visibility.can_see(pa, decision, now)
        ),
        is_update=requirement.is_update,
    )


def managers_for(decision: Decision, context: Context) -> frozenset[int]:
    """The active managers who may see the decision (escalations go to them)."""
    return frozenset(
        manager.id
        for manager in context.managers
        if visibility.can_see(manager, decision, context.now)
    )


# --- outbox rows, in SQL -------------------------------------------------------------------


def rows_changed(statement: Executable) -> int:
    """Execute an UPDATE and return how many rows it changed (never negative)."""
    result = cast(CursorResult[Any], db.session.execute(statement))
    return max(result.rowcount or 0, 0)


def dialect_insert() -> Any:
    """The INSERT construct of the session's database, for ON CONFLICT DO NOTHING."""
    dialect = db.session.get_bind().dialect.name
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def conditional_update(ids: Sequence[int], statuses: set[str], **values: Any) -> int:
    """Update the rows among `ids` that are still in one of `statuses`."""
    if not ids:
        return 0
    return rows_changed(
        update(Reminder)
        .where(Reminder.id.in_(list(ids)), Reminder.status.in_(statuses))
        .values(**values, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def _revive(ids: Sequence[int], send_at: datetime) -> int:
    """Cancelled rows wanted again: back to pending, with a fresh set of attempts."""
    return conditional_update(
        ids,
        {CANCELLED},
        status=PENDING,
        send_at=send_at,
        next_attempt_at=None,
        attempts=0,
        last_error=None,
        claim_token=None,
    )


def _insert_ignoring_duplicates(rows: list[dict[str, Any]]) -> int:
    """Insert outbox rows; a row whose key already exists (a concurrent insert) is skipped."""
    if not rows:
        return 0
    now = utcnow()
    for row in rows:
        row.setdefault("created_at", now)
        row.setdefault("updated_at", now)
        row.setdefault("status", PENDING)
        row.setdefault("attempts", 0)
    # Without a conflict target, any unique key counts: (requirement, recipient, kind,
    # day) for reminders about a requirement, the partial one on (person, recipient,
    # kind, day) for reminders about a person. RETURNING lists only the rows inserted
    # (a multi-row INSERT's rowcount is not reliable on every driver).
    inserted = db.session.execute(
        dialect_insert()(Reminder).values(rows).on_conflict_do_nothing().returning(Reminder.id)
    )
    return len(inserted.all())


# --- reconciling the outbox with the policy ------------------------------------------------


@dataclass
class ReconcileResult:
    created: int = 0
    revived: int = 0
    cancelled: int = 0
    rescheduled: int = 0

    def add(self, other: ReconcileResult) -> None:
        self.created += other.created
        self.revived += other.revived
        self.cancelled += other.cancelled
        self.rescheduled += other.rescheduled


Key = tuple[int, str, date]


def _desired(requirement: BriefingRequirement, context: Context) -> dict[Key, OwedReminder]:
    """What the policy owes from today on, by (recipient, kind, day)."""
    return {
        (r.recipient_user_id, r.kind.value, r.for_day): r
        for r in schedule_for_requirement(
            snapshot(requirement, context.now),
            today=context.today,
            calendar=context.calendar,
            manager_user_ids=managers_for(requirement.decision, context),
            policy=context.policy,
        )
    }


def reconcile_requirement(
    requirement: BriefingRequirement,
    now: datetime | None = None,
    *,
    context: Context | None = None,
) -> ReconcileResult:
    """Bring the outbox rows of one requirement in line with the policy (flushes only)."""
    context = context or make_context(now)
    db.session.flush()
    result = ReconcileResult()
    remindable = snapshot(requirement, context.now).is_remindable
    desired = _desired(requirement, context)
    stored = db.session.execute(
        select(
            Reminder.id,
            Reminder.recipient_user_id,
            Reminder.kind,
            Reminder.for_day,
            Reminder.status,
            Reminder.send_at,
        ).where(Reminder.requirement_id == requirement.id)
    ).all()
    to_cancel: list[int] = []
    for row_id, recipient_id, kind, for_day, status, send_at in stored:
        wanted = desired.pop((recipient_id, kind, for_day), None)
        if for_day < context.today:
            # Earlier days are the sweep's business (it may still be retrying one),
            # unless nothing at all is owed any more.
            if status == PENDING and not remindable:
                to_cancel.append(row_id)
        elif status == PENDING and wanted is None:
            to_cancel.append(row_id)
        elif status == PENDING and wanted is not None and send_at != wanted.send_at:
            result.rescheduled += conditional_update([row_id], {PENDING}, send_at=wanted.send_at)
        elif status == CANCELLED and wanted is not None:
            result.revived += _revive([row_id], wanted.send_at)
    # Conditional on 'pending': a row a sweep has just claimed is left to the sweep.
    result.cancelled += conditional_update(to_cancel, {PENDING}, status=CANCELLED)
    result.created += _insert_ignoring_duplicates(
        [
            {
                "requirement_id": r.requirement_id,
                "decision_id": r.decision_id,
                "recipient_user_id": r.recipient_user_id,
                "kind": r.kind.value,
                "for_day": r.for_day,
                "send_at": r.send_at,
            }
            for r in desired.values()
        ]
    )
    return result


def recompute_for_decision(decision: Decision, now: datetime | None = None) -> ReconcileResult:
    """Reconcile every requirement of a decision; call after any change, before commit."""
    db.session.flush()
    return recompute_for_requirements(decision.requirements, now)


def recompute_for_requirements(
    requirements: Iterable[BriefingRequirement], now: datetime | None = None
) -> ReconcileResult:
    context = make_context(now)
    result = ReconcileResult()
    for requirement in requirements:
        result.add(reconcile_requirement(requirement, context=context))
    return result


# --- keep in touch -------------------------------------------------------------------------


def keep_in_touch_recipients() -> list[User]:
    """Who is reminded to keep in touch: every active leader and PA."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.is_active.is_(True),
                User.role.in_((Role.LEADER.value, Role.PA.value)),
            )
            .order_by(User.id)
        )
    )


def reconcile_keep_in_touch(
    now: datetime | None = None, *, context: Context | None = None
) -> ReconcileResult:
    """Owe every active leader and PA a reminder per key person due a contact (flushes).

    Skipped with one EXISTS query when nobody has a cadence. Idempotent: a reminder
    already owed, being sent or sent for the person's current due date (a row on or
    after it) is enough; a cancelled one for the same day is revived; otherwise a row
    is inserted for `reminder_day`, ignoring a concurrent insert of the same key.
    """
    result = ReconcileResult()
    if not history.any_cadence():
        return result
    context = context or make_context(now)
    for user in keep_in_touch_recipients():
        result.add(_reconcile_keep_in_touch_for(user, context))
    return result


#: Per person: the keep-in-touch rows stored for one recipient, as (id, day, status).
StoredByPerson = dict[int, list[tuple[int, date, str]]]


def _stored_keep_in_touch(user: User, due: list[history.KeepInTouch]) -> StoredByPerson:
    stored: StoredByPerson = defaultdict(list)
    for row_id, person_id, for_day, status in db.session.execute(
        select(Reminder.id, Reminder.person_id, Reminder.for_day, Reminder.status).where(
            Reminder.recipient_user_id == user.id,
            Reminder.kind == KEEP_IN_TOUCH,
            Reminder.person_id.in_([item.person.id for item in due]),
            Reminder.for_day >= min(item.contact.due_on for item in due),
        )
    ):
        if person_id is not None:
            stored[person_id].append((row_id, for_day, status))
    return stored


def _keep_in_touch_day(item: history.KeepInTouch, context: Context) -> date:
    """The day the reminder about this contact is owed on."""
    person = item.person
    assert person.keep_in_touch_days is not None
    return reminder_day(
        london_date(item.last_contact) if item.last_contact else None,
        person.keep_in_touch_days,
        context.today,
        context.calendar,
        since=history.cadence_since(person),
    )


def _reconcile_keep_in_touch_for(user: User, context: Context) -> ReconcileResult:
    result = ReconcileResult()
    due = history.keep_in_touch_due(user, context.now)
    if not due:
        return result
    stored = _stored_keep_in_touch(user, due)
    new_rows: list[dict[str, Any]] = []
    for item in due:
        person = item.person
        day = _keep_in_touch_day(item, context)
        # Rows on or after the due date are about this due date (a contact moves it on).
        current = [row for row in stored[person.id] if row[1] >= item.contact.due_on]
        if any(status != CANCELLED for _, _, status in current):
            continue
        cancelled_today = [row_id for row_id, for_day, _ in current if for_day == day]
        if cancelled_today:
            result.revived += _revive(cancelled_today, context.policy.send_at(day))
            continue
        new_rows.append(
            {
                "person_id": person.id,
                "recipient_user_id": user.id,
                "kind": KEEP_IN_TOUCH,
                "for_day": day,
                "send_at": context.policy.send_at(day),
            }
        )
    result.created += _insert_ignoring_duplicates(new_rows)
    return result
