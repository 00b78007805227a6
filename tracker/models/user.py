"""Users: the people who sign in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String, text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.domain.vocabulary import REMINDER_DELIVERY_LABELS, ROLE_LABELS, ReminderDelivery, Role  # noqa: F401
from tracker.models.base import Base, utcnow


class User(Base):
    __tablename__ = "user"
    __table_args__ = (
        CheckConstraint(
            "role IN ('admin', 'leader', 'pa', 'manager', 'viewer')", name="role_valid"
        ),
        # Emails are stored lower-case, so a plain unique constraint is case-insensitive.
        CheckConstraint("email = lower(email)", name="email_lower_case"),
        CheckConstraint(
            "reminder_delivery IN ('individual', 'digest')", name="reminder_delivery_valid"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    # Bumped whenever a password changes, so older sessions stop matching get_id().
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    last_signed_in_at: Mapped[datetime | None] = mapped_column(default=None)
    # A server default so rows that existed before reminders keep working; new users get
    # a default by role from the users service (PAs: digest).
    reminder_delivery: Mapped[str] = mapped_column(
        String(16),
        default=ReminderDelivery.INDIVIDUAL.value,
        server_default=text("'individual'"),
    )

    # --- Flask-Login protocol -------------------------------------------------
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    # --- roles ----------------------------------------------------------------
    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"
