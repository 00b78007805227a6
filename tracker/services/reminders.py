"""Reminders as rows: schedule them when requirements change, send them from a sweep.

Scheduling. `reconcile_requirement` asks the pure policy (`tracker.domain.reminder_policy`)
which reminders a requirement is owed from today on and brings the outbox in line, in
the caller's transaction: missing rows are inserted (idempotently, thanks to the unique
key), cancelled rows that are wanted again go back to pending, and pending rows that are
no longer wanted are cancelled. Rows already sent, being sent or failed are history and
are never touched. The decision and briefing services call it whenever something that
matters changes; the sweep also reconciles every open requirement once a London day, for
what those services do not see (a PA added to a leader, a new manager, a closure day).

Keep in touch. The same daily pass owes every active leader and PA a 'keep_in_touch'
reminder for each key person whose contact is due (`history.keep_in_touch_due`, the
list "my week" shows them), on `tracker.domain.keep_in_touch.reminder_day` at the send
time: one per (person, due date), so an overdue contact is reminded about once. These
rows go through the same claim, re-check and send as the others, in the digest too.

Sending. `sweep(now)` is safe to run from any number of processes at once:

1. rows left in 'sending' longer than REMINDER_SENDING_TIMEOUT become 'needs_check' (a
   process died between claiming and recording; we do not guess whether it sent);
2. due rows are claimed with one conditional UPDATE (pending → sending, with a claim
   token; `FOR UPDATE SKIP LOCKED` on PostgreSQL) and the claim is committed before
   anything is sent, as in alphagov/notifications-api;
3. each claimed row is checked again against the database (still pending, decision
   still warrants it, recipient active and allowed to see the decision; for keep in
   touch: the person still due a contact, recipient still an active leader or PA);
4. escalations and the reminders of users who want separate emails go one per email;
   a digest user's reminders for a day are claimed together by one UPDATE per
   (recipient, day), so concurrent sweeps can never split a digest;
5. emails go through one SMTP connection per batch; each is recorded as sent with its
   Message-ID and committed straight away; a mail failure puts the rows back to
   pending with a growing back-off, or marks them failed after REMINDER_MAX_ATTEMPTS.
"""

from __future__ import annotations

import logging
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from tracker.domain.errors import InvalidInput
from tracker.domain.keep_in_touch import reminder_day
from tracker.domain.localtime import london_date
from tracker.domain.reminder_policy import (
    ReminderKind,
    ReminderPolicy,
    RequirementSnapshot,
    reminders_due_on,
    schedule_for_requirement,
)
from tracker.domain.statuses import RequirementStatus
from tracker.domain.working_days import WorkingCalendar
from tracker.extensions import db
from tracker.mail import Email, MailError, MailSession
from tracker.models import (
    KEEP_IN_TOUCH,
    BriefingRequirement,
    Decision,
    Person,
    Reminder,
    ReminderDelivery,
    ReminderStatus,
    Role,
    SweepState,
    User,
    utcnow,
)
from tracker.services import audit, calendar, history, reminder_messages, visibility

log = logging.getLogger(__name__)

#: The longest wait between two attempts to send the same reminder.
MAX_BACKOFF = timedelta(hours=1)
#: Requirements reconciled per transaction by the daily safety net.
DAILY_BATCH = 200
#: A daily reconcile that started this long ago and never finished may be taken over.
DAILY_LEASE = timedelta(minutes=30)
DAILY_JOB = "daily_reconcile"
#: A sweep stops after this many batches even if more keeps arriving (the next run
#: carries on), so one run always ends.
MAX_BATCHES_PER_SWEEP = 1000

_ESCALATION = ReminderKind.ESCALATION.value
_PENDING = ReminderStatus.PENDING.value
_SENDING = ReminderStatus.SENDING.value
_CANCELLED = ReminderStatus.CANCELLED.value

