"""The reminder policy: who is owed which reminder about a requirement, on which day.

For every pending requirement of a planned decision, the owner's user (if any) and each
of the owner's PAs are reminded:

- UPCOMING on the working days 3 and 1 working days before the brief-by date
  (`ReminderPolicy.upcoming_offsets`);
- DUE on the brief-by date;
- OVERDUE on each working day after the brief-by date until it is briefed or the event
  has happened;
- ESCALATION to the managers and the owner on the last working day before the event's
  date while the requirement is still pending.

Every reminder is for a working day (never a weekend, bank holiday or closure day) and
is sent at `send_time` (08:00) Europe/London on that day, converted to UTC for that
particular date, so it is right on both sides of the clock changes.

Rules the issue left open, decided here:

- **Never at or after the event.** A reminder is only owed if its send time is before
  the event's time. So on the event's own date an OVERDUE reminder still goes out at
  08:00 when the event is later that day (there is still time to avoid a surprise), and
  nothing goes out for an event at or before 08:00.
- **One reminder per requirement, recipient and day.** When two kinds fall on the same
  day for the same person, only the most urgent is kept (ESCALATION > OVERDUE > DUE >
  UPCOMING). A user who is both the owner and a PA, or both the owner and a manager,
  therefore gets one reminder, not two. The outbox's unique key (requirement,
  recipient, kind, day) is respected either way.
- **Escalation goes to the owner and the managers, not the PAs.** That is what the issue
  says; the PAs still get that day's ordinary reminder (due or overdue).
- **Escalation is literal:** on the last working day before the event's date, even when
  that is also the brief-by date (a lead time of 1, as for every update requirement).
  Otherwise update requirements would never escalate.
- **Update requirements** are reminded exactly like the others, and also while their
  decision is postponed or cancelled, because telling partners about a postponement or
  cancellation is their whole point. Ordinary requirements are only reminded while the
  decision is planned. Draft and held decisions owe nothing.
- **A brief-by date on a non-working day** (possible when an admin adds a closure day
  after the date was worked out) is DUE on the last working day before it, so the
  reminder still comes before the deadline.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tracker.domain.localtime import (
    LONDON_TZ_NAME,
    local_to_utc,
    london_date,
    require_aware,
    require_date,
)
from tracker.domain.statuses import DecisionStatus, RequirementStatus
from tracker.domain.working_days import WorkingCalendar

DEFAULT_UPCOMING_OFFSETS: tuple[int, ...] = (3, 1)
DEFAULT_SEND_TIME = time(8, 0)
#: An upcoming offset larger than this is a configuration mistake, not a policy.
MAX_UPCOMING_OFFSET = 60


class ReminderKind(enum.StrEnum):
    """What a reminder is about."""

    UPCOMING = "upcoming"
    DUE = "due"
    OVERDUE = "overdue"
    ESCALATION = "escalation"

    @property
    def label(self) -> str:
        return _KIND_TEXT[self][0]

    @property
    def urgency(self) -> int:
        """Higher is more urgent; used to keep one reminder per person and day."""
        return _KIND_TEXT[self][1]

    @property
    def sent_individually(self) -> bool:
        """Escalations are never folded into a daily digest (issue 5)."""
        return self is ReminderKind.ESCALATION


_KIND_TEXT: dict[ReminderKind, tuple[str, int]] = {
    ReminderKind.UPCOMING: ("Coming up", 0),
    ReminderKind.DUE: ("Due today", 1),
    ReminderKind.OVERDUE: ("Overdue", 2),
    ReminderKind.ESCALATION: ("Escalation: still not briefed", 3),
}


def send_at_utc(
    day: date, send_time: time = DEFAULT_SEND_TIME, tz: str = LONDON_TZ_NAME
) -> datetime:
    """The aware UTC instant of `send_time` on `day`, wall-clock time in zone `tz`.

    08:00 on Tue 30 March 2027 (BST) is 07:00 UTC; 08:00 on Mon 1 November 2027 (GMT)
    is 08:00 UTC. The offset is that of `day`, not of today.
    """
    return local_to_utc(day, send_time, ZoneInfo(tz))


@dataclass(frozen=True, slots=True)
class ReminderPolicy:
    """The admin-configurable parts of the policy.

    `upcoming_offsets`: working days before the brief-by date on which to send an
    UPCOMING reminder; stored de-duplicated, largest first. `send_time`: the
    Europe/London wall-clock time reminders are sent (naive `time`).
    """

    upcoming_offsets: tuple[int, ...] = DEFAULT_UPCOMING_OFFSETS
    send_time: time = DEFAULT_SEND_TIME

    def __post_init__(self) -> None:
        offsets = tuple(self.upcoming_offsets)
        for offset in offsets:
            if isinstance(offset, bool) or not isinstance(offset, int):
                raise TypeError(f"upcoming offsets must be whole numbers, got {offset!r}")
            if not 1 <= offset <= MAX_UPCOMING_OFFSET:
                raise ValueError(
                    f"upcoming offsets must be between 1 and {MAX_UPCOMING_OFFSET} "
                    f"working days, got {offset}"
                )
        object.__setattr__(self, "upcoming_offsets", tuple(sorted(set(offsets), reverse=True)))
        if not isinstance(self.send_time, time):
            raise TypeError(f"send_time must be a time, not {type(self.send_time).__name__}")
        if self.send_time.tzinfo is not None:
            raise ValueError("send_time is a Europe/London wall-clock time and must be naive")

    def send_at(self, day: date) -> datetime:
        """When reminders for `day` are sent, as an aware UTC datetime."""
        return send_at_utc(day, self.send_time)


DEFAULT_POLICY = ReminderPolicy()


@dataclass(frozen=True, slots=True)
class RequirementSnapshot:
    """What the policy needs to know about one briefing requirement, read from the DB.

    `event_at` is the aware UTC time of the event the partner must hear about before.
    For an update requirement of a cancelled (or indefinitely postponed) decision, pass
    the original event time: reminders then stop when the event would have happened.
    `owner_pa_user_ids` are the users who assist the decision's owner.
    """

    requirement_id: int
    decision_id: int
    status: RequirementStatus
    decision_status: DecisionStatus
    brief_by: date
    event_at: datetime
    owner_user_id: int | None
    owner_pa_user_ids: frozenset[int] = frozenset()
    is_update: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", RequirementStatus(self.status))
        object.__setattr__(self, "decision_status", DecisionStatus(self.decision_status))
        object.__setattr__(self, "owner_pa_user_ids", frozenset(self.owner_pa_user_ids))
        require_date(self.brief_by, "brief_by")
        require_aware(self.event_at, "event_at")

    @property
    def is_remindable(self) -> bool:
        """Pending, and its decision is in a state where partners still need telling."""
        if self.status is not RequirementStatus.PENDING:
            return False
        allowed = _UPDATE_DECISION_STATUSES if self.is_update else _ORDINARY_DECISION_STATUSES
        return self.decision_status in allowed

    @property
    def event_date(self) -> date:
        """The event's Europe/London date."""
        return london_date(self.event_at, "event_at")


