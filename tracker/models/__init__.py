"""SQLAlchemy models. Import every model here so Alembic sees the whole schema."""

from tracker.models.base import Base, UTCDateTime, utcnow
from tracker.models.import_batch import ImportBatch
from tracker.models.register import (
    CHANNEL_LABELS,
    ORGANISATION_TYPE_LABELS,
    PROFESSIONAL_GROUP_LABELS,
    Channel,
    Organisation,
    OrganisationType,
    Person,
    ProfessionalGroup,
    person_pa,
)
from tracker.models.user import ROLE_LABELS, Role, User

__all__ = [
    "CHANNEL_LABELS",
    "ORGANISATION_TYPE_LABELS",
    "PROFESSIONAL_GROUP_LABELS",
    "ROLE_LABELS",
    "Base",
    "Channel",
    "ImportBatch",
    "Organisation",
    "OrganisationType",
    "Person",
    "ProfessionalGroup",
    "Role",
    "UTCDateTime",
    "User",
    "person_pa",
    "utcnow",
]
