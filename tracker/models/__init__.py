"""SQLAlchemy models. Import every model here so Alembic sees the whole schema."""

from tracker.models.audit import AuditEvent
from tracker.models.base import Base, UTCDateTime, utcnow
from tracker.models.briefing import Briefing, briefing_attendee, briefing_decision
from tracker.models.calendar_feed import CalendarFeed
from tracker.models.decision import (
    DECISION_KIND_LABELS,
    DECISION_STATUS_LABELS,
    REQUIREMENT_STATUS_LABELS,
    SENSITIVITY_LABELS,
    BriefingRequirement,
    Decision,
    DecisionAccess,
    DecisionKind,
    DecisionStatus,
    RequirementStatus,
    Sensitivity,
    SurpriseReport,
    decision_team,
)
from tracker.models.import_batch import ImportBatch
from tracker.models.policy import ClosureDay, LeadTimePolicy
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
    "DECISION_KIND_LABELS",
    "DECISION_STATUS_LABELS",
    "ORGANISATION_TYPE_LABELS",
    "PROFESSIONAL_GROUP_LABELS",
    "REQUIREMENT_STATUS_LABELS",
    "ROLE_LABELS",
    "SENSITIVITY_LABELS",
    "AuditEvent",
    "Base",
    "Briefing",
    "BriefingRequirement",
    "CalendarFeed",
    "Channel",
    "ClosureDay",
    "Decision",
    "DecisionAccess",
    "DecisionKind",
    "DecisionStatus",
    "ImportBatch",
    "LeadTimePolicy",
    "Organisation",
    "OrganisationType",
    "Person",
    "ProfessionalGroup",
    "RequirementStatus",
    "Role",
    "Sensitivity",
    "SurpriseReport",
    "UTCDateTime",
    "User",
    "briefing_attendee",
    "briefing_decision",
    "decision_team",
    "person_pa",
    "utcnow",
]
