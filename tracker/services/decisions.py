"""Decisions and their briefing requirements: create, change, partners, statuses."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import selectinload

from tracker.domain.brief_by import (
    DEFAULT_LEAD_TIME,
    LEAD_TIME_RANGE_MESSAGE,
    MAX_LEAD_TIME,
    MIN_LEAD_TIME,
    brief_by_date,
    event_local_date,
    update_brief_by,
)
from tracker.domain.errors import InvalidInput
from tracker.extensions import db
from tracker.models import (
    BriefingRequirement,
    Decision,
    DecisionAccess,
    DecisionKind,
    DecisionStatus,
    LeadTimePolicy,
    Person,
    RequirementStatus,
    Role,
    Sensitivity,
    SurpriseReport,
    User,
    utcnow,
)
from tracker.services import audit, calendar, reminders, visibility
from tracker.services.paging import Page, paginate

DECISION_FIELDS = (
    "title",
    "kind",
    "description",
    "owner_person_id",
    "event_at",
    "location",
    "sensitivity",
    "embargo_lifts_at",
    "status",
    "lead_time",
    "team_user_ids",
)


class DecisionError(InvalidInput):
    """A decision change the rules refuse; `field` names the form field at fault."""


@dataclass
class DecisionInput:
    title: str
    kind: str
    owner_person_id: int
    event_at: datetime
    lead_time: int
    sensitivity: str = Sensitivity.INTERNAL.value
    status: str = DecisionStatus.PLANNED.value
    description: str | None = None
    location: str | None = None
    embargo_lifts_at: datetime | None = None
    team_user_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class PartnerInput:
    person_id: int
    reason: str | None = None
    lead_time_override: int | None = None


@dataclass
class ChangeResult:
    changes: dict[str, list[object]]
    recomputed: int = 0
    update_requirements: list[BriefingRequirement] = field(default_factory=list)


# --- lead-time policy ----------------------------------------------------------------


def lead_time_policy() -> dict[str, int]:
    stored = dict(
        db.session.execute(select(LeadTimePolicy.kind, LeadTimePolicy.working_days)).all()
    )
    return {kind.value: stored.get(kind.value, DEFAULT_LEAD_TIME) for kind in DecisionKind}


def default_lead_time(kind: str) -> int:
    return lead_time_policy().get(kind, DEFAULT_LEAD_TIME)


def set_lead_time_policy(actor: User, values: dict[str, int]) -> None:
    before = lead_time_policy()
    for kind, days in values.items():
        DecisionKind(kind)
        row = db.session.get(LeadTimePolicy, kind)
        if row is None:
            db.session.add(LeadTimePolicy(kind=kind, working_days=days))
        else:
            row.working_days = days
    changes = audit.diff(before, {**before, **values})
    if changes:
        audit.record(
            actor=actor,
            entity_type="lead_time_policy",
            entity_id=0,
            action="updated",
            changes=changes,
            summary="Lead-time policy changed",
        )
    db.session.flush()


# --- reading ---------------------------------------------------------------------------


# Everything a decision's page, or its API representation, reads: no lazy loads per row.
ASSESSMENT_LOADS = (
    selectinload(Decision.requirements)
    .selectinload(BriefingRequirement.person)
    .selectinload(Person.organisation),
    selectinload(Decision.team),
    selectinload(Decision.surprises).selectinload(SurpriseReport.person),
    selectinload(Decision.owner).selectinload(Person.pas),
)


def load_for_page(decision_id: int) -> Decision | None:
    return db.session.scalar(
        select(Decision).where(Decision.id == decision_id).options(*ASSESSMENT_LOADS)
    )


def default_people_for_organisation(organisation_id: int) -> list[Person]:
    """An organisation's main contacts, or everyone in it when none is marked."""
    people = list(
        db.session.scalars(
            select(Person)
            .where(Person.organisation_id == organisation_id, Person.is_archived.is_(False))
            .order_by(Person.name_key)
        )
    )
    main = [person for person in people if person.is_main_contact]
    return main or people


