"""SQLAlchemy models. Import every model here so Alembic sees the whole schema."""

from tracker.models.base import Base, UTCDateTime, utcnow
from tracker.models.user import ROLE_LABELS, Role, User

__all__ = ["ROLE_LABELS", "Base", "Role", "UTCDateTime", "User", "utcnow"]
