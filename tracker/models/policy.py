"""Admin policy: default lead times per decision kind, and closure days."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.domain.brief_by import MAX_LEAD_TIME, MIN_LEAD_TIME
from tracker.models.base import Base, utcnow


class LeadTimePolicy(Base):
    __tablename__ = "lead_time_policy"
    __table_args__ = (
        CheckConstraint(
            f"working_days BETWEEN {MIN_LEAD_TIME} AND {MAX_LEAD_TIME}", name="working_days_range"
        ),
    )

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    working_days: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ClosureDay(Base):
    """A day the organisations treat as non-working (e.g. an extra day at Christmas)."""

    __tablename__ = "closure_day"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    reason: Mapped[str] = mapped_column(String(200))
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
