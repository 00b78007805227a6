"""Secret calendar subscription addresses: one per user, stored only as a hash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, utcnow
from tracker.models.user import User


class CalendarFeed(Base):
    """A user's calendar subscription.

    The token in the address is derived from the app's secret key and `salt` (see
    `tracker.services.calendar_feeds`); only its SHA-256 hash is stored, so a copy of the
    database alone cannot be used to read anyone's calendar. Rotating picks a new salt.
    """

    __tablename__ = "calendar_feed"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    salt: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