# --- snapshots for change detection -------------------------------------------------------


def _snapshot(decision: Decision) -> dict[str, object]:
    values = audit.snapshot(decision, DECISION_FIELDS[:-1])
    values["team_user_ids"] = sorted(user.id for user in decision.team)
    return values


def _apply(decision: Decision, data: DecisionInput) -> None:
    decision.title = data.title.strip()
    decision.kind = DecisionKind(data.kind).value
    decision.description = (data.description or "").strip() or None
    decision.owner_person_id = data.owner_person_id
    decision.event_at = data.event_at
    decision.location = (data.location or "").strip() or None
    decision.sensitivity = Sensitivity(data.sensitivity).value
    decision.embargo_lifts_at = (
        data.embargo_lifts_at if decision.sensitivity == Sensitivity.EMBARGOED.value else None
    )
    decision.status = DecisionStatus(data.status).value
    decision.lead_time = data.lead_time
    team = (
        list(db.session.scalars(select(User).where(User.id.in_(data.team_user_ids))))
        if data.team_user_ids
        else []
    )
    decision.team = team


def _validate(data: DecisionInput) -> None:
    if not MIN_LEAD_TIME <= data.lead_time <= MAX_LEAD_TIME:
        raise DecisionError(LEAD_TIME_RANGE_MESSAGE, "lead_time")
    if data.sensitivity == Sensitivity.EMBARGOED.value:
        if data.embargo_lifts_at is None:
            raise DecisionError("Enter when the embargo lifts", "embargo_lifts_at")
        if data.embargo_lifts_at > data.event_at:
            raise DecisionError("The embargo must lift on or before the event", "embargo_lifts_at")
    owner = db.session.get(Person, data.owner_person_id)
    if owner is None or owner.is_archived:
        raise DecisionError("Select who owns this decision", "owner_person_id")


# --- create and change ----------------------------------------------------------------


def create_decision(actor: User, data: DecisionInput) -> Decision:
    _validate(data)
    decision = Decision(created_by_user_id=actor.id, sequence=0)
    _apply(decision, data)
    db.session.add(decision)
    db.session.flush()
    if not visibility.can_edit(actor, decision):
        # Whoever logs a decision for someone else can keep working on it.
        decision.team.append(actor)
    audit.record(
        actor=actor,
        entity_type="decision",
        entity_id=decision.id,
        decision_id=decision.id,
        action="created",
        changes={k: [None, v] for k, v in _snapshot(decision).items()},
        summary=f"Created “{decision.title}”",
    )
    return decision


def _brief_by(decision: Decision, requirement_lead_time: int | None) -> date:
    return brief_by_date(
        event_local_date(decision.event_at),
        requirement_lead_time or decision.lead_time,
        calendar.working_calendar(),
    )


def update_decision(actor: User, decision: Decision, data: DecisionInput) -> ChangeResult:
    """Apply a change; recompute brief-by dates; tell already-briefed partners about moves."""
    _validate(data)
    before = _snapshot(decision)
    old_date = event_local_date(decision.event_at)
    old_status = decision.status
    _apply(decision, data)
    after = _snapshot(decision)
    changes = audit.diff(before, after)
    result = ChangeResult(changes=changes)
    if not changes:
        return result
    decision.sequence += 1
    audit.record(
        actor=actor,
        entity_type="decision",
        entity_id=decision.id,
        decision_id=decision.id,
        action="updated",
        changes=changes,
        summary=f"Changed {', '.join(sorted(changes))}",
    )
    new_date = event_local_date(decision.event_at)
    if {"event_at", "kind", "lead_time"} & changes.keys():
        result.recomputed = _recompute_pending(actor, decision)

    status = decision.status
    moved = new_date != old_date and status not in (DecisionStatus.CANCELLED.value,)
    newly = status if status != old_status else None
    change_reason: str | None = None
    if newly == DecisionStatus.CANCELLED.value:
        change_reason = "Cancelled"
    elif newly == DecisionStatus.POSTPONED.value:
        change_reason = "Postponed"
    elif moved and status in (DecisionStatus.PLANNED.value, DecisionStatus.DRAFT.value):
        change_reason = f"Date moved from {old_date:%-d %b %Y} to {new_date:%-d %b %Y}"
    if change_reason:
        result.update_requirements = _create_update_requirements(actor, decision, change_reason)
    db.session.flush()
    # Moved, postponed, cancelled, new owner or sensitivity: unsent reminders follow.
    reminders.recompute_for_decision(decision)
    return result


