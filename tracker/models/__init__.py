"""SQLAlchemy models. Import every model here so Alembic sees the whole schema."""

from tracker.models.api_token import ApiToken
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
from tracker.models.reminder import (
    KEEP_IN_TOUCH,
    KNOWN_KINDS,
    Reminder,
    ReminderStatus,
    SweepState,
)
from tracker.models.user import (
    REMINDER_DELIVERY_LABELS,
    ROLE_LABELS,
    ReminderDelivery,
    Role,
    User,
)

__all__ = [
    "CHANNEL_LABELS",
    "DECISION_KIND_LABELS",
    "DECISION_STATUS_LABELS",
    "KEEP_IN_TOUCH",
    "KNOWN_KINDS",
    "ORGANISATION_TYPE_LABELS",
    "PROFESSIONAL_GROUP_LABELS",
    "REMINDER_DELIVERY_LABELS",
    "REQUIREMENT_STATUS_LABELS",
    "ROLE_LABELS",
    "SENSITIVITY_LABELS",
    "ApiToken",
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
    "Reminder",
    "ReminderDelivery",
    "ReminderStatus",
    "RequirementStatus",
    "Role",
    "Sensitivity",
    "SurpriseReport",
    "SweepState",
    "UTCDateTime",
    "User",
    "briefing_attendee",
    "briefing_decision",
    "decision_team",
    "person_pa",
    "utcnow",
]
