"""The sweep: claim what is due, check it again, send it once; and the daily pass.

`sweep(now)` is safe to run from any number of processes at once:

1. rows left in 'sending' longer than REMINDER_SENDING_TIMEOUT become 'needs_check' (a
   process died between claiming and recording; we do not guess whether it sent);
2. once per London day, the daily pass reconciles every open requirement and owes the
   day's keep-in-touch reminders (`daily_reconcile`);
3. due rows are claimed with one conditional UPDATE (pending → sending, with a claim
   token; `FOR UPDATE SKIP LOCKED` on PostgreSQL) and the claim is committed before
   anything is sent, as in alphagov/notifications-api;
4. each claimed row is checked again against the database (still pending, decision
   still warrants it, recipient active and allowed to see the decision; for keep in
   touch: the person still due a contact, recipient still an active leader or PA);
5. escalations and the reminders of users who want separate emails go one per email;
   a digest user's reminders for a day are claimed together by one UPDATE per
   (recipient, day), so concurrent sweeps can never split a digest;
6. emails go through one SMTP connection per batch; each is recorded as sent with its
   Message-ID straight away; a mail failure puts the rows back to pending with a
   growing back-off, or marks them failed after REMINDER_MAX_ATTEMPTS.

Units of work. The sweep is a job of its own: it begins by rolling back whatever the
session holds (nothing of the caller's is the sweep's to commit), and then every step is
one `unit_of_work.job()` — committed when the step ends, rolled back if it raises:

- marking stale claims (1);
- the daily pass (2): taking the day's lease; each batch of DAILY_BATCH requirements;
  the keep-in-touch rows; recording the day as done;
- for each claimed batch: the claim (3; for digests one per (recipient, day) group, so
  no sweep holds locks while it waits for another); the re-check (4), which cancels
  what is no longer owed; each email recorded as sent (6); a mail failure recorded.

So a crash loses at most one email's record (its rows are left 'sending' and become
'needs_check'), and nothing is ever sent before its claim is committed.
"""

from __future__ import annotations

import logging
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import selectinload

from tracker.domain.localtime import london_date
from tracker.domain.reminder_policy import ReminderKind, reminders_due_on
from tracker.domain.statuses import RequirementStatus
from tracker.domain.vocabulary import ReminderDelivery, ReminderStatus
from tracker.extensions import db
from tracker.mail import Email, MailError, MailSession
from tracker.models import BriefingRequirement, Decision, Person, Reminder, SweepState, User, utcnow
from tracker.services import history, unit_of_work, visibility
from tracker.services.reminders import messages
from tracker.services.reminders.schedule import (
    CANCELLED,
    PENDING,
    SENDING,
    Context,
    dialect_insert,
    make_context,
    managers_for,
    recompute_for_requirements,
    reconcile_keep_in_touch,
    rows_changed,
    snapshot,
)

log = logging.getLogger(__name__)

#: The longest wait between two attempts to send the same reminder.
MAX_BACKOFF = timedelta(hours=1)
#: Requirements reconciled per unit of work by the daily pass.
DAILY_BATCH = 200
#: A daily pass that started this long ago and never finished may be taken over.
DAILY_LEASE = timedelta(minutes=30)
DAILY_JOB = "daily_reconcile"
#: A sweep stops after this many batches even if more keeps arriving (the next run
#: carries on), so one run always ends.
MAX_BATCHES_PER_SWEEP = 1000

_ESCALATION = ReminderKind.ESCALATION.value
_NEEDS_CHECK = ReminderStatus.NEEDS_CHECK.value