_ORDINARY_DECISION_STATUSES = frozenset({DecisionStatus.PLANNED})
_UPDATE_DECISION_STATUSES = frozenset(
    {DecisionStatus.PLANNED, DecisionStatus.POSTPONED, DecisionStatus.CANCELLED}
)


@dataclass(frozen=True, slots=True)
class Reminder:
    """One reminder owed to one user: a row for the outbox."""

    requirement_id: int
    decision_id: int
    recipient_user_id: int
    kind: ReminderKind
    for_day: date
    send_at: datetime

    @property
    def key(self) -> tuple[int, int, ReminderKind, date]:
        """The outbox's unique key: (requirement, recipient, kind, day)."""
        return (self.requirement_id, self.recipient_user_id, self.kind, self.for_day)


def _sort_key(reminder: Reminder) -> tuple[date, int, int, int, int]:
    return (
        reminder.for_day,
        -reminder.kind.urgency,
        reminder.decision_id,
        reminder.requirement_id,
        reminder.recipient_user_id,
    )


@dataclass(frozen=True, slots=True)
class _Plan:
    """The days that matter for one requirement, worked out once."""

    upcoming_days: frozenset[date]
    due_day: date
    brief_by: date
    escalation_day: date
    event_date: date


def _plan(
    requirement: RequirementSnapshot, calendar: WorkingCalendar, policy: ReminderPolicy
) -> _Plan:
    event_date = requirement.event_date
    return _Plan(
        upcoming_days=frozenset(
            calendar.nth_working_day_before(requirement.brief_by, offset)
            for offset in policy.upcoming_offsets
        ),
        due_day=calendar.working_day_on_or_before(requirement.brief_by),
        brief_by=requirement.brief_by,
        escalation_day=calendar.previous_working_day(event_date),
        event_date=event_date,
    )


