"""Briefings: the engagement log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, sql_in_list, utcnow
from tracker.models.decision import Decision
from tracker.models.register import Channel, Person
from tracker.models.user import User

briefing_attendee = Table(
    "briefing_attendee",
    Base.metadata,
    Column("briefing_id", ForeignKey("briefing.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("person.id"), primary_key=True),
    # A person's (or an organisation's people's) briefings, answered from the index alone.
    Index("ix_briefing_attendee_person_briefing", "person_id", "briefing_id"),
)

briefing_decision = Table(
    "briefing_decision",
    Base.metadata,
    Column("briefing_id", ForeignKey("briefing.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "decision_id", ForeignKey("decision.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)


class Briefing(Base):
    __tablename__ = "briefing"
    __table_args__ = (
        CheckConstraint(f"channel IN ({sql_in_list(Channel)})", name="channel_valid"),
        Index("ix_briefing_occurred_at", "occurred_at"),
        Index("ix_briefing_on_behalf_of", "on_behalf_of_person_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime]
    channel: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str | None] = mapped_column(Text, default=None)
    note_reference: Mapped[str | None] = mapped_column(String(200), default=None)
    acknowledged: Mapped[bool] = mapped_column(default=False)
    # The leader who did the briefing (a Person); a PA logs it on their behalf.
    briefed_by_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id"), default=None, index=True
    )
    on_behalf_of_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id"), default=None
    )
    logged_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), default=None, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    attendees: Mapped[list[Person]] = relationship(
        secondary=briefing_attendee, order_by="Person.name_key"
    )
    decisions: Mapped[list[Decision]] = relationship(secondary=briefing_decision)
    briefed_by: Mapped[Person | None] = relationship(foreign_keys=[briefed_by_person_id])
    on_behalf_of: Mapped[Person | None] = relationship(foreign_keys=[on_behalf_of_person_id])
    logged_by: Mapped[User | None] = relationship(foreign_keys=[logged_by_user_id])

    @property
    def channel_label(self) -> str:
        return Channel(self.channel).label