#: Per (recipient, person): the keep-in-touch contact due, as that recipient sees it.
Contacts = dict[tuple[int, int], history.KeepInTouch]


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after the 1st, 2nd, 3rd, 4th … failed attempt, at most an hour."""
    return min(timedelta(minutes=2 ** max(0, attempts - 1)), MAX_BACKOFF)


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


# --- what is due ---------------------------------------------------------------------------


def _due(now: datetime) -> Any:
    return and_(
        Reminder.status == PENDING,
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
    """'sending' rows older than the timeout: a sweep died mid-way; an admin decides.

    Flushes only; the sweep runs it as a unit of work of its own."""
    timeout = timedelta(seconds=current_app.config["REMINDER_SENDING_TIMEOUT"])
    return rows_changed(
        update(Reminder)
        .where(Reminder.status == SENDING, Reminder.claimed_at < now - timeout)
        .values(
            status=_NEEDS_CHECK,
            last_error="The sweep that claimed this reminder did not finish. "
            "It may or may not have been emailed.",
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )


# --- claiming ------------------------------------------------------------------------------


def _claim_values(token: str, now: datetime) -> dict[str, Any]:
    return {
        "status": SENDING,
        "claim_token": token,
        "claimed_at": now,
        "attempts": Reminder.attempts + 1,
        "updated_at": utcnow(),
    }


def _claim_individual(now: datetime, batch_size: int) -> str | None:
    """Claim up to a batch of single-email rows with one UPDATE, committed at once."""
    token = secrets.token_hex(16)
    candidates = (
        select(Reminder.id)
        .where(_individual(now))
        .order_by(Reminder.send_at, Reminder.id)
        .limit(batch_size)
        # Concurrent sweeps skip each other's rows instead of queueing (PostgreSQL).
        .with_for_update(skip_locked=True)
    )
    with unit_of_work.job():  # the claim, committed before anything is sent
        claimed = rows_changed(
            update(Reminder)
            .where(Reminder.id.in_(candidates.scalar_subquery()), Reminder.status == PENDING)
            .values(_claim_values(token, now))
            .execution_options(synchronize_session=False)
        )
    return token if claimed > 0 else None


def _claim_digests(now: datetime, batch_size: int) -> str | None:
    """Claim whole (recipient, day) groups, one UPDATE each, so a digest is never split.

    No SKIP LOCKED here on purpose: a second sweep waits for the first one's claim to
    commit and then finds the group's rows no longer pending.
    """
    with unit_of_work.job():  # a read: ends before the claims take their locks
        groups = db.session.execute(
            select(Reminder.recipient_user_id, Reminder.for_day)
            .where(_in_digest(now))
            .group_by(Reminder.recipient_user_id, Reminder.for_day)
            .order_by(func.min(Reminder.send_at), Reminder.recipient_user_id, Reminder.for_day)
            .limit(batch_size)
        ).all()
    token = secrets.token_hex(16)
    claimed = 0
    for recipient_id, for_day in groups:
        # One unit of work per group, so no sweep holds locks while waiting on another.
        with unit_of_work.job():
            claimed += rows_changed(
                update(Reminder)
                .where(
                    _in_digest(now),
                    Reminder.recipient_user_id == recipient_id,
                    Reminder.for_day == for_day,
                )
                .values(_claim_values(token, now))
                .execution_options(synchronize_session=False)
            )
    return token if claimed else None


# --- checking a claim again ----------------------------------------------------------------


def _load_claimed(token: str) -> list[Reminder]:
    return list(
        db.session.scalars(
            select(Reminder)
            .where(Reminder.claim_token == token, Reminder.status == SENDING)
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
        .where(Reminder.requirement_id.in_(requirement_ids), Reminder.status != CANCELLED)
        .group_by(Reminder.requirement_id, Reminder.recipient_user_id)
    ).all()
    return {(req, rec): day for req, rec, day in latest if req is not None}


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
    if not visibility.can_see(recipient, decision, context.now):
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
        manager_user_ids=managers_for(decision, context),
        policy=context.policy,
    )
    return any(r.recipient_user_id == recipient.id and r.kind.value == row.kind for r in owed)


# --- sending -------------------------------------------------------------------------------


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
    ids = list(ids)
    if not ids:
        return 0
    return rows_changed(
        update(Reminder)
        .where(
            Reminder.id.in_(ids),
            Reminder.claim_token == token,
            # A slow sweep may find its rows marked needs_check; what it knows wins.
            Reminder.status.in_((SENDING, _NEEDS_CHECK)),
        )
        .values(**values, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )


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
            continue
        retry_at = now + backoff(attempts)
        earliest = min(earliest, retry_at)
        summary.retried += _finish(
            [row_id],
            token,
            status=PENDING,
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
            status=PENDING,
            attempts=max(attempts - 1, 0),
            next_attempt_at=retry_at,
            last_error="Not tried: the mail server failed on an earlier email in the batch.",
            claim_token=None,
        )


def _record_failure(
    error: MailError,
    remaining: list[_Outgoing],
    connected: bool,
    token: str,
    now: datetime,
    summary: SweepSummary,
) -> None:
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
                # One unit of work per email, recorded at once: the window in which a
                # crash leaves 'sending' rows (for an admin to check) is one email wide.
                with unit_of_work.job():
                    _finish(
                        item.ids,
                        token,
                        status=ReminderStatus.SENT.value,
                        sent_at=now,
                        message_id=item.email.message_id,
                        last_error=None,
                    )
                summary.sent += len(item.ids)
                summary.digests += 1 if item.is_digest else 0
    except MailError as error:
        with unit_of_work.job():  # what was not sent goes back to the queue, or fails
            _record_failure(error, remaining, connected, token, now, summary)


Compose = Callable[[list[Reminder], Contacts], list[_Outgoing]]


def _individual_emails(rows: list[Reminder], contacts: Contacts) -> list[_Outgoing]:
    return [
        _Outgoing.of(
            [row], messages.individual_email(row, row.recipient, _contact_for(row, contacts)), False
        )
        for row in rows
    ]


def _digest_emails(rows: list[Reminder], contacts: Contacts) -> list[_Outgoing]:
    groups: dict[tuple[int, date], list[Reminder]] = defaultdict(list)
    for row in rows:
        groups[(row.recipient_user_id, row.for_day)].append(row)
    outgoing = []
    for (recipient_id, for_day), group in sorted(groups.items(), key=lambda item: item[0]):
        mine = {
            person_id: item
            for (contact_recipient, person_id), item in contacts.items()
            if contact_recipient == recipient_id
        }
        email = messages.digest_email(group, group[0].recipient, for_day, mine)
        outgoing.append(_Outgoing.of(group, email, True))
    return outgoing


def _send_batch(token: str, context: Context, summary: SweepSummary, compose: Compose) -> None:
    """One claimed batch: check each row again, cancel what is no longer owed, send the
    rest (and, for keep-in-touch rows, describe the contact due)."""
    rows = _load_claimed(token)
    summary.claimed += len(rows)
    latest = _latest_days(rows)
    contacts = _keep_in_touch_contacts(rows, context.now)
    keep: list[Reminder] = []
    drop: list[Reminder] = []
    for row in rows:
        (keep if still_owed(row, context, latest, contacts) else drop).append(row)
    # Written while the rows are loaded: the commit below expires them.
    outgoing = compose(keep, contacts)
    with unit_of_work.job():  # the re-check: what is no longer owed is cancelled
        summary.cancelled += _finish(
            [row.id for row in drop], token, status=CANCELLED, claim_token=None
        )
    if outgoing:
        _deliver(outgoing, token, context.now, summary)


# --- the daily pass ------------------------------------------------------------------------


def _claim_daily(today: date, now: datetime) -> bool:
    """Take today's lease on the daily pass (flushes only)."""
    db.session.execute(dialect_insert()(SweepState).values(name=DAILY_JOB).on_conflict_do_nothing())
    claimed = rows_changed(
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
    return claimed == 1


def _open_requirement_ids(now: datetime, after_id: int) -> list[int]:
    """The next batch of pending requirements of events still to come."""
    return list(
        db.session.scalars(
            select(BriefingRequirement.id)
            .join(Decision, Decision.id == BriefingRequirement.decision_id)
            .where(
                BriefingRequirement.status == RequirementStatus.PENDING.value,
                BriefingRequirement.id > after_id,
                Decision.event_at > now,
            )
            .order_by(BriefingRequirement.id)
            .limit(DAILY_BATCH)
        )
    )


def _load_requirements(ids: Sequence[int]) -> Sequence[BriefingRequirement]:
    return db.session.scalars(
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


def daily_reconcile(now: datetime, summary: SweepSummary | None = None) -> int | None:
    """Once per London day: reconcile every open requirement of a future event, then
    owe the day's keep-in-touch reminders.

    Catches what no service call sees: PAs added or removed, managers created or
    disabled, closure days, embargoes lifting. Each batch of requirements is a unit of
    work of its own, so memory and lock time stay bounded. Returns the number of
    requirements reconciled (keep-in-touch rows created go to `summary`), None when
    another sweep has it today.
    """
    today = london_date(now)
    with unit_of_work.job():  # the day's lease: one sweep a day does the rest
        if not _claim_daily(today, now):
            return None
    count, last_id = 0, 0
    while ids := _open_requirement_ids(now, last_id):
        with unit_of_work.job():  # one batch of requirements
            recompute_for_requirements(_load_requirements(ids), now)
        # The session's identity map holds objects weakly: once this batch's list is
        # dropped, its rows can be collected, so memory stays bounded by the batch.
        count += len(ids)
        last_id = ids[-1]
    with unit_of_work.job():  # the day's keep-in-touch reminders
        keep_in_touch = reconcile_keep_in_touch(now)
    if summary is not None:
        summary.keep_in_touch += keep_in_touch.created + keep_in_touch.revived
    with unit_of_work.job():  # the day is done
        db.session.execute(
            update(SweepState)
            .where(SweepState.name == DAILY_JOB)
            .values(completed_day=today, completed_at=now)
        )
    return count


# --- the sweep -----------------------------------------------------------------------------


def sweep(now: datetime | None = None, clock: Callable[[], datetime] = utcnow) -> SweepSummary:
    """Create what is due and send it, once. Its own units of work (see the module's
    docstring); safe to run concurrently.

    `now` fixes the sweep's clock (for `--now` and tests); otherwise `clock()` is read
    again for every batch, so a long sweep does not claim with a stale time.
    """
    tick: Callable[[], datetime] = (lambda: now) if now is not None else clock
    summary = SweepSummary()
    batch_size = current_app.config["REMINDER_BATCH_SIZE"]
    # Nothing the caller's session holds is the sweep's to commit.
    unit_of_work.rollback()
    with unit_of_work.job():
        summary.needs_check = mark_stale(tick())
    summary.reconciled = daily_reconcile(tick(), summary) or 0
    phases: tuple[tuple[Callable[[datetime, int], str | None], Compose], ...] = (
        (_claim_individual, _individual_emails),
        (_claim_digests, _digest_emails),
    )
    for claim, compose in phases:
        for _ in range(MAX_BATCHES_PER_SWEEP):
            context = make_context(tick())
            token = claim(context.now, batch_size)
            if token is None:
                break
            _send_batch(token, context, summary, compose)
    return summary
