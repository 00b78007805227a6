"""Decisions and their briefing requirements: create, change, partners, statuses.

Every function here that reads or changes a decision takes the actor and decides itself:
`NotFound` for a decision the actor may not see (whether or not it exists), `Forbidden`
for one they may see but not do this to (the rule is `tracker.services.visibility`).
Views, the API, the CLI and jobs call these and let the errors map to 404 and 403.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from typing import Any

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
from tracker.domain.errors import Forbidden, InvalidInput, NotFound
from tracker.domain.localtime import london_date
from tracker.domain.statuses import DecisionStatus, RequirementStatus
from tracker.domain.vocabulary import DecisionKind, Role, Sensitivity
from tracker.extensions import db
from tracker.models import (
    AuditEvent,
    Briefing,
    BriefingRequirement,
    Decision,
    DecisionAccess,
    LeadTimePolicy,
    Organisation,
    Person,
    SurpriseReport,
    User,
    briefing_decision,
    utcnow,
)
from tracker.services import audit, calendar, outcomes, reminders, visibility
from tracker.services.actor import Via, Who, as_actor
from tracker.services.paging import Page, paginate


class DecisionError(InvalidInput):
    """A decision change the rules refuse; `field` names the form field at fault."""


@dataclass(kw_only=True)
class DecisionInput:
    """A decision as logged or changed. `owner_person_id` None: the actor's own person (or
    the first leader they assist); `lead_time` None: the admin policy for `kind`."""

    title: str
    kind: str
    description: str | None = None
    owner_person_id: int | None = None
    event_at: datetime
    location: str | None = None
    sensitivity: str = Sensitivity.INTERNAL.value
    embargo_lifts_at: datetime | None = None
    status: str = DecisionStatus.PLANNED.value
    lead_time: int | None = None
    team_user_ids: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, decision: Decision) -> DecisionInput:
        """The decision as it is, to change some of it (`dataclasses.replace`)."""
        values = {name: getattr(decision, name) for name in DECISION_FIELDS[:-1]}
        return cls(**values, team_user_ids=[member.id for member in decision.team])


# What the audit trail compares, in the order it lists changes.
DECISION_FIELDS = tuple(f.name for f in fields(DecisionInput))


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


NOT_A_PARTNER = "There is no such affected partner on this decision."


# --- lead-time policy ----------------------------------------------------------------


def lead_time_policy() -> dict[str, int]:
    stored = dict(
        db.session.execute(select(LeadTimePolicy.kind, LeadTimePolicy.working_days)).all()
    )
    return {kind.value: stored.get(kind.value, DEFAULT_LEAD_TIME) for kind in DecisionKind}


def default_lead_time(kind: str) -> int:
    return lead_time_policy().get(kind, DEFAULT_LEAD_TIME)


def _ensure_admin_or_job(who: Who, what: str) -> None:
    actor = as_actor(who)
    if not (actor.is_admin or actor.via is Via.JOB):
        raise Forbidden(f"Only admins can {what}.")


def set_lead_time_policy(who: Who, values: dict[str, int]) -> None:
    _ensure_admin_or_job(who, "change the lead-time policy")
    for days in values.values():
        _check_lead_time(days, "lead_time")
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
            actor=who,
            entity_type="lead_time_policy",
            entity_id=0,
            action="updated",
            changes=changes,
            summary="Lead-time policy changed",
        )
    db.session.flush()


def _check_lead_time(days: int | None, field_name: str) -> None:
    if days is not None and not MIN_LEAD_TIME <= days <= MAX_LEAD_TIME:
        raise DecisionError(LEAD_TIME_RANGE_MESSAGE, field_name)


# --- loading one decision for an actor -------------------------------------------------


# Everything a decision's page, or its API representation, reads: no lazy loads per row.
ASSESSMENT_LOADS = (
    selectinload(Decision.requirements)
    .selectinload(BriefingRequirement.person)
    .selectinload(Person.organisation),
    selectinload(Decision.team),
    selectinload(Decision.surprises).selectinload(SurpriseReport.person),
    selectinload(Decision.owner).selectinload(Person.pas),
)


def load_for_page(who: Who, decision_id: int) -> Decision:
    """The decision with its partners, team and surprises; `NotFound` unless the actor
    may see it."""
    return visibility.require_visible(who, decision_id, ASSESSMENT_LOADS)


def get_for_edit(who: Who, decision_id: int) -> Decision:
    """The decision, loaded as for its page, if the actor may change it: `NotFound` if
    they may not see it, `Forbidden` if they may see but not change it."""
    return visibility.require_editable(who, decision_id, ASSESSMENT_LOADS)


def _editable(who: Who, decision: Decision | int) -> Decision:
    if isinstance(decision, Decision):
        visibility.ensure_visible(who, decision)
        visibility.ensure_editable(who, decision)
        return decision
    return get_for_edit(who, decision)


def read_decision(who: Who, decision_id: int) -> Decision:
    """`load_for_page`, recording the read in the pre-release access register when the
    decision is confidential (the API's reads count as well as page views)."""
    decision = load_for_page(who, decision_id)
    if visibility.is_confidential(decision):
        record_access(who, decision)
    return decision


@dataclass(frozen=True)
class DecisionDetail:
    """Everything a decision's page shows, as the actor may see it."""

    decision: Decision
    assessment: outcomes.DecisionAssessment
    briefings: list[Briefing]
    history: list[AuditEvent]
    access_register: list[DecisionAccess]
    confidential: bool
    can_edit: bool
    can_waive: bool
    can_report: bool


def load_page(who: Who, decision_id: int) -> DecisionDetail:
    """A decision's page: `NotFound` unless the actor may see it.

    Opening a confidential decision is recorded in its pre-release access register (part
    of the request's unit of work; the caller commits). A briefing that also covered a
    decision the actor may not see is as confidential as that decision: it is left out,
    and so are its history entries.
    """
    decision = read_decision(who, decision_id)
    confidential = visibility.is_confidential(decision)
    return DecisionDetail(
        decision=decision,
        assessment=outcomes.assess(decision),
        briefings=_visible_briefings(who, decision),
        history=audit.history_for_decision(who, decision),
        access_register=_access_register(decision) if confidential else [],
        confidential=confidential,
        can_edit=visibility.can_edit(who, decision),
        can_waive=visibility.can_waive(who),
        can_report=visibility.can_report_surprise(who, decision),
    )


def _visible_briefings(who: Who, decision: Decision) -> list[Briefing]:
    return list(
        db.session.scalars(
            select(Briefing)
            .where(
                # Not a join: the visibility clause must see every decision a briefing
                # covered, not only this one.
                Briefing.id.in_(
                    select(briefing_decision.c.briefing_id).where(
                        briefing_decision.c.decision_id == decision.id
                    )
                ),
                visibility.briefing_visible_clause(who),
            )
            .options(
                selectinload(Briefing.attendees),
                selectinload(Briefing.briefed_by),
                selectinload(Briefing.on_behalf_of),
                selectinload(Briefing.logged_by),
            )
            .order_by(Briefing.occurred_at.desc())
        )
    )


def record_access(who: Who, decision: Decision) -> None:
    """Pre-release access register for confidential decisions (jobs act for nobody and
    record nothing)."""
    actor = as_actor(who)
    if actor.user is None:
        return
    visibility.ensure_visible(actor, decision)
    now = utcnow()
    access = db.session.scalar(
        select(DecisionAccess).where(
            DecisionAccess.decision_id == decision.id, DecisionAccess.user_id == actor.user.id
        )
    )
    if access is None:
        db.session.add(
            DecisionAccess(
                decision_id=decision.id,
                user_id=actor.user.id,
                first_viewed_at=now,
                last_viewed_at=now,
                view_count=1,
            )
        )
    else:
        access.last_viewed_at = now
        access.view_count += 1
    db.session.flush()


def _access_register(decision: Decision) -> list[DecisionAccess]:
    return list(
        db.session.scalars(
            select(DecisionAccess)
            .where(DecisionAccess.decision_id == decision.id)
            .options(selectinload(DecisionAccess.user))
            .order_by(DecisionAccess.first_viewed_at)
        )
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
    # _complete filled both in.
    assert data.owner_person_id is not None
    assert data.lead_time is not None
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


def _complete(who: Who, data: DecisionInput) -> DecisionInput:
    """Fill in the defaults, then check what the rules require (before anything changes)."""
    if data.owner_person_id is None:
        data = replace(data, owner_person_id=default_owner_id(who))
    if data.lead_time is None:
        data = replace(data, lead_time=default_lead_time(data.kind))
    _check_lead_time(data.lead_time, "lead_time")
    if data.sensitivity == Sensitivity.EMBARGOED.value:
        if data.embargo_lifts_at is None:
            raise DecisionError("Enter when the embargo lifts", "embargo_lifts_at")
        if data.embargo_lifts_at > data.event_at:
            raise DecisionError("The embargo must lift on or before the event", "embargo_lifts_at")
    owner = db.session.get(Person, data.owner_person_id) if data.owner_person_id else None
    if owner is None or owner.is_archived:
        raise DecisionError("Select who owns this decision", "owner_person_id")
    return data


def check_choices(who: Who, data: DecisionInput, current: Decision | None = None) -> None:
    """Owners and team members come from the lists the web form offers (`owner_choices`,
    `team_choices`); what the decision already has may stay."""
    owner_id = data.owner_person_id
    changed = bool(owner_id) and (current is None or owner_id != current.owner_person_id)
    if changed and owner_id not in {person.id for person in owner_choices(who)}:
        raise DecisionError(
            "Select an owner: a leader who uses No Surprises, or one you assist.",
            "owner_person_id",
        )
    already = {member.id for member in current.team} if current is not None else set()
    if set(data.team_user_ids) - already - {member.id for member in team_choices()}:
        raise DecisionError(
            "Select team members who are active admins, leaders or PAs.", "team_user_ids"
        )


# --- create and change ----------------------------------------------------------------


def ensure_can_create(who: Who) -> None:
    if not visibility.can_create(who):
        raise Forbidden("Your role cannot log decisions.")


def create_decision(who: Who, data: DecisionInput) -> Decision:
    """Log a decision. Whoever logs one for someone else joins its team."""
    ensure_can_create(who)
    actor = as_actor(who)
    user = actor.require_user()
    data = _complete(actor, data)
    decision = Decision(created_by_user_id=user.id, sequence=0)
    _apply(decision, data)
    db.session.add(decision)
    db.session.flush()
    if not visibility.can_edit(actor, decision):
        # Whoever logs a decision for someone else can keep working on it.
        decision.team.append(user)
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


def log_decision(who: Who, data: DecisionInput) -> Decision:
    """Log a decision as the web form and the API offer it: the owner and the team chosen
    from `owner_choices` and `team_choices`."""
    ensure_can_create(who)
    if data.owner_person_id is None:
        data = replace(data, owner_person_id=default_owner_id(who))
    check_choices(who, data)
    return create_decision(who, data)


def _brief_by(decision: Decision, requirement_lead_time: int | None) -> date:
    return brief_by_date(
        event_local_date(decision.event_at),
        requirement_lead_time or decision.lead_time,
        calendar.working_calendar(),
    )


def update_decision(who: Who, decision: Decision | int, data: DecisionInput) -> ChangeResult:
    """Apply a change; recompute brief-by dates; tell already-briefed partners about moves.

    `decision` is the decision or its id; `NotFound`/`Forbidden` unless the actor may
    change it.
    """
    decision = _editable(who, decision)
    if data.owner_person_id is None:
        data = replace(data, owner_person_id=decision.owner_person_id)
    data = _complete(who, data)
    before = _snapshot(decision)
    old_date = event_local_date(decision.event_at)
    old_status = decision.status
    _apply(decision, data)
    changes = audit.diff(before, _snapshot(decision))
    result = ChangeResult(changes=changes)
    if not changes:
        return result
    decision.sequence += 1
    audit.record(
        actor=who,
        entity_type="decision",
        entity_id=decision.id,
        decision_id=decision.id,
        action="updated",
        changes=changes,
        summary=f"Changed {', '.join(sorted(changes))}",
    )
    if {"event_at", "kind", "lead_time"} & changes.keys():
        result.recomputed = _recompute_pending(who, decision)
    change_reason = _change_reason(decision, old_date, old_status)
    if change_reason:
        result.update_requirements = _create_update_requirements(who, decision, change_reason)
    db.session.flush()
    # Moved, postponed, cancelled, new owner or sensitivity: unsent reminders follow.
    reminders.recompute_for_decision(decision)
    return result


def patch_decision(who: Who, decision_id: int, changes: Mapping[str, Any]) -> ChangeResult:
    """Change some fields (the API's PATCH); a new owner or team member comes from the
    lists the web form offers."""
    decision = get_for_edit(who, decision_id)
    data = replace(DecisionInput.of(decision), **changes)
    check_choices(who, data, decision)
    return update_decision(who, decision, data)


def _change_reason(decision: Decision, old_date: date, old_status: str) -> str | None:
    """Why partners already briefed must hear again: cancelled, postponed or moved."""
    status = decision.status
    new_date = event_local_date(decision.event_at)
    if status != old_status and status == DecisionStatus.CANCELLED.value:
        return "Cancelled"
    if status != old_status and status == DecisionStatus.POSTPONED.value:
        return "Postponed"
    if new_date != old_date and status in (
        DecisionStatus.PLANNED.value,
        DecisionStatus.DRAFT.value,
    ):
        return f"Date moved from {old_date:%-d %b %Y} to {new_date:%-d %b %Y}"
    return None


def _audit_requirement(
    who: Who,
    requirement: BriefingRequirement,
    action: str,
    changes: Mapping[str, Any],
    summary: str,
) -> None:
    audit.record(
        actor=who,
        entity_type="requirement",
        entity_id=requirement.id,
        decision_id=requirement.decision_id,
        action=action,
        changes=changes,
        summary=summary,
    )


def _recompute_pending(who: Who, decision: Decision) -> int:
    count = 0
    for requirement in decision.requirements:
        if requirement.status != RequirementStatus.PENDING.value or requirement.is_update:
            continue
        new_brief_by = _brief_by(decision, requirement.lead_time_override)
        if new_brief_by != requirement.brief_by:
            _audit_requirement(
                who,
                requirement,
                "recomputed",
                {"brief_by": [requirement.brief_by, new_brief_by]},
                f"Brief-by date for {requirement.person.full_name} recomputed",
            )
            requirement.brief_by = new_brief_by
            count += 1
    return count


def _create_update_requirements(
    who: Who, decision: Decision, reason: str
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
            _audit_requirement(
                who,
                requirement,
                "status_changed",
                audit.diff(before, audit.snapshot(requirement, tuple(before))),
                f"{requirement.person.full_name}: earlier update replaced",
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
    if created:
        db.session.expire(decision, ["requirements"])  # read again in their order
    for requirement in created:
        _audit_requirement(
            who,
            requirement,
            "update_created",
            {"brief_by": [None, requirement.brief_by], "reason": [None, reason]},
            f"{requirement.person.full_name} must hear about the change",
        )
    return created


# --- partners -------------------------------------------------------------------------


@dataclass(frozen=True)
class PartnerOption:
    person: Person
    already: bool  # already an affected partner: shown, not offered
    suggested: bool  # ticked to begin with: a main contact, or everyone when none is


@dataclass(frozen=True)
class PartnerGroup:
    organisation: Organisation
    options: list[PartnerOption]


@dataclass(frozen=True)
class PartnerChoices:
    """The people of the chosen organisations, to pick a decision's affected partners."""

    decision: Decision
    groups: list[PartnerGroup]

    @property
    def offered_ids(self) -> list[int]:
        return [o.person.id for g in self.groups for o in g.options if not o.already]

    @property
    def suggested_ids(self) -> list[int]:
        return [
            o.person.id for g in self.groups for o in g.options if o.suggested and not o.already
        ]

    @property
    def already_ids(self) -> set[int]:
        return {o.person.id for g in self.groups for o in g.options if o.already}


def partner_choices(who: Who, decision_id: int, organisation_ids: Sequence[int]) -> PartnerChoices:
    """`NotFound`/`Forbidden` unless the actor may change the decision. Archived
    organisations and people are not offered; no groups when none of the ids is usable."""
    decision = get_for_edit(who, decision_id)
    organisations: Sequence[Organisation] = (
        db.session.scalars(
            select(Organisation)
            .where(Organisation.id.in_(organisation_ids), Organisation.is_archived.is_(False))
            .order_by(Organisation.name_key)
        ).all()
        if organisation_ids
        else []
    )
    already = {r.person_id for r in decision.requirements if not r.is_update}
    groups = []
    for organisation in organisations:
        suggested = {p.id for p in default_people_for_organisation(organisation.id)}
        options = [
            PartnerOption(person, already=person.id in already, suggested=person.id in suggested)
            for person in organisation.people
            if not person.is_archived
        ]
        groups.append(PartnerGroup(organisation, options))
    return PartnerChoices(decision, groups)


def add_partners(
    who: Who, decision: Decision | int, partners: Sequence[PartnerInput]
) -> list[BriefingRequirement]:
    """Add affected people; people already on the decision are left as they are."""
    decision = _editable(who, decision)
    existing = {r.person_id for r in decision.requirements if not r.is_update}
    wanted = [p for p in partners if p.person_id not in existing]
    for partner in wanted:
        _check_lead_time(partner.lead_time_override, "lead_time_override")
    people = {
        person.id: person
        for person in db.session.scalars(
            select(Person).where(Person.id.in_([p.person_id for p in wanted]))
        )
    }
    if any(people.get(p.person_id) is None or people[p.person_id].is_archived for p in wanted):
        raise DecisionError("Select people from the list", "people")
    created = []
    for partner in wanted:
        person = people[partner.person_id]
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
        _audit_requirement(
            who,
            requirement,
            "created",
            {
                "person": [None, requirement.person.full_name],
                "brief_by": [None, requirement.brief_by],
                "reason": [None, requirement.reason],
                "lead_time_override": [None, requirement.lead_time_override],
            },
            f"{requirement.person.full_name} added as an affected partner",
        )
    if created:
        decision.sequence += 1
        # Read again in their order (update round, brief-by date) next time.
        db.session.expire(decision, ["requirements"])
        reminders.recompute_for_requirements(created)
    return created


# --- requirements -----------------------------------------------------------------------


def _requirement_of(decision: Decision, requirement_id: int) -> BriefingRequirement:
    for requirement in decision.requirements:
        if requirement.id == requirement_id:
            return requirement
    raise NotFound(NOT_A_PARTNER)


def get_requirement(who: Who, decision_id: int, requirement_id: int) -> BriefingRequirement:
    """A requirement of a decision the actor may see (`NotFound` otherwise, also when the
    requirement belongs to another decision)."""
    return _requirement_of(load_for_page(who, decision_id), requirement_id)


def get_requirement_for_edit(
    who: Who, decision_id: int, requirement_id: int
) -> BriefingRequirement:
    """A requirement of a decision the actor may change: `NotFound` or `Forbidden`."""
    return _requirement_of(get_for_edit(who, decision_id), requirement_id)


def update_requirement(
    who: Who,
    requirement: BriefingRequirement,
    *,
    reason: str | None,
    lead_time_override: int | None,
) -> None:
    _editable(who, requirement.decision)
    _check_lead_time(lead_time_override, "lead_time_override")
    before = audit.snapshot(requirement, ("reason", "lead_time_override", "brief_by"))
    requirement.reason = (reason or "").strip() or None
    requirement.lead_time_override = lead_time_override
    if requirement.status == RequirementStatus.PENDING.value and not requirement.is_update:
        requirement.brief_by = _brief_by(requirement.decision, lead_time_override)
    changes = audit.diff(before, audit.snapshot(requirement, tuple(before)))
    if changes:
        _audit_requirement(
            who,
            requirement,
            "updated",
            changes,
            f"Requirement for {requirement.person.full_name} changed",
        )
    db.session.flush()
    reminders.reconcile_requirement(requirement)


def _status_rights(who: Who, decision: Decision) -> tuple[bool, bool]:
    """(may mark not required, may waive); `Forbidden` when neither."""
    visibility.ensure_visible(who, decision)
    may_edit, may_waive = visibility.can_edit(who, decision), visibility.can_waive(who)
    if not (may_edit or may_waive):
        raise Forbidden(
            "Only the decision's owner, their PAs, the decision team, managers and admins "
            "can change whether a partner must be briefed."
        )
    return may_edit, may_waive


def status_options(who: Who, requirement: BriefingRequirement) -> list[RequirementStatus]:
    """What the actor may change the requirement to: back to pending, not required (those
    who may change the decision) or waived (admins and managers). Nothing for a briefed
    requirement: a logged briefing is history (change the briefing instead)."""
    may_edit, may_waive = _status_rights(who, requirement.decision)
    if requirement.status == RequirementStatus.BRIEFED.value:
        return []
    wanted = [
        (RequirementStatus.PENDING, True),
        (RequirementStatus.NOT_REQUIRED, may_edit),
        (RequirementStatus.WAIVED, may_waive),
    ]
    return [status for status, may in wanted if may and status.value != requirement.status]


def set_requirement_status(
    who: Who, requirement: BriefingRequirement, status: RequirementStatus, reason: str | None
) -> None:
    """Mark not required or waived (with a reason), or put back to pending.

    `NotFound` unless the actor may see the decision; `Forbidden` unless they may change
    it (not required) or are an admin or manager (waived), or either (pending).
    """
    may_edit, may_waive = _status_rights(who, requirement.decision)
    if (status == RequirementStatus.NOT_REQUIRED and not may_edit) or (
        status == RequirementStatus.WAIVED and not may_waive
    ):
        raise Forbidden(f"You cannot mark a partner as {status.label.lower()}.")
    if status in (RequirementStatus.NOT_REQUIRED, RequirementStatus.WAIVED) and not (
        reason and reason.strip()
    ):
        raise DecisionError("Enter a reason", "reason")
    if status == RequirementStatus.BRIEFED:
        raise DecisionError("Log a briefing to mark someone as briefed", "status")
    if requirement.status == RequirementStatus.BRIEFED.value:
        raise DecisionError(
            "They have been briefed: change the briefing that was logged instead", "status"
        )
    before = audit.snapshot(requirement, ("status", "status_reason"))
    requirement.status = status.value
    requirement.status_reason = reason.strip() if reason else None
    requirement.status_changed_by_user_id = as_actor(who).user_id
    _audit_requirement(
        who,
        requirement,
        "status_changed",
        audit.diff(before, audit.snapshot(requirement, tuple(before))),
        f"{requirement.person.full_name}: {status.label}",
    )
    db.session.flush()
    # Waived or not required: no more reminders; back to pending: they start again.
    reminders.reconcile_requirement(requirement)


def remove_requirement(who: Who, requirement: BriefingRequirement) -> None:
    """Take a partner off a decision; only while nothing has happened for them yet."""
    decision = _editable(who, requirement.decision)
    if requirement.status != RequirementStatus.PENDING.value or requirement.is_update:
        raise DecisionError(
            "Only pending partners can be removed. Mark them as not required instead.", None
        )
    _audit_requirement(
        who,
        requirement,
        "removed",
        {"person": [requirement.person.full_name, None]},
        f"{requirement.person.full_name} removed from affected partners",
    )
    decision.requirements.remove(requirement)
    # The requirement's reminders go with it (ON DELETE CASCADE).
    db.session.flush()
    reminders.recompute_for_decision(decision)


# --- surprises ---------------------------------------------------------------------------


def _reporting(who: Who, decision: Decision | int) -> Decision:
    if not isinstance(decision, Decision):
        decision = load_for_page(who, decision)
    visibility.ensure_visible(who, decision)
    if not visibility.can_report_surprise(who, decision):
        raise Forbidden(
            "Only the decision's owner, their PAs, the decision team, managers and admins "
            "can record a surprise."
        )
    return decision


def surprise_people(who: Who, decision_id: int) -> tuple[Decision, list[Person]]:
    """The decision and its affected partners, to record that one of them was surprised:
    `NotFound` unless the actor may see it, `Forbidden` unless they may report."""
    decision = _reporting(who, decision_id)
    return decision, _partners_of(decision)


def _partners_of(decision: Decision) -> list[Person]:
    return sorted({r.person for r in decision.requirements}, key=lambda p: p.name_key)


def record_surprise(
    who: Who, decision: Decision | int, *, person_id: int, reported_at: datetime, what: str
) -> SurpriseReport:
    """A partner said they were surprised; it counts against the decision."""
    decision = _reporting(who, decision)
    if person_id not in {person.id for person in _partners_of(decision)}:
        raise DecisionError("Select who was surprised", "person_id")
    if london_date(reported_at) > calendar.today_london():
        raise DecisionError("The date they told you must be today or in the past", "reported_date")
    report = SurpriseReport(
        decision_id=decision.id,
        person_id=person_id,
        reported_at=reported_at,
        what_they_said=what.strip(),
        recorded_by_user_id=as_actor(who).user_id,
    )
    db.session.add(report)
    db.session.flush()
    audit.record(
        actor=who,
        entity_type="surprise",
        entity_id=report.id,
        decision_id=decision.id,
        action="created",
        changes={"person_id": [None, person_id]},
        summary="Surprise reported",
    )
    return report


# --- counts and bulk recomputation --------------------------------------------------------


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


def recompute_future_pending(who: Who) -> int:
    """After closure days change: every pending brief-by date of a future event again.

    Admins (who change closure days) and jobs only: it touches every decision.
    """
    _ensure_admin_or_job(who, "recompute brief-by dates")
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
        total += _recompute_pending(who, decision)
        db.session.flush()
        # Closure days move reminder days too, even where the brief-by date stays.
        reminders.recompute_for_decision(decision, now)
    db.session.flush()
    return total


# --- lists and pickers -----------------------------------------------------------------


def owner_choices(who: Who) -> list[Person]:
    """People who can own a decision: leaders who use the app (and those a PA assists).

    A PA acts only for the leaders they assist, so their choice is just those leaders.
    """
    actor = as_actor(who)
    circle = visibility.circle_person_ids(actor)
    if actor.role == Role.PA.value:
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


def default_owner_id(who: Who) -> int | None:
    actor = as_actor(who)
    if actor.user is None:
        return None
    own = db.session.scalar(select(Person.id).where(Person.user_id == actor.user.id))
    if own is not None:
        return own
    circle = visibility.circle_person_ids(actor)
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


def _conditions(who: Who, filters: DecisionFilters, now: datetime) -> list[ColumnElement[bool]]:
    conditions = [visibility.visible_clause(who, now)]
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


def search(who: Who, filters: DecisionFilters, now: datetime | None = None) -> DecisionPage:
    now = now or utcnow()
    conditions = _conditions(who, filters, now)
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
    who: Who, filters: DecisionFilters, page: int, per_page: int, now: datetime | None = None
) -> Page[Decision]:
    """Visible matching decisions in id order, loaded for assessment (for the API)."""
    statement = (
        select(Decision)
        .where(*_conditions(who, filters, now or utcnow()))
        .options(*ASSESSMENT_LOADS)
        .order_by(Decision.id)
    )
    return paginate(statement, page, per_page)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def upcoming_for_circle(who: Who, limit: int = 20) -> list[Decision]:
    """Upcoming planned decisions this actor works on, with partners still to brief."""
    actor = as_actor(who)
    if actor.user is None:
        return []
    circle = visibility.circle_person_ids(actor)
    conditions = [Decision.team.any(User.id == actor.user.id)]
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
