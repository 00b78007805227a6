"""The append-only audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, utcnow
from tracker.models.user import User


class AuditEvent(Base):
    """Who created or changed what, with old and new values. Rows are only ever inserted."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_decision", "decision_id", "occurred_at"),
        Index("ix_audit_entity", "entity_type", "entity_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), default=None
    )
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int]
    # Set for anything that belongs to a decision, so its history page is one indexed query.
    decision_id: Mapped[int | None] = mapped_column(default=None)
    action: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str | None] = mapped_column(String(300), default=None)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()
