"""Briefings: logging an engagement marks the matching requirements as briefed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, Select, case, select
from sqlalchemy.orm import selectinload

from tracker.domain.errors import InvalidInput
from tracker.extensions import db
from tracker.models import (
    Briefing,
    BriefingRequirement,
    Channel,
    Decision,
    Person,
    RequirementStatus,
    User,
    briefing_attendee,
    briefing_decision,
    utcnow,
)
from tracker.services import audit, permissions, reminders, visibility
from tracker.services.paging import Page, count, paginate

BRIEFING_FIELDS = (
    "occurred_at",
    "channel",
    "summary",
    "note_reference",
    "acknowledged",
    "briefed_by_person_id",
    "on_behalf_of_person_id",
)


class BriefingError(InvalidInput):
    """A briefing the rules refuse; `field` names the form field at fault."""


@dataclass
class BriefingInput:
    occurred_at: datetime
    channel: str
    person_ids: list[int]
    decision_ids: list[int] = field(default_factory=list)
    briefed_by_person_id: int | None = None
    on_behalf_of_person_id: int | None = None
    summary: str | None = None
    note_reference: str | None = None
    acknowledged: bool = False


def qualifies(requirement: BriefingRequirement, occurred_at: datetime) -> bool:
    """Original requirements take any briefing; an update needs one after the change.

    Briefing times are entered to the minute, so a briefing in the same minute as the
    change counts (otherwise one logged straight after a change could never qualify).
    """
    if not requirement.is_update:
        return True
    return occurred_at >= requirement.created_at.replace(second=0, microsecond=0)


def _apply(briefing: Briefing, data: BriefingInput) -> None:
    Channel(data.channel)
    if data.occurred_at > utcnow():
        raise BriefingError("The briefing must have already happened", "occurred_at")
    if not data.person_ids:
        raise BriefingError("Select who was briefed", "person_ids")
    people = list(db.session.scalars(select(Person).where(Person.id.in_(data.person_ids))))
    if len(people) != len(set(data.person_ids)):
        raise BriefingError("Select people from the list", "person_ids")
    decisions = (
        list(db.session.scalars(select(Decision).where(Decision.id.in_(data.decision_ids))))
        if data.decision_ids
        else []
    )
    if len(decisions) != len(set(data.decision_ids)):
        raise BriefingError("Select decisions from the list", "decision_ids")
    briefing.occurred_at = data.occurred_at
    briefing.channel = data.channel
    briefing.summary = (data.summary or "").strip() or None
    briefing.note_reference = (data.note_reference or "").strip() or None
    briefing.acknowledged = data.acknowledged
    briefing.briefed_by_person_id = data.briefed_by_person_id
    briefing.on_behalf_of_person_id = data.on_behalf_of_person_id
    briefing.attendees = people
    briefing.decisions = decisions


def _snapshot(briefing: Briefing) -> dict[str, object]:
    values = audit.snapshot(briefing, BRIEFING_FIELDS)
    values["person_ids"] = sorted(p.id for p in briefing.attendees)
    values["decision_ids"] = sorted(d.id for d in briefing.decisions)
    return values


def mark_requirements(actor: User | None, briefing: Briefing) -> list[BriefingRequirement]:
    """Pending requirements of the covered decisions for the people briefed become briefed."""
    if not briefing.decisions or not briefing.attendees:
        return []
    requirements = db.session.scalars(
        select(BriefingRequirement)
        .where(
            BriefingRequirement.decision_id.in_([d.id for d in briefing.decisions]),
            BriefingRequirement.person_id.in_([p.id for p in briefing.attendees]),
            BriefingRequirement.status == RequirementStatus.PENDING.value,
        )
        .options(selectinload(BriefingRequirement.person))
    )
    marked = []
    for requirement in requirements:
        if not qualifies(requirement, briefing.occurred_at):
            continue
        requirement.status = RequirementStatus.BRIEFED.value
        requirement.first_briefed_at = briefing.occurred_at
        requirement.status_changed_by_user_id = actor.id if actor else None
        marked.append(requirement)
        audit.record(
            actor=actor,
            entity_type="requirement",
            entity_id=requirement.id,
            decision_id=requirement.decision_id,
            action="briefed",
            changes={
                "status": [RequirementStatus.PENDING.value, RequirementStatus.BRIEFED.value],
                "first_briefed_at": [None, briefing.occurred_at],
            },
            summary=f"{requirement.person.full_name} briefed",
        )
    if marked:
        # Briefed: whatever was still waiting to be sent about them is cancelled.
        reminders.recompute_for_requirements(marked)
    return marked


def log_briefing(actor: User, data: BriefingInput) -> tuple[Briefing, list[BriefingRequirement]]:
    briefing = Briefing(logged_by_user_id=actor.id)
    _apply(briefing, data)
    db.session.add(briefing)
    db.session.flush()
    for decision in briefing.decisions:
        audit.record(
            actor=actor,
            entity_type="briefing",
            entity_id=briefing.id,
            decision_id=decision.id,
            action="created",
            changes={k: [None, v] for k, v in _snapshot(briefing).items()},
            summary=f"Briefing logged ({briefing.channel_label})",
        )
    if not briefing.decisions:
        audit.record(
            actor=actor,
            entity_type="briefing",
            entity_id=briefing.id,
            action="created",
            changes={k: [None, v] for k, v in _snapshot(briefing).items()},
            summary=f"Briefing logged ({briefing.channel_label})",
        )
    marked = mark_requirements(actor, briefing)
    db.session.flush()
    return briefing, marked


def update_briefing(
    actor: User, briefing: Briefing, data: BriefingInput
) -> list[BriefingRequirement]:
    before = _snapshot(briefing)
    _apply(briefing, data)
    changes = audit.diff(before, _snapshot(briefing))
    if changes:
        for decision_id in sorted(
            set(before["decision_ids"]) | set(_snapshot(briefing)["decision_ids"])
        ):  # type: ignore[arg-type]
            audit.record(
                actor=actor,
                entity_type="briefing",
                entity_id=briefing.id,
                decision_id=decision_id,
                action="updated",
                changes=changes,
                summary="Briefing changed",
            )
    marked = mark_requirements(actor, briefing)
    if "occurred_at" in changes:
        recompute_first_briefed(briefing)
    db.session.flush()
    return marked


def briefings_for_decision(decision_id: int) -> Sequence[Briefing]:
    return list(
        db.session.scalars(
            select(Briefing)
            .join(Briefing.decisions)
            .where(Decision.id == decision_id)
            .options(
                # The page checks every decision a briefing covered (confidentiality).
                selectinload(Briefing.decisions).selectinload(Decision.owner),
                selectinload(Briefing.decisions).selectinload(Decision.team),
                selectinload(Briefing.attendees),
                selectinload(Briefing.briefed_by),
                selectinload(Briefing.on_behalf_of),
                selectinload(Briefing.logged_by),
            )
            .order_by(Briefing.occurred_at.desc())
        )
    )


def recompute_first_briefed(briefing: Briefing) -> None:
    """After a briefing's time changes, each requirement keeps its earliest qualifying briefing."""
    decision_ids = [d.id for d in briefing.decisions]
    person_ids = [p.id for p in briefing.attendees]
    if not decision_ids or not person_ids:
        return
    requirements = db.session.scalars(
        select(BriefingRequirement).where(
            BriefingRequirement.decision_id.in_(decision_ids),
            BriefingRequirement.person_id.in_(person_ids),
            BriefingRequirement.status == RequirementStatus.BRIEFED.value,
        )
    )
    for requirement in requirements:
        times = db.session.scalars(
            select(Briefing.occurred_at)
            .join(Briefing.decisions)
            .join(Briefing.attendees)
            .where(Decision.id == requirement.decision_id, Person.id == requirement.person_id)
        )
        qualifying = [t for t in times if qualifies(requirement, t)]
        if qualifying:
            requirement.first_briefed_at = min(qualifying)


