"""The registers: partner organisations, the people in them, and who assists whom."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.domain.vocabulary import (  # noqa: F401
    CHANNEL_LABELS,
    ORGANISATION_TYPE_LABELS,
    PROFESSIONAL_GROUP_LABELS,
    Channel,
    OrganisationType,
    ProfessionalGroup,
)
from tracker.models.base import Base, utcnow
from tracker.models.user import User


def _in(values: type[enum.StrEnum]) -> str:
    return ", ".join(f"'{member.value}'" for member in values)


class Organisation(Base):
    __tablename__ = "organisation"
    __table_args__ = (
        CheckConstraint(f"org_type IN ({_in(OrganisationType)})", name="org_type_valid"),
        # Names are unique whatever their case.
        Index("uq_organisation_name_key", "name_key", unique=True),
        Index("ix_organisation_archived_name", "is_archived", "name_key"),
        Index("ix_organisation_org_type", "org_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # lower(name), kept by the service layer, so uniqueness and sorting ignore case.
    name_key: Mapped[str] = mapped_column(String(200))
    org_type: Mapped[str] = mapped_column(String(32))
    ods_code: Mapped[str | None] = mapped_column(String(10), unique=True, default=None)
    website: Mapped[str | None] = mapped_column(String(500), default=None)
    notes: Mapped[str | None] = mapped_column(Text, default=None)
    is_archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    people: Mapped[list[Person]] = relationship(
        back_populates="organisation", order_by="Person.name_key"
    )

    @property
    def type_label(self) -> str:
        return OrganisationType(self.org_type).label

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r}>"


# PA delegation: which users (role pa) assist which people (leaders).
person_pa = Table(
    "person_pa",
    Base.metadata,
    Column("person_id", ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Person(Base):
    __tablename__ = "person"
    __table_args__ = (
        CheckConstraint(
            f"professional_group IN ({_in(ProfessionalGroup)})", name="professional_group_valid"
        ),
        CheckConstraint(
            f"preferred_channel IS NULL OR preferred_channel IN ({_in(Channel)})",
            name="preferred_channel_valid",
        ),
        CheckConstraint("influence BETWEEN 1 AND 5", name="influence_range"),
        CheckConstraint("interest BETWEEN 1 AND 5", name="interest_range"),
        CheckConstraint(
            "keep_in_touch_days IS NULL OR keep_in_touch_days BETWEEN 1 AND 365",
            name="keep_in_touch_days_range",
        ),
        CheckConstraint("email IS NULL OR email = lower(email)", name="email_lower_case"),
        Index("ix_person_organisation_id_name_key", "organisation_id", "name_key"),
        Index("ix_person_archived_name", "is_archived", "name_key"),
        Index("ix_person_professional_group", "professional_group"),
        # "My week": key people with a keep-in-touch cadence (few among thousands).
        Index(
            "ix_person_keep_in_touch",
            "keep_in_touch_days",
            sqlite_where=text("keep_in_touch_days IS NOT NULL"),
            postgresql_where=text("keep_in_touch_days IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))  # lower(full_name), for sorting
    job_title: Mapped[str | None] = mapped_column(String(200), default=None)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    email: Mapped[str | None] = mapped_column(String(254), unique=True, default=None)
    phone: Mapped[str | None] = mapped_column(String(40), default=None)
    professional_group: Mapped[str] = mapped_column(
        String(32), default=ProfessionalGroup.OTHER.value
    )
    preferred_channel: Mapped[str | None] = mapped_column(String(16), default=None)
    influence: Mapped[int] = mapped_column(default=3)
    interest: Mapped[int] = mapped_column(default=3)
    # "Keep in touch every N days" for key people; None means no cadence is expected.
    keep_in_touch_days: Mapped[int | None] = mapped_column(default=None)
    notes: Mapped[str | None] = mapped_column(Text, default=None)
    is_main_contact: Mapped[bool] = mapped_column(default=False)
    is_archived: Mapped[bool] = mapped_column(default=False)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), unique=True, default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="people")
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    pas: Mapped[list[User]] = relationship(
        secondary=person_pa, order_by=func.lower(User.display_name)
    )

    @property
    def professional_group_label(self) -> str:
        return ProfessionalGroup(self.professional_group).label

    @property
    def preferred_channel_label(self) -> str | None:
        return Channel(self.preferred_channel).label if self.preferred_channel else None

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.full_name!r}>"
