"""Demo decisions: about 30 over the last 6 months and the next 2, with a mix of outcomes.

Dates are relative to today, so the demo always has something due this week. Idempotent:
a decision whose title already exists is left alone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from tracker.domain.localtime import local_to_utc
from tracker.domain.statuses import DecisionStatus
from tracker.domain.vocabulary import DecisionKind, Role, Sensitivity
from tracker.extensions import db
from tracker.models import Decision, Person, User
from tracker.services import briefings, calendar, decisions, visibility
from tracker.services.briefings import BriefingInput
from tracker.services.decisions import DecisionInput, PartnerInput

SEED = 20261126

TITLES = (
    "Winter discharge plan",
    "Community diagnostic centre opening",
    "Urgent care consultation launch",
    "Mental health crisis line change",
    "Stroke services reconfiguration",
    "Joint forward plan refresh",
    "Maternity unit staffing review",
    "GP access recovery plan",
    "Virtual wards expansion",
    "Adult social care charging policy",
    "Hospital car parking changes",
    "Children’s community nursing tender",
    "Annual budget setting",
    "Estates rationalisation announcement",
    "Dental access pilot",
    "Elective hub business case",
    "Ambulance handover improvement plan",
    "Integrated neighbourhood teams launch",
    "Pharmacy first campaign",
    "Workforce strategy publication",
    "Population health management report",
    "Carers strategy refresh",
    "Learning disability services review",
    "Board meeting: financial recovery",
    "Health and wellbeing board strategy",
    "Press release: waiting list milestone",
    "Hospice funding decision",
    "Digital front door rollout",
    "Vaccination programme changes",
    "Public health grant allocation",
)
RESTRICTED_TITLE = "Proposed merger of acute trusts"
EMBARGOED_TITLE = "Cancer centre capital funding award"

KINDS = list(DecisionKind)


@dataclass(frozen=True)
class Plan:
    title: str
    days_from_today: int
    sensitivity: Sensitivity = Sensitivity.INTERNAL
    # How each partner's briefing went: days after the brief-by date (None: not briefed).
    briefing_delay: int | None = 0


def _plans(rng: random.Random) -> list[Plan]:
    plans = []
    for index, title in enumerate(TITLES):
        days = -180 + index * 8 + rng.randint(-3, 3)  # spread over the last 6 and next 2 months
        delay_choices = [-2, -1, 0, 0, 1, 3, None] if days < 0 else [-3, -1, None, None]
        plans.append(Plan(title, days, briefing_delay=rng.choice(delay_choices)))
    plans.append(Plan(RESTRICTED_TITLE, 20, Sensitivity.RESTRICTED, None))
    plans.append(Plan(EMBARGOED_TITLE, 12, Sensitivity.EMBARGOED, None))
    return plans


def _owners(leader_person: Person | None) -> list[Person]:
    chief_executives = list(
        db.session.scalars(
            select(Person)
            .where(Person.job_title.in_(("Chief Executive", "Chief Executive Officer")))
            .order_by(Person.name_key)
        )
    )
    owners = [p for p in chief_executives if p.id != getattr(leader_person, "id", None)][:3]
    return ([leader_person] if leader_person else []) + owners


@dataclass(frozen=True)
class _Cast:
    """Who the demo decisions belong to and who they affect."""

    actor: User  # who logs the decisions: the demo leader (or the admin)
    pa: User | None  # who logs the briefings of the decisions they work on
    leader_person: Person | None
    owners: list[Person]
    partners: list[Person]


def _cast(users: list[User]) -> _Cast | None:
    by_email = {user.email: user for user in users}
    leader = by_email.get("leader@example.org")
    actor = leader or by_email.get("admin@example.org")
    if actor is None:
        return None
    leader_person = (
        db.session.scalar(select(Person).where(Person.user_id == leader.id)) if leader else None
    )
    owners = _owners(leader_person)
    if not owners:
        return None
    partners = list(
        db.session.scalars(
            select(Person)
            .where(Person.is_archived.is_(False), Person.user_id.is_(None))
            .order_by(Person.name_key)
        )
    )
    return _Cast(actor, by_email.get("pa@example.org"), leader_person, owners, partners)


def load(users: list[User]) -> int:
    cast = _cast(users)
    if cast is None:
        return 0
    existing = set(db.session.scalars(select(Decision.title)))
    rng = random.Random(SEED)  # noqa: S311 (made-up demo data, not security)
    today = calendar.today_london()
    added = 0
    for index, plan in enumerate(_plans(rng)):
        if plan.title in existing:
            continue
        confidential = plan.sensitivity in (Sensitivity.RESTRICTED, Sensitivity.EMBARGOED)
        owner = (
            cast.leader_person
            if (confidential or index % 3 == 0) and cast.leader_person
            else cast.owners[index % len(cast.owners)]
        )
        decision = _create(cast.actor, plan, KINDS[index % len(KINDS)], owner, rng, today)
        chosen = rng.sample(cast.partners, k=min(len(cast.partners), rng.randint(2, 5)))
        decisions.add_partners(
            cast.actor,
            decision,
            [
                PartnerInput(person_id=p.id, reason="Their services or residents are affected")
                for p in chosen
            ],
        )
        # The PA logs briefings about the decisions they work on; the leader the rest.
        pa = cast.pa
        logger = pa if pa is not None and visibility.can_edit(pa, decision) else cast.actor
        _brief(decision, plan, rng, logger, owner, today)
        added += 1
    db.session.flush()
    return added


def _create(
    actor: User, plan: Plan, kind: DecisionKind, owner: Person, rng: random.Random, today: date
) -> Decision:
    event_day = today + timedelta(days=plan.days_from_today)
    while event_day.weekday() >= 5:
        event_day += timedelta(days=1)
    event_at = local_to_utc(event_day, time(rng.choice((9, 10, 14, 18)), rng.choice((0, 30))))
    status = (
        DecisionStatus.HELD if event_at < datetime.now(event_at.tzinfo) else DecisionStatus.PLANNED
    )
    return decisions.create_decision(
        actor,
        DecisionInput(
            title=plan.title,
            kind=kind.value,
            description=f"Demo: {plan.title.lower()} for the Northshire and Wexley system.",
            owner_person_id=owner.id,
            event_at=event_at,
            location=rng.choice(("Board room, County Hall", "Press release", "Online", None)),
            sensitivity=plan.sensitivity.value,
            embargo_lifts_at=event_at - timedelta(hours=2)
            if plan.sensitivity is Sensitivity.EMBARGOED
            else None,
            status=status.value,
            lead_time=decisions.default_lead_time(kind.value),
        ),
    )


def _brief(
    decision: Decision, plan: Plan, rng: random.Random, logger: User, owner: Person, today: date
) -> None:
    if plan.briefing_delay is None:
        return
    for requirement in list(decision.requirements):
        day = requirement.brief_by + timedelta(days=plan.briefing_delay + rng.choice((0, 0, -1)))
        if day > today:
            continue  # cannot log a briefing in the future
        occurred_at = local_to_utc(day, time(rng.choice((9, 11, 15)), 0))
        if occurred_at > datetime.now(occurred_at.tzinfo):
            continue
        briefings.log_briefing(
            logger,
            BriefingInput(
                occurred_at=occurred_at,
                channel=rng.choice(("meeting", "call", "teams", "email")),
                person_ids=[requirement.person_id],
                decision_ids=[decision.id],
                briefed_by_person_id=owner.id,
                on_behalf_of_person_id=owner.id if logger.role == Role.PA.value else None,
                summary="Talked through what is changing and when it will be announced.",
                acknowledged=rng.random() < 0.7,
            ),
        )