def _recompute_pending(actor: User, decision: Decision) -> int:
    count = 0
    for requirement in decision.requirements:
        if requirement.status != RequirementStatus.PENDING.value or requirement.is_update:
            continue
        new_brief_by = _brief_by(decision, requirement.lead_time_override)
        if new_brief_by != requirement.brief_by:
            audit.record(
                actor=actor,
                entity_type="requirement",
                entity_id=requirement.id,
                decision_id=decision.id,
                action="recomputed",
                changes={"brief_by": [requirement.brief_by, new_brief_by]},
                summary=f"Brief-by date for {requirement.person.full_name} recomputed",
            )
            requirement.brief_by = new_brief_by
            count += 1
    return count


def _create_update_requirements(
    actor: User, decision: Decision, reason: str
) -> list[BriefingRequirement]:
    """Everyone already briefed hears about the change, by their own brief-by date."""
    today = calendar.today_london()
    is_cancelled = decision.status == DecisionStatus.CANCELLED.value
    is_postponed = decision.status == DecisionStatus.POSTPONED.value
    new_date = None if (is_cancelled or is_postponed) else event_local_date(decision.event_at)
    brief_by = update_brief_by(new_date, today, calendar.working_calendar())
    rounds: dict[int, int] = defaultdict(int)
    briefed_people: dict[int, Person] = {}
    for requirement in decision.requirements:
        rounds[requirement.person_id] = max(rounds[requirement.person_id], requirement.update_round)
        if requirement.status == RequirementStatus.BRIEFED.value:
            briefed_people[requirement.person_id] = requirement.person
        elif requirement.is_update and requirement.status == RequirementStatus.PENDING.value:
            # An older change nobody was told about yet is replaced by this one.
            before = audit.snapshot(requirement, ("status", "status_reason"))
            requirement.status = RequirementStatus.NOT_REQUIRED.value
            requirement.status_reason = "Replaced by a later change"
            audit.record(
                actor=actor,
                entity_type="requirement",
                entity_id=requirement.id,
                decision_id=decision.id,
                action="status_changed",
                changes=audit.diff(before, audit.snapshot(requirement, tuple(before))),
                summary=f"{requirement.person.full_name}: earlier update replaced",
            )
    created = []
    for person_id, person in briefed_people.items():
        requirement = BriefingRequirement(
            decision=decision,
            person=person,
            person_id=person_id,
            reason=f"Update: {reason}",
            update_round=rounds[person_id] + 1,
            update_note=reason,
            brief_by=brief_by,
            status=RequirementStatus.PENDING.value,
        )
        db.session.add(requirement)
        created.append(requirement)
    db.session.flush()
    for requirement in created:
        audit.record(
            actor=actor,
            entity_type="requirement",
            entity_id=requirement.id,
            decision_id=decision.id,
            action="update_created",
            changes={"brief_by": [None, requirement.brief_by], "reason": [None, reason]},
            summary=f"{requirement.person.full_name} must hear about the change",
        )
    return created


# --- partners -------------------------------------------------------------------------


