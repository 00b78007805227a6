"""Decisions, their affected partners (briefing requirements) and reported surprises."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.domain.brief_by import MAX_LEAD_TIME, MIN_LEAD_TIME
from tracker.domain.statuses import DecisionStatus, RequirementStatus
from tracker.domain.vocabulary import (  # noqa: F401
    DECISION_KIND_LABELS,
    SENSITIVITY_LABELS,
    DecisionKind,
    Sensitivity,
)
from tracker.models.base import Base, sql_in_list, utcnow
from tracker.models.register import Person
from tracker.models.user import User

DECISION_STATUS_LABELS = {status: status.label for status in DecisionStatus}
REQUIREMENT_STATUS_LABELS = {status: status.label for status in RequirementStatus}


decision_team = Table(
    "decision_team",
    Base.metadata,
    Column("decision_id", ForeignKey("decision.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True),
)


#: The CHECK constraints' range (the same numbers as the forms and the API).
LEAD_TIMES = f"{MIN_LEAD_TIME} AND {MAX_LEAD_TIME}"


class Decision(Base):
    __tablename__ = "decision"
    __table_args__ = (
        CheckConstraint(f"kind IN ({sql_in_list(DecisionKind)})", name="kind_valid"),
        CheckConstraint(f"sensitivity IN ({sql_in_list(Sensitivity)})", name="sensitivity_valid"),
        CheckConstraint(f"status IN ({sql_in_list(DecisionStatus)})", name="status_valid"),
        CheckConstraint(f"lead_time BETWEEN {LEAD_TIMES}", name="lead_time_range"),
        CheckConstraint(
            "sensitivity <> 'embargoed' OR embargo_lifts_at IS NOT NULL",
            name="embargo_has_lift_time",
        ),
        Index("ix_decision_event_at", "event_at"),
        Index("ix_decision_owner_event", "owner_person_id", "event_at"),
        Index("ix_decision_status_event", "status", "event_at"),
        Index("ix_decision_sensitivity", "sensitivity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    description: Mapped[str | None] = mapped_column(Text, default=None)
    owner_person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    event_at: Mapped[datetime]
    location: Mapped[str | None] = mapped_column(String(200), default=None)
    sensitivity: Mapped[str] = mapped_column(String(16), default=Sensitivity.INTERNAL.value)
    embargo_lifts_at: Mapped[datetime | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(16), default=DecisionStatus.PLANNED.value)
    lead_time: Mapped[int] = mapped_column(default=5)
    # Bumped on every change that matters to calendars (iCalendar SEQUENCE).
    sequence: Mapped[int] = mapped_column(default=0)
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    owner: Mapped[Person] = relationship(foreign_keys=[owner_person_id])
    team: Mapped[list[User]] = relationship(secondary=decision_team)
    requirements: Mapped[list[BriefingRequirement]] = relationship(
        back_populates="decision",
        cascade="all, delete-orphan",
        order_by="(BriefingRequirement.update_round, BriefingRequirement.brief_by, "
        "BriefingRequirement.id)",
    )
    surprises: Mapped[list[SurpriseReport]] = relationship(
        back_populates="decision",
        cascade="all, delete-orphan",
        order_by="SurpriseReport.reported_at",
    )

    @property
    def kind_label(self) -> str:
        return DecisionKind(self.kind).label

    @property
    def status_label(self) -> str:
        return DecisionStatus(self.status).label

    @property
    def sensitivity_label(self) -> str:
        return Sensitivity(self.sensitivity).label

    def __repr__(self) -> str:
        return f"<Decision {self.id} {self.title!r}>"


class BriefingRequirement(Base):
    """'This person must be briefed about this decision by this date.'

    update_round 0 is the original requirement; each later change of date, postponement
    or cancellation adds a round, so partners hear about the change too.
    """

    __tablename__ = "briefing_requirement"
    __table_args__ = (
        UniqueConstraint("decision_id", "person_id", "update_round", name="uq_requirement_round"),
        CheckConstraint(f"status IN ({sql_in_list(RequirementStatus)})", name="status_valid"),
        CheckConstraint(
            f"lead_time_override IS NULL OR lead_time_override BETWEEN {LEAD_TIMES}",
            name="lead_time_override_range",
        ),
        # The pages and the reminder sweep look for pending requirements by brief-by date.
        Index(
            "ix_requirement_pending_brief_by",
            "brief_by",
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        Index("ix_requirement_person", "person_id", "decision_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    reason: Mapped[str | None] = mapped_column(Text, default=None)
    lead_time_override: Mapped[int | None] = mapped_column(default=None)
    brief_by: Mapped[date]
    status: Mapped[str] = mapped_column(String(16), default=RequirementStatus.PENDING.value)
    status_reason: Mapped[str | None] = mapped_column(Text, default=None)
    status_changed_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), default=None
    )
    update_round: Mapped[int] = mapped_column(default=0)
    update_note: Mapped[str | None] = mapped_column(String(200), default=None)
    # When the first briefing that satisfied this requirement happened (outcomes use it).
    first_briefed_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    decision: Mapped[Decision] = relationship(back_populates="requirements")
    person: Mapped[Person] = relationship()

    @property
    def is_update(self) -> bool:
        return self.update_round > 0

    @property
    def status_label(self) -> str:
        return RequirementStatus(self.status).label

    def effective_lead_time(self) -> int:
        return self.lead_time_override or self.decision.lead_time


class SurpriseReport(Base):
    """A partner said they were surprised: it counts against the decision."""

    __tablename__ = "surprise_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(
        ForeignKey("decision.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    reported_at: Mapped[datetime]
    what_they_said: Mapped[str] = mapped_column(Text)
    recorded_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    decision: Mapped[Decision] = relationship(back_populates="surprises")
    person: Mapped[Person] = relationship()
    recorded_by: Mapped[User | None] = relationship()


class DecisionAccess(Base):
    """Pre-release access register: who opened a restricted or embargoed decision, and when."""

    __tablename__ = "decision_access"
    __table_args__ = (UniqueConstraint("decision_id", "user_id", name="uq_decision_access"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    first_viewed_at: Mapped[datetime]
    last_viewed_at: Mapped[datetime]
    view_count: Mapped[int] = mapped_column(default=1)

    user: Mapped[User] = relationship()
