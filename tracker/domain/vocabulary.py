"""The app's vocabularies: roles, kinds, sensitivities, channels and their labels.

They live in the domain (not in `tracker.models`) so the pure rules, the forms and the
API can use them without the database layer; the models store the string values and
check them with constraints built from these enums.
"""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    ADMIN = "admin"
    LEADER = "leader"
    PA = "pa"
    MANAGER = "manager"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "Admin",
    Role.LEADER: "Leader",
    Role.PA: "PA (executive assistant)",
    Role.MANAGER: "Manager",
    Role.VIEWER: "Viewer",
}


class ReminderDelivery(enum.StrEnum):
    """How a user wants reminders: one email each, or one daily digest."""

    INDIVIDUAL = "individual"
    DIGEST = "digest"

    @property
    def label(self) -> str:
        return REMINDER_DELIVERY_LABELS[self]


REMINDER_DELIVERY_LABELS = {
    ReminderDelivery.INDIVIDUAL: "Every reminder as its own email",
    ReminderDelivery.DIGEST: "One daily digest at 8am on working days",
}


class DecisionKind(enum.StrEnum):
    ANNOUNCEMENT = "announcement"
    MEETING = "meeting"
    DECISION = "decision"
    CONSULTATION = "consultation"
    MEDIA_RELEASE = "media_release"
    SERVICE_CHANGE = "service_change"
    OTHER = "other"

    @property
    def label(self) -> str:
        return DECISION_KIND_LABELS[self]


DECISION_KIND_LABELS = {
    DecisionKind.ANNOUNCEMENT: "Announcement",
    DecisionKind.MEETING: "Board or committee meeting",
    DecisionKind.DECISION: "Decision",
    DecisionKind.CONSULTATION: "Consultation launch",
    DecisionKind.MEDIA_RELEASE: "Media release",
    DecisionKind.SERVICE_CHANGE: "Service change",
    DecisionKind.OTHER: "Other",
}


class Sensitivity(enum.StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"
    RESTRICTED = "restricted"
    EMBARGOED = "embargoed"

    @property
    def label(self) -> str:
        return SENSITIVITY_LABELS[self]


SENSITIVITY_LABELS = {
    Sensitivity.PUBLIC: "Public",
    Sensitivity.INTERNAL: "Internal",
    Sensitivity.RESTRICTED: "Restricted",
    Sensitivity.EMBARGOED: "Embargoed",
}


class OrganisationType(enum.StrEnum):
    ICB = "icb"
    TRUST_ACUTE = "trust_acute"
    TRUST_MENTAL_HEALTH = "trust_mental_health"
    TRUST_COMMUNITY = "trust_community"
    TRUST_AMBULANCE = "trust_ambulance"
    PCN_GP_FEDERATION = "pcn_gp_federation"
    LA_COUNTY = "la_county"
    LA_UNITARY = "la_unitary"
    LA_DISTRICT = "la_district"
    LA_METROPOLITAN = "la_metropolitan"
    VCSE = "vcse"
    HEALTHWATCH = "healthwatch"
    NHSE_REGION = "nhse_region"
    OTHER_PUBLIC_BODY = "other_public_body"
    UNIVERSITY_RESEARCH = "university_research"
    OTHER = "other"

    @property
    def label(self) -> str:
        return ORGANISATION_TYPE_LABELS[self]


ORGANISATION_TYPE_LABELS = {
    OrganisationType.ICB: "Integrated care board",
    OrganisationType.TRUST_ACUTE: "NHS trust: acute",
    OrganisationType.TRUST_MENTAL_HEALTH: "NHS trust: mental health",
    OrganisationType.TRUST_COMMUNITY: "NHS trust: community",
    OrganisationType.TRUST_AMBULANCE: "NHS trust: ambulance",
    OrganisationType.PCN_GP_FEDERATION: "Primary care network or GP federation",
    OrganisationType.LA_COUNTY: "Local authority: county",
    OrganisationType.LA_UNITARY: "Local authority: unitary",
    OrganisationType.LA_DISTRICT: "Local authority: district",
    OrganisationType.LA_METROPOLITAN: "Local authority: metropolitan",
    OrganisationType.VCSE: "Voluntary, community and social enterprise (VCSE)",
    OrganisationType.HEALTHWATCH: "Healthwatch",
    OrganisationType.NHSE_REGION: "NHS England region",
    OrganisationType.OTHER_PUBLIC_BODY: "Police, fire and other public bodies",
    OrganisationType.UNIVERSITY_RESEARCH: "University or research",
    OrganisationType.OTHER: "Other",
}


class ProfessionalGroup(enum.StrEnum):
    CLINICAL = "clinical"
    NURSING = "nursing"
    FINANCE = "finance"
    SOCIAL_CARE = "social_care"
    PUBLIC_HEALTH = "public_health"
    OPERATIONS = "operations"
    COMMUNICATIONS = "communications"
    EXECUTIVE = "executive"
    ELECTED_MEMBER = "elected_member"
    OTHER = "other"

    @property
    def label(self) -> str:
        return PROFESSIONAL_GROUP_LABELS[self]


PROFESSIONAL_GROUP_LABELS = {
    ProfessionalGroup.CLINICAL: "Clinical",
    ProfessionalGroup.NURSING: "Nursing",
    ProfessionalGroup.FINANCE: "Finance",
    ProfessionalGroup.SOCIAL_CARE: "Social care",
    ProfessionalGroup.PUBLIC_HEALTH: "Public health",
    ProfessionalGroup.OPERATIONS: "Operations",
    ProfessionalGroup.COMMUNICATIONS: "Communications",
    ProfessionalGroup.EXECUTIVE: "Executive / board",
    ProfessionalGroup.ELECTED_MEMBER: "Elected member",
    ProfessionalGroup.OTHER: "Other",
}


class Channel(enum.StrEnum):
    """How a briefing happens (and how a person prefers to be briefed)."""

    MEETING = "meeting"
    CALL = "call"
    EMAIL = "email"
    TEAMS = "teams"
    LETTER = "letter"
    OTHER = "other"

    @property
    def label(self) -> str:
        return CHANNEL_LABELS[self]


CHANNEL_LABELS = {
    Channel.MEETING: "Meeting",
    Channel.CALL: "Phone call",
    Channel.EMAIL: "Email",
    Channel.TEAMS: "Microsoft Teams",
    Channel.LETTER: "Letter",
    Channel.OTHER: "Other",
}


class ReminderStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"
    NEEDS_CHECK = "needs_check"

    @property
    def label(self) -> str:
        return _REMINDER_STATUS_LABELS[self]


_REMINDER_STATUS_LABELS = {
    ReminderStatus.PENDING: "Waiting to send",
    ReminderStatus.SENDING: "Sending",
    ReminderStatus.SENT: "Sent",
    ReminderStatus.FAILED: "Failed",
    ReminderStatus.CANCELLED: "Cancelled",
    ReminderStatus.NEEDS_CHECK: "Needs checking",
}