def add_partners(
    actor: User, decision: Decision, partners: Sequence[PartnerInput]
) -> list[BriefingRequirement]:
    """Add affected people; people already on the decision are left as they are."""
    existing = {r.person_id for r in decision.requirements if not r.is_update}
    wanted = [p for p in partners if p.person_id not in existing]
    people = {
        person.id: person
        for person in db.session.scalars(
            select(Person).where(Person.id.in_([p.person_id for p in wanted]))
        )
    }
    created = []
    for partner in wanted:
        person = people.get(partner.person_id)
        if person is None or person.is_archived:
            raise DecisionError("Select people from the list", "people")
        requirement = BriefingRequirement(
            decision=decision,
            person=person,
            person_id=person.id,
            reason=(partner.reason or "").strip() or None,
            lead_time_override=partner.lead_time_override,
            brief_by=_brief_by(decision, partner.lead_time_override),
            status=RequirementStatus.PENDING.value,
        )
        db.session.add(requirement)
        created.append(requirement)
    db.session.flush()
    for requirement in created:
        audit.record(
            actor=actor,
            entity_type="requirement",
            entity_id=requirement.id,
            decision_id=decision.id,
            action="created",
            changes={
                "person": [None, requirement.person.full_name],
                "brief_by": [None, requirement.brief_by],
                "reason": [None, requirement.reason],
                "lead_time_override": [None, requirement.lead_time_override],
            },
            summary=f"{requirement.person.full_name} added as an affected partner",
        )
    if created:
        decision.sequence += 1
        reminders.recompute_for_requirements(created)
    return created


def update_requirement(
    actor: User,
    requirement: BriefingRequirement,
    *,
    reason: str | None,
    lead_time_override: int | None,
) -> None:
    before = audit.snapshot(requirement, ("reason", "lead_time_override", "brief_by"))
    requirement.reason = (reason or "").strip() or None
    requirement.lead_time_override = lead_time_override
    if requirement.status == RequirementStatus.PENDING.value and not requirement.is_update:
        requirement.brief_by = _brief_by(requirement.decision, lead_time_override)
    changes = audit.diff(before, audit.snapshot(requirement, tuple(before)))
    if changes:
        audit.record(
            actor=actor,
            entity_type="requirement",
            entity_id=requirement.id,
            decision_id=requirement.decision_id,
            action="updated",
            changes=changes,
            summary=f"Requirement for {requirement.person.full_name} changed",
        )
    db.session.flush()
    reminders.reconcile_requirement(requirement)


def set_requirement_status(
    actor: User, requirement: BriefingRequirement, status: RequirementStatus, reason: str | None
) -> None:
    """Mark not required or waived (with a reason), or put back to pending."""
    if status in (RequirementStatus.NOT_REQUIRED, RequirementStatus.WAIVED) and not (
        reason and reason.strip()
    ):
        raise DecisionError("Enter a reason", "reason")
    if status == RequirementStatus.BRIEFED:
        raise DecisionError("Log a briefing to mark someone as briefed", "status")
    before = audit.snapshot(requirement, ("status", "status_reason"))
    requirement.status = status.value
    requirement.status_reason = reason.strip() if reason else None
    requirement.status_changed_by_user_id = actor.id
    audit.record(
        actor=actor,
        entity_type="requirement",
        entity_id=requirement.id,
        decision_id=requirement.decision_id,
        action="status_changed",
        changes=audit.diff(before, audit.snapshot(requirement, tuple(before))),
        summary=f"{requirement.person.full_name}: {status.label}",
    )
    db.session.flush()
    # Waived or not required: no more reminders; back to pending: they start again.
    reminders.reconcile_requirement(requirement)


