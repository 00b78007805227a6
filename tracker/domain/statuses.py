"""Status vocabularies shared by the domain rules, the models and the forms.

They live here (not in `tracker.models`) because the pure rules need them and must not
import the database layer; the models store the string values.
"""

from __future__ import annotations

from tracker.domain.labelled import LabelledEnum


class DecisionStatus(LabelledEnum):
    """Where a decision, meeting or announcement is in its life."""

    DRAFT = "draft", "Draft"
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    POSTPONED = "postponed", "Postponed"
    CANCELLED = "cancelled", "Cancelled"


class RequirementStatus(LabelledEnum):
    """Whether an affected partner still needs briefing about a decision."""

    PENDING = "pending", "To brief"
    BRIEFED = "briefed", "Briefed"
    NOT_REQUIRED = "not_required", "Not required"
    WAIVED = "waived", "Waived"
