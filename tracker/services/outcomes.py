"""Outcomes of requirements and the 'no surprises' state of decisions, for pages and reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from tracker.domain.localtime import london_date
from tracker.domain.outcomes import (
    AssessedRequirement,
    DecisionState,
    Outcome,
    decision_state,
    requirement_outcome,
)
from tracker.models import BriefingRequirement, Decision, utcnow
from tracker.services.calendar import today_london


def outcome_of(requirement: BriefingRequirement, now: datetime | None = None) -> Outcome:
    return requirement_outcome(
        brief_by=requirement.brief_by,
        event_at=requirement.decision.event_at,
        first_briefed_at=requirement.first_briefed_at,
        status=requirement.status,
        now=now or utcnow(),
    )


@dataclass(frozen=True)
class RequirementView:
    requirement: BriefingRequirement
    outcome: Outcome
    late_at_creation: bool


@dataclass(frozen=True)
class DecisionAssessment:
    state: DecisionState
    rows: list[RequirementView]
    surprises_reported: int

    @property
    def achieved_no_surprises(self) -> bool:
        return self.state is DecisionState.NO_SURPRISES and not self.surprises_reported


def assess(decision: Decision, now: datetime | None = None) -> DecisionAssessment:
    now = now or utcnow()
    today = today_london(now)
    rows = [
        RequirementView(
            requirement=r,
            outcome=outcome_of(r, now),
            late_at_creation=r.brief_by < london_date(r.created_at),
        )
        for r in decision.requirements
    ]
    state = decision_state(
        (AssessedRequirement(row.outcome, row.requirement.brief_by) for row in rows), today=today
    )
    if decision.surprises and state is not DecisionState.NO_PARTNERS:
        state = DecisionState.SURPRISES
    return DecisionAssessment(state=state, rows=rows, surprises_reported=len(decision.surprises))


def is_overdue(requirement: BriefingRequirement, today: date | None = None) -> bool:
    return requirement.status == "pending" and requirement.brief_by < (today or today_london())