def remove_requirement(actor: User, requirement: BriefingRequirement) -> None:
    """Take a partner off a decision; only while nothing has happened for them yet."""
    if requirement.status != RequirementStatus.PENDING.value or requirement.is_update:
        raise DecisionError(
            "Only pending partners can be removed. Mark them as not required instead.", None
        )
    decision = requirement.decision
    audit.record(
        actor=actor,
        entity_type="requirement",
        entity_id=requirement.id,
        decision_id=decision.id,
        action="removed",
        changes={"person": [requirement.person.full_name, None]},
        summary=f"{requirement.person.full_name} removed from affected partners",
    )
    decision.requirements.remove(requirement)
    # The requirement's reminders go with it (ON DELETE CASCADE).
    db.session.flush()
    reminders.recompute_for_decision(decision)


def record_surprise(
    actor: User, decision: Decision, *, person_id: int, reported_at: datetime, what: str
) -> SurpriseReport:
    report = SurpriseReport(
        decision_id=decision.id,
        person_id=person_id,
        reported_at=reported_at,
        what_they_said=what.strip(),
        recorded_by_user_id=actor.id,
    )
    db.session.add(report)
    db.session.flush()
    audit.record(
        actor=actor,
        entity_type="surprise",
        entity_id=report.id,
        decision_id=decision.id,
        action="created",
        changes={"person_id": [None, person_id]},
        summary="Surprise reported",
    )
    return report


def record_access(user: User, decision: Decision) -> None:
    """Pre-release access register for confidential decisions."""
    now = utcnow()
    access = db.session.scalar(
        select(DecisionAccess).where(
            DecisionAccess.decision_id == decision.id, DecisionAccess.user_id == user.id
        )
    )
    if access is None:
        db.session.add(
            DecisionAccess(
                decision_id=decision.id,
                user_id=user.id,
                first_viewed_at=now,
                last_viewed_at=now,
                view_count=1,
            )
        )
    else:
        access.last_viewed_at = now
        access.view_count += 1
    db.session.flush()


def access_register(decision: Decision) -> list[DecisionAccess]:
    return list(
        db.session.scalars(
            select(DecisionAccess)
            .where(DecisionAccess.decision_id == decision.id)
            .options(selectinload(DecisionAccess.user))
            .order_by(DecisionAccess.first_viewed_at)
        )
    )


def pending_count(decision_ids: Iterable[int]) -> dict[int, int]:
    ids = list(decision_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(BriefingRequirement.decision_id, func.count())
        .where(
            BriefingRequirement.decision_id.in_(ids),
            BriefingRequirement.status == RequirementStatus.PENDING.value,
        )
        .group_by(BriefingRequirement.decision_id)
    )
    return dict(rows.all())


def recompute_future_pending(actor: User) -> int:
    """After closure days change: every pending brief-by date of a future event again."""
    now = utcnow()
    decisions = db.session.scalars(
        select(Decision)
        .where(
            Decision.event_at > now,
            Decision.requirements.any(
                BriefingRequirement.status == RequirementStatus.PENDING.value
            ),
        )
        .options(selectinload(Decision.requirements).selectinload(BriefingRequirement.person))
    )
    total = 0
    for decision in decisions:
        total += _recompute_pending(actor, decision)
        db.session.flush()
        # Closure days move reminder days too, even where the brief-by date stays.
        reminders.recompute_for_decision(decision, now)
    db.session.flush()
    return total


# --- lists and pickers -----------------------------------------------------------------


def owner_choices(user: User) -> list[Person]:
    """People who can own a decision: leaders who use the app (and those a PA assists).

    A PA acts only for the leaders they assist, so their choice is just those leaders.
    """
    circle = visibility.circle_person_ids(user)
    if user.role == Role.PA.value:
        return list(
            db.session.scalars(
                select(Person)
                .where(Person.id.in_(circle or [-1]), Person.is_archived.is_(False))
                .order_by(Person.name_key)
            )
        )
    query = (
        select(Person)
        .outerjoin(User, User.id == Person.user_id)
        .where(Person.is_archived.is_(False))
        .where((User.id.is_not(None) & User.is_active.is_(True)) | Person.id.in_(circle or [-1]))
        .order_by(Person.name_key)
    )
    return list(db.session.scalars(query))