def _reminders_on(
    day: date,
    requirement: RequirementSnapshot,
    plan: _Plan,
    manager_user_ids: frozenset[int],
    calendar: WorkingCalendar,
    policy: ReminderPolicy,
) -> list[Reminder]:
    """The reminders for `requirement` on `day`, at most one per recipient."""
    if not requirement.is_remindable or not calendar.is_working_day(day):
        return []
    send_at = policy.send_at(day)
    if send_at >= requirement.event_at:
        return []

    ordinary: ReminderKind | None = None
    if day == plan.due_day:
        ordinary = ReminderKind.DUE
    elif day > plan.brief_by:
        ordinary = ReminderKind.OVERDUE
    elif day in plan.upcoming_days:
        ordinary = ReminderKind.UPCOMING

    owed: dict[int, ReminderKind] = {}
    if ordinary is not None:
        team = set(requirement.owner_pa_user_ids)
        if requirement.owner_user_id is not None:
            team.add(requirement.owner_user_id)
        owed.update(dict.fromkeys(team, ordinary))
    if day == plan.escalation_day:
        escalate_to = set(manager_user_ids)
        if requirement.owner_user_id is not None:
            escalate_to.add(requirement.owner_user_id)
        # Escalation is the most urgent kind, so it replaces an ordinary reminder.
        owed.update(dict.fromkeys(escalate_to, ReminderKind.ESCALATION))

    return sorted(
        (
            Reminder(
                requirement_id=requirement.requirement_id,
                decision_id=requirement.decision_id,
                recipient_user_id=recipient,
                kind=kind,
                for_day=day,
                send_at=send_at,
            )
            for recipient, kind in owed.items()
        ),
        key=_sort_key,
    )


def reminders_due_on(
    requirement: RequirementSnapshot,
    *,
    today: date,
    calendar: WorkingCalendar,
    manager_user_ids: Collection[int] = frozenset(),
    policy: ReminderPolicy = DEFAULT_POLICY,
) -> list[Reminder]:
    """The reminders owed for `requirement` on `today` (its Europe/London date).

    Empty on a non-working day, for a requirement that is not pending, for a decision
    that is not in a remindable state, and once the event has happened.
    `manager_user_ids` must already exclude managers who may not see the decision
    (restricted and embargoed decisions are only mentioned to people who may see them).
    """
    require_date(today, "today")
    plan = _plan(requirement, calendar, policy)
    return _reminders_on(today, requirement, plan, frozenset(manager_user_ids), calendar, policy)


def schedule_for_requirement(
    requirement: RequirementSnapshot,
    *,
    today: date,
    calendar: WorkingCalendar,
    manager_user_ids: Collection[int] = frozenset(),
    policy: ReminderPolicy = DEFAULT_POLICY,
) -> list[Reminder]:
    """Every reminder owed for `requirement` on `today` or later, in order.

    Used to (re)build the outbox when a requirement is created or its decision moves:
    cancel the unsent rows, insert these. Finite, because nothing is owed once the
    event has happened. Each day's part equals `reminders_due_on` for that day.
    """
    require_date(today, "today")
    if not requirement.is_remindable:
        return []
    plan = _plan(requirement, calendar, policy)
    managers = frozenset(manager_user_ids)
    first_possible = min(plan.upcoming_days | {plan.due_day, plan.escalation_day})
    start = max(today, first_possible)
    end = plan.event_date + timedelta(days=1)
    return [
        reminder
        for day in calendar.working_days_in(start, end)
        for reminder in _reminders_on(day, requirement, plan, managers, calendar, policy)
    ]


@dataclass(frozen=True, slots=True)
class Digest:
    """Everything one user is owed on one day, for a daily digest email."""

    recipient_user_id: int
    for_day: date
    send_at: datetime
    reminders: tuple[Reminder, ...]


def group_for_digest(reminders: Iterable[Reminder]) -> list[Digest]:
    """Group reminders by recipient and day, most urgent first within each digest.

    Duplicates (same outbox key) are dropped. Nothing is filtered out: leave the
    reminders whose `kind.sent_individually` is true (escalations) out of what you pass
    if they are to be sent on their own, as issue 5 asks.
    """
    unique: dict[tuple[int, int, ReminderKind, date], Reminder] = {}
    for reminder in reminders:
        unique.setdefault(reminder.key, reminder)
    groups: dict[tuple[int, date], list[Reminder]] = {}
    for reminder in unique.values():
        groups.setdefault((reminder.recipient_user_id, reminder.for_day), []).append(reminder)
    return [
        Digest(
            recipient_user_id=recipient,
            for_day=day,
            send_at=min(reminder.send_at for reminder in group),
            reminders=tuple(sorted(group, key=_sort_key)),
        )
        for (recipient, day), group in sorted(groups.items(), key=lambda item: item[0])
    ]
