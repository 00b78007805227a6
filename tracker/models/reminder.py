"""The reminder outbox: every message owed to a user is a row before it is sent.

A row moves pending → sending (claimed by one sweep, committed) → sent, or back to
pending with a back-off when the mail server fails, or to failed after too many
attempts. A row left in sending by a crashed sweep becomes needs_check for an admin.
Rows for requirements that no longer need reminding become cancelled. See
`tracker.services.reminders`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.domain.reminder_policy import ReminderKind
from tracker.domain.vocabulary import ReminderStatus
from tracker.models.base import Base, sql_in_list, utcnow
from tracker.models.decision import BriefingRequirement, Decision
from tracker.models.register import Person
from tracker.models.user import User

#: Kinds about a person rather than a requirement ("keep in touch", issue 7).
KEEP_IN_TOUCH = "keep_in_touch"
#: Every kind the outbox accepts. The column is an open string so later issues can add
#: kinds with a migration that widens this CHECK, not a new enum type.
KNOWN_KINDS: tuple[str, ...] = (*(kind.value for kind in ReminderKind), KEEP_IN_TOUCH)
_POLICY_KINDS = frozenset(kind.value for kind in ReminderKind)


class Reminder(Base):
    __tablename__ = "reminder"
    __table_args__ = (
        # Creating reminders is idempotent: the same reminder can only be owed once.
        UniqueConstraint(
            "requirement_id", "recipient_user_id", "kind", "for_day", name="uq_reminder_key"
        ),
        CheckConstraint(f"status IN ({sql_in_list(ReminderStatus)})", name="status_valid"),
        CheckConstraint(
            "kind IN (" + ", ".join(f"'{kind}'" for kind in KNOWN_KINDS) + ")", name="kind_valid"
        ),
        # About exactly one thing: a requirement (with its decision) or a person.
        CheckConstraint("(requirement_id IS NULL) <> (person_id IS NULL)", name="about_one_thing"),
        CheckConstraint(
            "requirement_id IS NULL OR decision_id IS NOT NULL", name="requirement_has_decision"
        ),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        # The sweep's query: pending rows by send time. Partial, so its size follows
        # what is waiting to be sent, not the whole history.
        Index(
            "ix_reminder_pending_send_at",
            "send_at",
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        # The header's unread count and the notifications page.
        Index("ix_reminder_recipient_read", "recipient_user_id", "read_at"),
        # The notifications page: a recipient's newest first.
        Index("ix_reminder_recipient_send_at", "recipient_user_id", "send_at"),
        # Reconciling one requirement's rows.
        Index("ix_reminder_requirement_status", "requirement_id", "status"),
        # Finding stale claims and the admin outbox (few rows in these states).
        Index(
            "ix_reminder_attention",
            "status",
            "claimed_at",
            sqlite_where=text("status IN ('sending', 'failed', 'needs_check')"),
            postgresql_where=text("status IN ('sending', 'failed', 'needs_check')"),
        ),
        # The same for reminders about a person (keep in touch): partial, because those
        # rows never have a requirement; the sweep inserts with ON CONFLICT DO NOTHING.
        Index(
            "uq_reminder_person_day",
            "person_id",
            "recipient_user_id",
            "kind",
            "for_day",
            unique=True,
            sqlite_where=text("requirement_id IS NULL"),
            postgresql_where=text("requirement_id IS NULL"),
        ),
        Index("ix_reminder_decision", "decision_id"),
        Index("ix_reminder_person", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requirement_id: Mapped[int | None] = mapped_column(
        ForeignKey("briefing_requirement.id", ondelete="CASCADE"), default=None
    )
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("decision.id", ondelete="CASCADE"), default=None
    )
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), default=None
    )
    recipient_user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    for_day: Mapped[date] = mapped_column(Date)
    send_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default=ReminderStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    claim_token: Mapped[str | None] = mapped_column(String(64), default=None)
    claimed_at: Mapped[datetime | None] = mapped_column(default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    message_id: Mapped[str | None] = mapped_column(String(255), default=None)
    read_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    requirement: Mapped[BriefingRequirement | None] = relationship()
    decision: Mapped[Decision | None] = relationship()
    person: Mapped[Person | None] = relationship()
    recipient: Mapped[User] = relationship()

    @property
    def kind_enum(self) -> ReminderKind | None:
        return ReminderKind(self.kind) if self.kind in _POLICY_KINDS else None

    @property
    def kind_label(self) -> str:
        kind = self.kind_enum
        return kind.label if kind else "Keep in touch"

    @property
    def status_label(self) -> str:
        return ReminderStatus(self.status).label

    def __repr__(self) -> str:
        return f"<Reminder {self.id} {self.kind} {self.for_day} → {self.recipient_user_id}>"


class SweepState(Base):
    """Once-a-day jobs of the sweep (the daily reconcile), claimed with a lease."""

    __tablename__ = "sweep_state"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    started_day: Mapped[date | None] = mapped_column(Date, default=None)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    completed_day: Mapped[date | None] = mapped_column(Date, default=None)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)