#: Per (recipient, person): the keep-in-touch contact due, as that recipient sees it.
Contacts = dict[tuple[int, int], history.KeepInTouch]


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


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after the 1st, 2nd, 3rd, 4th … failed attempt, at most an hour."""
    return min(timedelta(minutes=2 ** max(0, attempts - 1)), MAX_BACKOFF)


# --- who is owed what --------------------------------------------------------------------


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


def _may_hear(user: User | None, decision: Decision, now: datetime) -> bool:
    """Only active users who may see a decision are ever told about it."""
    return user is not None and user.is_active and visibility.can_see(user, decision, now)


def snapshot(requirement: BriefingRequirement, now: datetime) -> RequirementSnapshot:
    """The policy's view of a requirement, with recipients already filtered by visibility."""
    decision = requirement.decision
    owner = decision.owner
    owner_user = owner.user if _may_hear(owner.user, decision, now) else None
    return RequirementSnapshot(
        requirement_id=requirement.id,
        decision_id=decision.id,
        status=RequirementStatus(requirement.status),
        decision_status=decision.status,
        brief_by=requirement.brief_by,
        # Cancelled decisions keep their original event time, as the policy asks.
        event_at=decision.event_at,
        owner_user_id=owner_user.id if owner_user else None,
        owner_pa_user_ids=frozenset(pa.id for pa in owner.pas if _may_hear(pa, decision, now)),
        is_update=requirement.is_update,
    )


def _managers_for(decision: Decision, context: Context) -> frozenset[int]:
    return frozenset(
        manager.id for manager in context.managers if _may_hear(manager, decision, context.now)
    )


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


def _insert_ignoring_duplicates(rows: list[dict[str, Any]]) -> int:
    """Insert outbox rows; a row whose key already exists (a concurrent insert) is skipped."""
    if not rows:
        return 0
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    now = utcnow()
    for row in rows:
        row.setdefault("created_at", now)
        row.setdefault("updated_at", now)
    # Without a conflict target, any unique key counts: (requirement, recipient, kind,
    # day) for reminders about a requirement, the partial one on (person, recipient,
    # kind, day) for reminders about a person. RETURNING lists only the rows inserted
    # (a multi-row INSERT's rowcount is not reliable on every driver).
    inserted = db.session.execute(
        insert(Reminder).values(rows).on_conflict_do_nothing().returning(Reminder.id)
    )
    return len(inserted.all())


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
    snap = snapshot(requirement, context.now)
    today = context.today
    desired = {
        (r.recipient_user_id, r.kind.value, r.for_day): r
        for r in schedule_for_requirement(
            snap,
            today=today,
            calendar=context.calendar,
            manager_user_ids=_managers_for(requirement.decision, context),
            policy=context.policy,
        )
    }
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
        if for_day < today:
            # Earlier days are the sweep's business (it may still be retrying one),
            # unless nothing at all is owed any more.
            if status == _PENDING and not snap.is_remindable:
                to_cancel.append(row_id)
            continue
        if status == _PENDING and wanted is None:
            to_cancel.append(row_id)
        elif status == _PENDING and wanted is not None and send_at != wanted.send_at:
            result.rescheduled += _conditional_update([row_id], {_PENDING}, send_at=wanted.send_at)
        elif status == ReminderStatus.CANCELLED.value and wanted is not None:
            result.revived += _conditional_update(
                [row_id],
                {ReminderStatus.CANCELLED.value},
                status=_PENDING,
                send_at=wanted.send_at,
                next_attempt_at=None,
                attempts=0,
                last_error=None,
                claim_token=None,
            )
    # Conditional on 'pending': a row a sweep has just claimed is left to the sweep.
    result.cancelled += _conditional_update(
        to_cancel, {_PENDING}, status=ReminderStatus.CANCELLED.value
    )
    result.created += _insert_ignoring_duplicates(
        [
            {
                "requirement_id": r.requirement_id,
                "decision_id": r.decision_id,
                "recipient_user_id": r.recipient_user_id,
                "kind": r.kind.value,
                "for_day": r.for_day,
                "send_at": r.send_at,
                "status": _PENDING,
                "attempts": 0,
            }
            for r in desired.values()
        ]
    )
    return result