def default_owner_id(user: User) -> int | None:
    own = db.session.scalar(select(Person.id).where(Person.user_id == user.id))
    if own is not None:
        return own
    circle = visibility.circle_person_ids(user)
    return circle[0] if circle else None


def team_choices() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.is_active.is_(True), User.role.in_(("admin", "leader", "pa")))
            .order_by(func.lower(User.display_name))
        )
    )


@dataclass(frozen=True)
class DecisionFilters:
    q: str = ""
    status: str = ""
    kind: str = ""
    owner_id: int | None = None
    when: str = "upcoming"  # upcoming, past or all
    page: int = 1
    per_page: int = 25
    # Events from (inclusive) and to (exclusive) these instants.
    event_from: datetime | None = None
    event_to: datetime | None = None


@dataclass
class DecisionPage:
    decisions: list[Decision]
    total: int
    page: int
    per_page: int
    pending: dict[int, int]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _conditions(user: User, filters: DecisionFilters, now: datetime) -> list[ColumnElement[bool]]:
    conditions = [visibility.visible_clause(user, now)]
    if filters.q:
        conditions.append(Decision.title.ilike(f"%{_escape_like(filters.q)}%", escape="\\"))
    if filters.status:
        conditions.append(Decision.status == filters.status)
    if filters.kind:
        conditions.append(Decision.kind == filters.kind)
    if filters.owner_id:
        conditions.append(Decision.owner_person_id == filters.owner_id)
    if filters.when == "upcoming":
        conditions.append(Decision.event_at >= now)
    elif filters.when == "past":
        conditions.append(Decision.event_at < now)
    if filters.event_from is not None:
        conditions.append(Decision.event_at >= filters.event_from)
    if filters.event_to is not None:
        conditions.append(Decision.event_at < filters.event_to)
    return conditions


def search(user: User, filters: DecisionFilters, now: datetime | None = None) -> DecisionPage:
    now = now or utcnow()
    conditions = _conditions(user, filters, now)
    order = Decision.event_at.desc() if filters.when == "past" else Decision.event_at.asc()
    total = db.session.scalar(select(func.count()).select_from(Decision).where(*conditions)) or 0
    page = max(1, min(filters.page, max(1, -(-total // filters.per_page))))
    decisions = list(
        db.session.scalars(
            select(Decision)
            .where(*conditions)
            .options(selectinload(Decision.owner).selectinload(Person.organisation))
            .order_by(order, Decision.id)
            .limit(filters.per_page)
            .offset((page - 1) * filters.per_page)
        )
    )
    return DecisionPage(
        decisions=decisions,
        total=total,
        page=page,
        per_page=filters.per_page,
        pending=pending_count(d.id for d in decisions),
    )


def page_by_id(
    user: User, filters: DecisionFilters, page: int, per_page: int, now: datetime | None = None
) -> Page[Decision]:
    """Visible matching decisions in id order, loaded for assessment (for the API)."""
    statement = (
        select(Decision)
        .where(*_conditions(user, filters, now or utcnow()))
        .options(*ASSESSMENT_LOADS)
        .order_by(Decision.id)
    )
    return paginate(statement, page, per_page)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def upcoming_for_circle(user: User, limit: int = 20) -> list[Decision]:
    """Upcoming planned decisions this user works on, with partners still to brief."""
    circle = visibility.circle_person_ids(user)
    conditions = [Decision.team.any(User.id == user.id)]
    if circle:
        conditions.append(Decision.owner_person_id.in_(circle))
    return list(
        db.session.scalars(
            select(Decision)
            .where(
                Decision.event_at >= utcnow(),
                Decision.status == DecisionStatus.PLANNED.value,
                or_(*conditions),
                Decision.requirements.any(
                    BriefingRequirement.status == RequirementStatus.PENDING.value
                ),
            )
            .order_by(Decision.event_at)
            .limit(limit)
        )
    )