def get_briefing(briefing_id: int) -> Briefing | None:
    return db.session.scalar(
        select(Briefing)
        .where(Briefing.id == briefing_id)
        .options(
            selectinload(Briefing.attendees).selectinload(Person.organisation),
            selectinload(Briefing.decisions),
        )
    )


# --- who may see and change a briefing ---------------------------------------------------


def visible_clause(user: User, now: datetime | None = None) -> ColumnElement[bool]:
    """A briefing about a confidential decision is as confidential as the decision.

    Visible when none of its decisions is hidden from `user` (general contacts, about no
    decision, are visible to everyone signed in).
    """
    return Briefing.id.not_in(hidden_briefing_ids(user, now))


def hidden_briefing_ids(user: User, now: datetime | None = None) -> Select[tuple[int]]:
    """Ids of briefings about a decision `user` may not see.

    Only restricted and embargoed decisions can be hidden: start from those (an index on
    sensitivity), and let CASE turn a NULL inside the rule into "hidden".
    """
    hidden_decisions = select(Decision.id).where(
        Decision.sensitivity.in_(visibility.CONFIDENTIAL_SENSITIVITIES),
        case((visibility.visible_clause(user, now), 0), else_=1) == 1,
    )
    return select(briefing_decision.c.briefing_id).where(
        briefing_decision.c.decision_id.in_(hidden_decisions)
    )