def _conditional_update(ids: Sequence[int], statuses: set[str], **values: Any) -> int:
    if not ids:
        return 0
    result = db.session.execute(
        update(Reminder)
        .where(Reminder.id.in_(list(ids)), Reminder.status.in_(statuses))
        .values(**values, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return max(result.rowcount or 0, 0)


def recompute_for_decision(decision: Decision, now: datetime | None = None) -> ReconcileResult:
    """Reconcile every requirement of a decision; call after any change, before commit."""
    db.session.flush()
    context = make_context(now)
    result = ReconcileResult()
    for requirement in decision.requirements:
        result.add(reconcile_requirement(requirement, context=context))
    return result


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


def _reconcile_keep_in_touch_for(user: User, context: Context) -> ReconcileResult:
    result = ReconcileResult()
    due = history.keep_in_touch_due(user, context.now)
    if not due:
        return result
    stored: dict[int, list[tuple[int, date, str]]] = defaultdict(list)
    for row_id, person_id, for_day, status in db.session.execute(
        select(Reminder.id, Reminder.person_id, Reminder.for_day, Reminder.status).where(
            Reminder.recipient_user_id == user.id,
            Reminder.kind == KEEP_IN_TOUCH,
            Reminder.person_id.in_([item.person.id for item in due]),
            Reminder.for_day >= min(item.contact.due_on for item in due),
        )
    ):
        stored[person_id].append((row_id, for_day, status))
    new_rows: list[dict[str, Any]] = []
    for item in due:
        person = item.person
        assert person.keep_in_touch_days is not None
        day = reminder_day(
            london_date(item.last_contact) if item.last_contact else None,
            person.keep_in_touch_days,
            context.today,
            context.calendar,
            since=history.cadence_since(person),
        )
        # Rows on or after the due date are about this due date (a contact moves it on).
        current = [row for row in stored[person.id] if row[1] >= item.contact.due_on]
        if any(status != _CANCELLED for _, _, status in current):
            continue
        cancelled_today = [row_id for row_id, for_day, _ in current if for_day == day]
        if cancelled_today:
            result.revived += _conditional_update(
                cancelled_today,
                {_CANCELLED},
                status=_PENDING,
                send_at=context.policy.send_at(day),
                next_attempt_at=None,
                attempts=0,
                last_error=None,
                claim_token=None,
            )
            continue
        new_rows.append(
            {
                "person_id": person.id,
                "recipient_user_id": user.id,
                "kind": KEEP_IN_TOUCH,
                "for_day": day,
                "send_at": context.policy.send_at(day),
                "status": _PENDING,
                "attempts": 0,
            }
        )
    result.created += _insert_ignoring_duplicates(new_rows)
    return result


def _keep_in_touch_contacts(rows: list[Reminder], now: datetime) -> Contacts:
    """Per (recipient, person) of claimed keep-in-touch rows: the contact still due, as
    that recipient sees it (one query per recipient). Missing: no longer owed."""
    wanted: dict[int, set[int]] = defaultdict(set)
    recipients: dict[int, User] = {}
    for row in rows:
        recipient = row.recipient
        if row.person_id is None or not recipient.is_active:
            continue
        if not history.keeps_in_touch(recipient):
            continue
        wanted[recipient.id].add(row.person_id)
        recipients[recipient.id] = recipient
    contacts: Contacts = {}
    for recipient_id, person_ids in wanted.items():
        for item in history.keep_in_touch_due(recipients[recipient_id], now, person_ids=person_ids):
            contacts[(recipient_id, item.person.id)] = item
    return contacts


# --- the sweep ---------------------------------------------------------------------------


@dataclass
class SweepSummary:
    claimed: int = 0
    sent: int = 0
    digests: int = 0
    failed: int = 0
    retried: int = 0
    cancelled: int = 0
    needs_check: int = 0
    reconciled: int = 0
    keep_in_touch: int = 0
    errors: list[str] = field(default_factory=list)

    def as_text(self) -> str:
        return (
            f"claimed {self.claimed}, sent {self.sent} (in {self.digests} digests), "
            f"retried {self.retried}, failed {self.failed}, cancelled {self.cancelled}, "
            f"needs check {self.needs_check}, requirements reconciled {self.reconciled}, "
            f"keep-in-touch reminders created {self.keep_in_touch}"
        )


def _due(now: datetime) -> Any:
    return and_(
        Reminder.status == _PENDING,
        Reminder.send_at <= now,
        or_(Reminder.next_attempt_at.is_(None), Reminder.next_attempt_at <= now),
    )


def _digest_users() -> Any:
    return select(User.id).where(User.reminder_delivery == ReminderDelivery.DIGEST.value)


def _individual(now: datetime) -> Any:
    return and_(
        _due(now),
        or_(Reminder.kind == _ESCALATION, Reminder.recipient_user_id.not_in(_digest_users())),
    )


def _in_digest(now: datetime) -> Any:
    return and_(
        _due(now),
        Reminder.kind != _ESCALATION,
        Reminder.recipient_user_id.in_(_digest_users()),
    )


def mark_stale(now: datetime) -> int:
    """'sending' rows older than the timeout: a sweep died mid-way; an admin decides."""
    timeout = timedelta(seconds=current_app.config["REMINDER_SENDING_TIMEOUT"])
    result = db.session.execute(
        update(Reminder)
        .where(Reminder.status == _SENDING, Reminder.claimed_at < now - timeout)
        .values(
            status=ReminderStatus.NEEDS_CHECK.value,
            last_error="The sweep that claimed this reminder did not finish. "
            "It may or may not have been emailed.",
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return max(result.rowcount or 0, 0)


def _claim_individual(now: datetime, batch_size: int) -> str | None:
    token = secrets.token_hex(16)
    candidates = (
        select(Reminder.id)
        .where(_individual(now))
        .order_by(Reminder.send_at, Reminder.id)
        .limit(batch_size)
        # Concurrent sweeps skip each other's rows instead of queueing (PostgreSQL).
        .with_for_update(skip_locked=True)
    )
    result = db.session.execute(
        update(Reminder)
        .where(Reminder.id.in_(candidates.scalar_subquery()), Reminder.status == _PENDING)
        .values(_claim_values(token, now))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return token if (result.rowcount or 0) > 0 else None


def _claim_values(token: str, now: datetime) -> dict[str, Any]:
    return {
        "status": _SENDING,
        "claim_token": token,
        "claimed_at": now,
        "attempts": Reminder.attempts + 1,
        "updated_at": utcnow(),
    }


def _claim_digests(now: datetime, batch_size: int) -> str | None:
    """Claim whole (recipient, day) groups, one UPDATE each, so a digest is never split.

    No SKIP LOCKED here on purpose: a second sweep waits for the first one's claim to
    commit and then finds the group's rows no longer pending.
    """
    groups = db.session.execute(
        select(Reminder.recipient_user_id, Reminder.for_day)
        .where(_in_digest(now))
        .group_by(Reminder.recipient_user_id, Reminder.for_day)
        .order_by(func.min(Reminder.send_at), Reminder.recipient_user_id, Reminder.for_day)
        .limit(batch_size)
    ).all()
    db.session.commit()
    token = secrets.token_hex(16)
    claimed = 0
    for recipient_id, for_day in groups:
        result = db.session.execute(
            update(Reminder)
            .where(
                _in_digest(now),
                Reminder.recipient_user_id == recipient_id,
                Reminder.for_day == for_day,
            )
            .values(_claim_values(token, now))
            .execution_options(synchronize_session=False)
        )
        # Commit each group at once, so no sweep holds locks while waiting on another.
        db.session.commit()
        claimed += max(result.rowcount or 0, 0)
    return token if claimed else None


def _load_claimed(token: str) -> list[Reminder]:
    return list(
        db.session.scalars(
            select(Reminder)
            .where(Reminder.claim_token == token, Reminder.status == _SENDING)
            .options(
                selectinload(Reminder.recipient),
                selectinload(Reminder.requirement)
                .selectinload(BriefingRequirement.person)
                .selectinload(Person.organisation),
                selectinload(Reminder.person).selectinload(Person.organisation),
                selectinload(Reminder.decision).options(
                    selectinload(Decision.owner).options(
                        selectinload(Person.user), selectinload(Person.pas)
                    ),
                    selectinload(Decision.team),
                ),
            )
            .order_by(Reminder.send_at, Reminder.id)
        )
    )


def _latest_days(rows: list[Reminder]) -> dict[tuple[int, int], date]:
    """The latest day anything not cancelled is owed, per (requirement, recipient)."""
    requirement_ids = {row.requirement_id for row in rows if row.requirement_id is not None}
    if not requirement_ids:
        return {}
    latest = db.session.execute(
        select(Reminder.requirement_id, Reminder.recipient_user_id, func.max(Reminder.for_day))
        .where(
            Reminder.requirement_id.in_(requirement_ids),
            Reminder.status != ReminderStatus.CANCELLED.value,
        )
        .group_by(Reminder.requirement_id, Reminder.recipient_user_id)
    ).all()
    return {(req, rec): day for req, rec, day in latest}


def _contact_for(row: Reminder, contacts: Contacts) -> history.KeepInTouch | None:
    if row.person_id is None:
        return None
    return contacts.get((row.recipient_user_id, row.person_id))


def still_owed(
    row: Reminder,
    context: Context,
    latest: dict[tuple[int, int], date],
    contacts: Contacts | None = None,
) -> bool:
    """Re-check a claimed row against the database as it is now, just before sending.

    `contacts` (from `_keep_in_touch_contacts`) answers for keep-in-touch rows: owed
    while the person is still due a contact for the same due date, as the recipient
    sees it; not once they were contacted, archived or lost their cadence, nor when the
    recipient is no longer an active leader or PA.
    """
    if row.person_id is not None:
        item = _contact_for(row, contacts or {})
        return item is not None and item.contact.due_on <= row.for_day
    requirement, decision, recipient = row.requirement, row.decision, row.recipient
    if requirement is None or decision is None:
        return False
    if requirement.status != RequirementStatus.PENDING.value:
        return False
    if context.now >= decision.event_at:
        return False
    if not _may_hear(recipient, decision, context.now):
        return False
    # A day missed (the scheduler was down) is dropped when a later reminder about the
    # same requirement is owed to the same person anyway: one nudge, not a pile.
    if (
        row.for_day < context.today
        and latest.get((requirement.id, recipient.id), row.for_day) > row.for_day
    ):
        return False
    owed = reminders_due_on(
        snapshot(requirement, context.now),
        today=row.for_day,
        calendar=context.calendar,
        manager_user_ids=_managers_for(decision, context),
        policy=context.policy,
    )
    return any(r.recipient_user_id == recipient.id and r.kind.value == row.kind for r in owed)


@dataclass
class _Outgoing:
    """One email and the outbox rows it carries, as plain values: rows expire at each
    commit and must not be reloaded one by one."""

    attempts: dict[int, int]
    email: Email
    is_digest: bool

    @classmethod
    def of(cls, rows: list[Reminder], email: Email, is_digest: bool) -> _Outgoing:
        return cls({row.id: row.attempts for row in rows}, email, is_digest)

    @property
    def ids(self) -> list[int]:
        return list(self.attempts)


def _finish(ids: Iterable[int], token: str, **values: Any) -> int:
    """Update claimed rows, only if our claim still stands (an admin may have acted)."""
    result = db.session.execute(
        update(Reminder)
        .where(
            Reminder.id.in_(list(ids)),
            Reminder.claim_token == token,
            # A slow sweep may find its rows marked needs_check; what it knows wins.
            Reminder.status.in_((_SENDING, ReminderStatus.NEEDS_CHECK.value)),
        )
        .values(**values, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return max(result.rowcount or 0, 0)


def _retry_or_fail(
    item: _Outgoing, token: str, error: str, now: datetime, summary: SweepSummary
) -> datetime:
    """Back to pending with a back-off, or failed after the last attempt. Returns the
    earliest retry time (used for the emails of the batch that were not tried)."""
    max_attempts = current_app.config["REMINDER_MAX_ATTEMPTS"]
    earliest = now + MAX_BACKOFF
    for row_id, attempts in item.attempts.items():
        if attempts >= max_attempts:
            summary.failed += _finish(
                [row_id],
                token,
                status=ReminderStatus.FAILED.value,
                last_error=error,
                claim_token=None,
            )
        else:
            retry_at = now + backoff(attempts)
            earliest = min(earliest, retry_at)
            summary.retried += _finish(
                [row_id],
                token,
                status=_PENDING,
                next_attempt_at=retry_at,
                last_error=error,
                claim_token=None,
            )
    return earliest


def _release(item: _Outgoing, token: str, retry_at: datetime, summary: SweepSummary) -> None:
    """An email never tried because the connection broke first: its rows go back to
    pending with no attempt counted."""
    for row_id, attempts in item.attempts.items():
        summary.retried += _finish(
            [row_id],
            token,
            status=_PENDING,
            attempts=max(attempts - 1, 0),
            next_attempt_at=retry_at,
            last_error="Not tried: the mail server failed on an earlier email in the batch.",
            claim_token=None,
        )


def _deliver(outgoing: list[_Outgoing], token: str, now: datetime, summary: SweepSummary) -> None:
    remaining = list(outgoing)
    connected = False
    try:
        with MailSession() as mail_session:
            connected = True
            while remaining:
                item = remaining[0]
                mail_session.send(item.email)
                remaining.pop(0)
                # Recorded at once: the window in which a crash leaves 'sending' rows
                # (for an admin to check) is one email wide.
                _finish(
                    item.ids,
                    token,
                    status=ReminderStatus.SENT.value,
                    sent_at=now,
                    message_id=item.email.message_id,
                    last_error=None,
                )
                db.session.commit()
                summary.sent += len(item.ids)
                summary.digests += 1 if item.is_digest else 0
    except MailError as error:
        log.warning("Reminder email failed: %s", error)
        summary.errors.append(str(error))
        if not connected:
            # Nothing went out: every email of the batch was attempted and failed.
            for item in remaining:
                _retry_or_fail(item, token, str(error), now, summary)
        elif remaining:
            retry_at = _retry_or_fail(remaining[0], token, str(error), now, summary)
            for item in remaining[1:]:
                _release(item, token, retry_at, summary)
        db.session.commit()


def _prepare(
    token: str, context: Context, summary: SweepSummary
) -> tuple[list[Reminder], Contacts]:
    """Load a claim, cancel what is no longer owed, return what should go out (and, for
    keep-in-touch rows, the contact due that their emails describe)."""
    rows = _load_claimed(token)
    summary.claimed += len(rows)
    latest = _latest_days(rows)
    contacts = _keep_in_touch_contacts(rows, context.now)
    keep, drop = [], []
    for row in rows:
        (keep if still_owed(row, context, latest, contacts) else drop).append(row)
    if drop:
        summary.cancelled += _finish(
            [row.id for row in drop], token, status=ReminderStatus.CANCELLED.value, claim_token=None
        )
        db.session.commit()
    return keep, contacts


def _send_individual(token: str, context: Context, summary: SweepSummary) -> None:
    rows, contacts = _prepare(token, context, summary)
    outgoing = [
        _Outgoing.of(
            [row],
            reminder_messages.individual_email(row, row.recipient, _contact_for(row, contacts)),
            False,
        )
        for row in rows
    ]
    if outgoing:
        _deliver(outgoing, token, context.now, summary)


def _send_digests(token: str, context: Context, summary: SweepSummary) -> None:
    rows, contacts = _prepare(token, context, summary)
    groups: dict[tuple[int, date], list[Reminder]] = defaultdict(list)
    for row in rows:
        groups[(row.recipient_user_id, row.for_day)].append(row)
    outgoing = [
        _Outgoing.of(
            group,
            reminder_messages.digest_email(
                group,
                group[0].recipient,
                for_day,
                {
                    person_id: item
                    for (recipient_id, person_id), item in contacts.items()
                    if recipient_id == group[0].recipient_user_id
                },
            ),
            True,
        )
        for (_, for_day), group in sorted(groups.items(), key=lambda item: item[0])
    ]
    if outgoing:
        _deliver(outgoing, token, context.now, summary)


def _claim_daily(today: date, now: datetime) -> bool:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(insert(SweepState).values(name=DAILY_JOB).on_conflict_do_nothing())
    result = db.session.execute(
        update(SweepState)
        .where(
            SweepState.name == DAILY_JOB,
            or_(SweepState.completed_day.is_(None), SweepState.completed_day != today),
            or_(
                SweepState.started_day.is_(None),
                SweepState.started_day != today,
                SweepState.started_at < now - DAILY_LEASE,
            ),
        )
        .values(started_day=today, started_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return (result.rowcount or 0) == 1


def daily_reconcile(now: datetime, summary: SweepSummary | None = None) -> int | None:
    """Once per London day: reconcile every open requirement of a future event, then
    owe the day's keep-in-touch reminders.

    Catches what no service call sees: PAs added or removed, managers created or
    disabled, closure days, embargoes lifting. Runs in batches with a commit each, so
    memory and lock time stay bounded. Returns the number of requirements reconciled
    (keep-in-touch rows created go to `summary`), None when another sweep has it today.
    """
    today = london_date(now)
    if not _claim_daily(today, now):
        return None
    count, last_id = 0, 0
    while True:
        ids = list(
            db.session.scalars(
                select(BriefingRequirement.id)
                .join(Decision, Decision.id == BriefingRequirement.decision_id)
                .where(
                    BriefingRequirement.status == RequirementStatus.PENDING.value,
                    BriefingRequirement.id > last_id,
                    Decision.event_at > now,
                )
                .order_by(BriefingRequirement.id)
                .limit(DAILY_BATCH)
            )
        )
        if not ids:
            break
        requirements = db.session.scalars(
            select(BriefingRequirement)
            .where(BriefingRequirement.id.in_(ids))
            .options(
                selectinload(BriefingRequirement.decision).options(
                    selectinload(Decision.owner).options(
                        selectinload(Person.user), selectinload(Person.pas)
                    ),
                    selectinload(Decision.team),
                )
            )
        ).all()
        recompute_for_requirements(requirements, now)
        # The session's identity map holds objects weakly: once this batch's list is
        # dropped, its rows can be collected, so memory stays bounded by the batch.
        db.session.commit()
        count += len(ids)
        last_id = ids[-1]
    keep_in_touch = reconcile_keep_in_touch(now)
    db.session.commit()
    if summary is not None:
        summary.keep_in_touch += keep_in_touch.created + keep_in_touch.revived
    db.session.execute(
        update(SweepState)
        .where(SweepState.name == DAILY_JOB)
        .values(completed_day=today, completed_at=now)
    )
    db.session.commit()
    return count


def sweep(now: datetime | None = None, clock: Callable[[], datetime] = utcnow) -> SweepSummary:
    """Create what is due and send it, once. Commits as it goes; safe to run concurrently.

    `now` fixes the sweep's clock (for `--now` and tests); otherwise `clock()` is read
    again for every batch, so a long sweep does not claim with a stale time.
    """
    tick: Callable[[], datetime] = (lambda: now) if now is not None else clock
    summary = SweepSummary()
    batch_size = current_app.config["REMINDER_BATCH_SIZE"]
    db.session.rollback()
    summary.needs_check = mark_stale(tick())
    summary.reconciled = daily_reconcile(tick(), summary) or 0
    phases = ((_claim_individual, _send_individual), (_claim_digests, _send_digests))
    for claim, send in phases:
        for _ in range(MAX_BATCHES_PER_SWEEP):
            context = make_context(tick())
            token = claim(context.now, batch_size)
            if token is None:
                break
            send(token, context, summary)
    return summary


# --- the admin outbox --------------------------------------------------------------------


def needing_attention() -> list[Reminder]:
    """Failed rows and rows a crashed sweep left behind, newest first (admins see all)."""
    return list(
        db.session.scalars(
            select(Reminder)
            .where(
                Reminder.status.in_((ReminderStatus.FAILED.value, ReminderStatus.NEEDS_CHECK.value))
            )
            .options(
                selectinload(Reminder.recipient),
                selectinload(Reminder.decision),
                selectinload(Reminder.requirement).selectinload(BriefingRequirement.person),
                selectinload(Reminder.person),
            )
            .order_by(Reminder.updated_at.desc(), Reminder.id.desc())
        )
    )


class OutboxError(InvalidInput):
    """An outbox action that does not fit the reminder's state."""


def get_for_admin(reminder_id: int) -> Reminder | None:
    return db.session.get(Reminder, reminder_id)


def _require_attention(reminder: Reminder) -> str:
    if reminder.status not in (ReminderStatus.FAILED.value, ReminderStatus.NEEDS_CHECK.value):
        raise OutboxError("This reminder no longer needs attention.")
    return reminder.status


def retry(actor: User, reminder: Reminder, now: datetime | None = None) -> None:
    """Send again at the next sweep, with a fresh set of attempts."""
    before = _require_attention(reminder)
    now = now or utcnow()
    reminder.status = _PENDING
    reminder.attempts = 0
    reminder.next_attempt_at = now
    reminder.claim_token = None
    audit.record(
        actor=actor,
        entity_type="reminder",
        entity_id=reminder.id,
        decision_id=reminder.decision_id,
        action="retried",
        changes={"status": [before, _PENDING]},
        summary="Reminder queued to send again",
    )
    db.session.flush()


def mark_sent(actor: User, reminder: Reminder, now: datetime | None = None) -> None:
    """An admin checked the mail logs: it did go out."""
    before = _require_attention(reminder)
    reminder.status = ReminderStatus.SENT.value
    reminder.sent_at = reminder.sent_at or now or utcnow()
    reminder.claim_token = None
    audit.record(
        actor=actor,
        entity_type="reminder",
        entity_id=reminder.id,
        decision_id=reminder.decision_id,
        action="marked_sent",
        changes={"status": [before, ReminderStatus.SENT.value]},
        summary="Reminder marked as sent by an admin",
    )
    db.session.flush()


# --- in-app notifications ------------------------------------------------------------------


def _shown_to(user: User, now: datetime) -> Any:
    return and_(
        Reminder.recipient_user_id == user.id,
        Reminder.send_at <= now,
        Reminder.status != ReminderStatus.CANCELLED.value,
        or_(
            # About a person (keep in touch): no decision is ever mentioned.
            Reminder.person_id.is_not(None),
            # Never mention a decision the user can no longer see.
            Reminder.decision_id.in_(
                select(Decision.id).where(visibility.visible_clause_inline(user, now))
            ),
        ),
    )


def unread_count(user: User, now: datetime | None = None) -> int:
    """One indexed COUNT for the header."""
    now = now or utcnow()
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Reminder)
            .where(_shown_to(user, now), Reminder.read_at.is_(None))
        )
        or 0
    )


def notifications(user: User, now: datetime | None = None, limit: int = 100) -> list[Reminder]:
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(Reminder)
            .where(_shown_to(user, now))
            .options(
                selectinload(Reminder.decision).selectinload(Decision.owner),
                selectinload(Reminder.requirement).selectinload(BriefingRequirement.person),
                selectinload(Reminder.person),
            )
            .order_by(Reminder.send_at.desc(), Reminder.id.desc())
            .limit(limit)
        )
    )


def mark_all_read(user: User, now: datetime | None = None) -> int:
    now = now or utcnow()
    result = db.session.execute(
        update(Reminder)
        .where(_shown_to(user, now), Reminder.read_at.is_(None))
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return max(result.rowcount or 0, 0)
