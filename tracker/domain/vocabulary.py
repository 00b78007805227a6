"""The app's vocabularies: roles, kinds, sensitivities, channels and their labels.

They live in the domain (not in `tracker.models`) so the pure rules, the forms and the
API can use them without the database layer; the models store the string values and
check them with constraints built from these enums.
"""

from __future__ import annotations

from tracker.domain.labelled import LabelledEnum, labels


class Role(LabelledEnum):
    """What a user may do: admins manage, leaders and PAs log and brief, managers
    review compliance, viewers read."""

    ADMIN = "admin", "Admin"
    LEADER = "leader", "Leader"
    PA = "pa", "PA (executive assistant)"
    MANAGER = "manager", "Manager"
    VIEWER = "viewer", "Viewer"


class ReminderDelivery(LabelledEnum):
    """How a user wants reminders: one email each, or one daily digest."""

    INDIVIDUAL = "individual", "Every reminder as its own email"
    DIGEST = "digest", "One daily digest at 8am on working days"


class DecisionKind(LabelledEnum):
    """What is coming: each kind has its own default lead time (the admin's policy)."""

    ANNOUNCEMENT = "announcement", "Announcement"
    MEETING = "meeting", "Board or committee meeting"
    DECISION = "decision", "Decision"
    CONSULTATION = "consultation", "Consultation launch"
    MEDIA_RELEASE = "media_release", "Media release"
    SERVICE_CHANGE = "service_change", "Service change"
    OTHER = "other", "Other"


class Sensitivity(LabelledEnum):
    """Who may see a decision: everyone, the systems it involves, or only its circle
    (until an embargo lifts). The rule itself is `tracker.domain.visibility`."""

    PUBLIC = "public", "Public"
    INTERNAL = "internal", "Internal"
    RESTRICTED = "restricted", "Restricted"
    EMBARGOED = "embargoed", "Embargoed"


class OrganisationType(LabelledEnum):
    """The kinds of partner body in an integrated care system.

    NHS trusts and local authorities come in several kinds because partners brief them
    differently (a county council is not a district council)."""

    ICB = "icb", "Integrated care board"
    TRUST_ACUTE = "trust_acute", "NHS trust: acute"
    TRUST_MENTAL_HEALTH = "trust_mental_health", "NHS trust: mental health"
    TRUST_COMMUNITY = "trust_community", "NHS trust: community"
    TRUST_AMBULANCE = "trust_ambulance", "NHS trust: ambulance"
    PCN_GP_FEDERATION = "pcn_gp_federation", "Primary care network or GP federation"
    LA_COUNTY = "la_county", "Local authority: county"
    LA_UNITARY = "la_unitary", "Local authority: unitary"
    LA_DISTRICT = "la_district", "Local authority: district"
    LA_METROPOLITAN = "la_metropolitan", "Local authority: metropolitan"
    VCSE = "vcse", "Voluntary, community and social enterprise (VCSE)"
    HEALTHWATCH = "healthwatch", "Healthwatch"
    NHSE_REGION = "nhse_region", "NHS England region"
    OTHER_PUBLIC_BODY = "other_public_body", "Police, fire and other public bodies"
    UNIVERSITY_RESEARCH = "university_research", "University or research"
    OTHER = "other", "Other"


#: The import's column of organisation types matches these labels (and the codes).
ORGANISATION_TYPE_LABELS = labels(OrganisationType)


class ProfessionalGroup(LabelledEnum):
    """A person's professional group: the registers filter by it, and the stakeholder
    map and reports group people by it."""

    CLINICAL = "clinical", "Clinical"
    NURSING = "nursing", "Nursing"
    FINANCE = "finance", "Finance"
    SOCIAL_CARE = "social_care", "Social care"
    PUBLIC_HEALTH = "public_health", "Public health"
    OPERATIONS = "operations", "Operations"
    COMMUNICATIONS = "communications", "Communications"
    EXECUTIVE = "executive", "Executive / board"
    ELECTED_MEMBER = "elected_member", "Elected member"
    OTHER = "other", "Other"


class Channel(LabelledEnum):
    """How a briefing happens (and how a person prefers to be briefed)."""

    MEETING = "meeting", "Meeting"
    CALL = "call", "Phone call"
    EMAIL = "email", "Email"
    TEAMS = "teams", "Microsoft Teams"
    LETTER = "letter", "Letter"
    OTHER = "other", "Other"


class ReminderStatus(LabelledEnum):
    """Where a reminder is in the outbox: waiting, claimed by a sweep, sent, failed after
    its attempts, cancelled as no longer owed, or left for an admin to check (see
    `tracker.models.reminder`)."""

    PENDING = "pending", "Waiting to send"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    NEEDS_CHECK = "needs_check", "Needs checking"


ROLE_LABELS = labels(Role)
REMINDER_DELIVERY_LABELS = labels(ReminderDelivery)
DECISION_KIND_LABELS = labels(DecisionKind)
SENSITIVITY_LABELS = labels(Sensitivity)
PROFESSIONAL_GROUP_LABELS = labels(ProfessionalGroup)
CHANNEL_LABELS = labels(Channel)