def can_see(user: User, briefing: Briefing) -> bool:
    return all(visibility.can_see(user, decision) for decision in briefing.decisions)


def get_visible(user: User, briefing_id: int) -> Briefing | None:
    """The briefing if `user` may see it; None otherwise (the caller answers 404)."""
    briefing = get_briefing(briefing_id)
    if briefing is None or not can_see(user, briefing):
        return None
    return briefing


def can_edit(user: User, briefing: Briefing) -> bool:
    return permissions.can_edit_briefing(user, briefing.logged_by_user_id)


def on_behalf_of_for(actor: User, briefed_by: Person | None) -> int | None:
    """A briefing logged by someone other than the briefer is logged on the briefer's behalf."""
    if briefed_by is None or briefed_by.user_id == actor.id:
        return None
    return briefed_by.id


@dataclass(frozen=True)
class BriefingFilters:
    decision_id: int | None = None
    person_id: int | None = None
    # Briefings from (inclusive) and to (exclusive) these instants.
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None


def page_by_id(user: User, filters: BriefingFilters, page: int, per_page: int) -> Page[Briefing]:
    """Visible matching briefings in id order (for the API)."""
    conditions: list[ColumnElement[bool]] = []
    if filters.decision_id is not None:
        conditions.append(
            Briefing.id.in_(
                select(briefing_decision.c.briefing_id).where(
                    briefing_decision.c.decision_id == filters.decision_id
                )
            )
        )
    if filters.person_id is not None:
        conditions.append(
            Briefing.id.in_(
                select(briefing_attendee.c.briefing_id).where(
                    briefing_attendee.c.person_id == filters.person_id
                )
            )
        )
    if filters.occurred_from is not None:
        conditions.append(Briefing.occurred_at >= filters.occurred_from)
    if filters.occurred_to is not None:
        conditions.append(Briefing.occurred_at < filters.occurred_to)
    # The total is every matching briefing less the hidden ones among them: a count the
    # database answers from an index, and a small one from the few hidden briefings.
    # (Counting "visible" directly would test every one of a million briefings.)
    hidden = hidden_briefing_ids(user)
    total = count(select(Briefing.id).where(*conditions)) - count(
        select(Briefing.id).where(*conditions, Briefing.id.in_(hidden))
    )
    statement = (
        select(Briefing)
        .where(Briefing.id.not_in(hidden), *conditions)
        .options(selectinload(Briefing.attendees), selectinload(Briefing.decisions))
        .order_by(Briefing.id)
    )
    return paginate(statement, page, per_page, total=total)
