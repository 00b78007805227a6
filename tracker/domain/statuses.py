"""Status vocabularies shared by the domain rules, the models and the forms.

They live here (not in `tracker.models`) because the pure rules need them and must not
import the database layer; the models store the string values.
"""

from __future__ import annotations

import enum


class DecisionStatus(enum.StrEnum):
    """Where a decision, meeting or announcement is in its life."""

    DRAFT = "draft"
    PLANNED = "planned"
    HELD = "held"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return _DECISION_STATUS_LABELS[self]


_DECISION_STATUS_LABELS = {
    DecisionStatus.DRAFT: "Draft",
    DecisionStatus.PLANNED: "Planned",
    DecisionStatus.HELD: "Held",
    DecisionStatus.POSTPONED: "Postponed",
    DecisionStatus.CANCELLED: "Cancelled",
}


class RequirementStatus(enum.StrEnum):
    """Whether an affected partner still needs briefing about a decision."""

    PENDING = "pending"
    BRIEFED = "briefed"
    NOT_REQUIRED = "not_required"
    WAIVED = "waived"

    @property
    def label(self) -> str:
        return _REQUIREMENT_STATUS_LABELS[self]


_REQUIREMENT_STATUS_LABELS = {
    RequirementStatus.PENDING: "To brief",
    RequirementStatus.BRIEFED: "Briefed",
    RequirementStatus.NOT_REQUIRED: "Not required",
    RequirementStatus.WAIVED: "Waived",
}
