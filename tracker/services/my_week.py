"""'My week': the briefings a leader or PA has to do soon, and the ones already overdue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from tracker.domain.statuses import DecisionStatus, RequirementStatus
from tracker.extensions import db
from tracker.models import BriefingRequirement, Decision, Person, utcnow
from tracker.services import calendar, history
from tracker.services.actor import Who, as_actor
from tracker.services.visibility import circle_clause, circle_person_ids, visible_clause

HORIZON_WORKING_DAYS = 10


@dataclass
class DecisionGroup:
    decision: Decision
    requirements: list[BriefingRequirement]

    @property
    def overdue(self) -> int:
        return sum(1 for r in self.requirements if r.brief_by < self.today)

    today: date = date.min


@dataclass
class MyWeek:
    today: date
    horizon: date
    groups: list[DecisionGroup]
    circle: list[Person]
    # Key people past their keep-in-touch cadence (leaders and PAs only).
    keep_in_touch: list[history.KeepInTouch] = field(default_factory=list)
    shows_keep_in_touch: bool = False

    @property
    def overdue_count(self) -> int:
        return sum(group.overdue for group in self.groups)

    @property
    def due_count(self) -> int:
        return sum(len(group.requirements) for group in self.groups) - self.overdue_count


def my_week(who: Who, today: date | None = None) -> MyWeek:
    """Pending briefings of the actor's circle's decisions (owned by them or a leader they
    assist, or on whose team they are) due within the horizon, grouped by decision."""
    actor = as_actor(who)  # one actor: its circle is looked up once
    today = today or calendar.today_london()
    horizon = calendar.working_calendar().add_working_days(today, HORIZON_WORKING_DAYS)
    people_ids = circle_person_ids(actor)
    requirements = db.session.scalars(
        select(BriefingRequirement)
        .join(BriefingRequirement.decision)
        .where(
            BriefingRequirement.status == RequirementStatus.PENDING.value,
            BriefingRequirement.brief_by <= horizon,
            Decision.status.in_(
                (
                    DecisionStatus.PLANNED.value,
                    DecisionStatus.POSTPONED.value,
                    DecisionStatus.CANCELLED.value,
                )
            ),
            circle_clause(actor),
            or_(Decision.event_at >= utcnow(), BriefingRequirement.update_round > 0),
            visible_clause(actor),
        )
        .options(
            selectinload(BriefingRequirement.person).selectinload(Person.organisation),
            selectinload(BriefingRequirement.decision).selectinload(Decision.owner),
        )
        .order_by(BriefingRequirement.brief_by, Decision.event_at, BriefingRequirement.id)
    )
    groups: dict[int, DecisionGroup] = {}
    for requirement in requirements:
        decision = requirement.decision
        # Updates about cancellations and postponements still need doing; originals do not.
        if decision.status != DecisionStatus.PLANNED.value and not requirement.is_update:
            continue
        group = groups.setdefault(decision.id, DecisionGroup(decision, [], today))
        group.requirements.append(requirement)
    circle = (
        list(
            db.session.scalars(
                select(Person).where(Person.id.in_(people_ids)).order_by(Person.name_key)
            )
        )
        if people_ids
        else []
    )
    shows_keep_in_touch = history.keeps_in_touch(actor)
    return MyWeek(
        today=today,
        horizon=horizon,
        groups=list(groups.values()),
        circle=circle,
        keep_in_touch=history.keep_in_touch_due(actor) if shows_keep_in_touch else [],
        shows_keep_in_touch=shows_keep_in_touch,
    )
