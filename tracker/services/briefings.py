"""Briefings: logging an engagement marks the matching requirements as briefed.

Every function here that reads or changes a briefing takes the actor and decides itself.
A briefing about a decision the actor may not see is as confidential as the decision
(`NotFound`); logging one needs a role that logs briefings and, for each decision it
covers, the right to change that decision (`Forbidden`); correcting one is for whoever
logged it and admins (`Forbidden`). The rules are `tracker.services.visibility` and
`tracker.services.permissions`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import selectinload

from tracker.domain.errors import Forbidden, InvalidInput, NotFound
from tracker.domain.statuses import RequirementStatus
from tracker.domain.vocabulary import Channel
from tracker.extensions import db
from tracker.models import (
    Briefing,
    BriefingRequirement,
    Decision,
    Organisation,
    Person,
    briefing_attendee,
    briefing_decision,
    utcnow,
)
from tracker.services import audit, decisions, permissions, reminders, visibility
from tracker.services.actor import Actor, Who, as_actor
from tracker.services.paging import Page, count, paginate

NOT_FOUND_MESSAGE = "There is no briefing with this id."


class BriefingError(InvalidInput):
    """A briefing the rules refuse; `field` names the form field at fault."""


class NoSuchDecision(BriefingError, NotFound):
    """A decision named in a briefing that the actor may not see: as if it did not exist.

    An `InvalidInput` first (the API answers 422 naming `decision_ids`, a form shows the
    error), and a `NotFound` too, for callers that only ask whether it was found.
    """


@dataclass(kw_only=True)
class BriefingDetails:
    """What may be corrected once a briefing is logged."""

    occurred_at: datetime
    channel: str
    summary: str | None = None
    note_reference: str | None = None
    acknowledged: bool = False

    @classmethod
    def of(cls, briefing: Briefing) -> BriefingDetails:
        return cls(**{name: getattr(briefing, name) for name in DETAIL_FIELDS})


DETAIL_FIELDS = tuple(f.name for f in fields(BriefingDetails))


@dataclass(kw_only=True)
class BriefingInput(BriefingDetails):
    """A briefing as logged: the details, who was briefed and about which decisions."""

    person_ids: list[int]
    decision_ids: list[int] = field(default_factory=list)
    briefed_by_person_id: int | None = None
    on_behalf_of_person_id: int | None = None


# What the audit trail compares (who was briefed and about what are added as id lists).
BRIEFING_FIELDS = (*DETAIL_FIELDS, "briefed_by_person_id", "on_behalf_of_person_id")


def qualifies(requirement: BriefingRequirement, occurred_at: datetime) -> bool:
    """Original requirements take any briefing; an update needs one after the change.

    Briefing times are entered to the minute, so a briefing in the same minute as the
    change counts (otherwise one logged straight after a change could never qualify).
    """
    if not requirement.is_update:
        return True
    return occurred_at >= requirement.created_at.replace(second=0, microsecond=0)


# --- who may -----------------------------------------------------------------------------


def can_log(who: Who) -> bool:
    return permissions.can_log_briefings(as_actor(who).user)


def ensure_can_log(who: Who) -> None:
    if not can_log(who):
        raise Forbidden("Your role cannot log briefings.")


def can_edit(who: Who, briefing: Briefing) -> bool:
    """Admins, and whoever logged the briefing (while their role still logs briefings)."""
    return permissions.can_edit_briefing(as_actor(who).user, briefing.logged_by_user_id)


# The rule for briefings is the decisions' rule (tracker.services.visibility); these
# names stay for callers that know them from here.
visible_clause = visibility.briefing_visible_clause
hidden_briefing_ids = visibility.hidden_briefing_ids
can_see = visibility.can_see_briefing


def _decisions_to_log(actor: Actor, decision_ids: Sequence[int]) -> list[Decision]:
    """The decisions a briefing covers: each one the actor may see (else `NoSuchDecision`,
    named like an id that does not exist) and may change (else `Forbidden`)."""
    chosen = []
    for decision_id in dict.fromkeys(decision_ids):
        decision = visibility.get_visible(actor, decision_id)
        if decision is None:
            raise NoSuchDecision(f"There is no decision with id {decision_id}.", "decision_ids")
        chosen.append(decision)
    for decision in chosen:
        if not visibility.can_edit(actor, decision):
            raise Forbidden(
                f"You cannot log briefings about decision {decision.id}: only its owner, "
                "their PAs, the decision team and admins can."
            )
    return chosen


# --- reading -----------------------------------------------------------------------------


def get(who: Who, briefing_id: int) -> Briefing:
    """The briefing, if the actor may see every decision it covered; `NotFound` otherwise."""
    briefing = db.session.scalar(
        select(Briefing)
        .where(Briefing.id == briefing_id)
        .options(
            selectinload(Briefing.attendees).selectinload(Person.organisation),
            selectinload(Briefing.decisions).selectinload(Decision.team),
        )
    )
    if briefing is None or not visibility.can_see_briefing(who, briefing):
        raise NotFound(NOT_FOUND_MESSAGE)
    return briefing


def get_for_edit(who: Who, briefing_id: int) -> Briefing:
    """`get`, and `Forbidden` unless the actor logged it or is an admin."""
    return _editable(who, get(who, briefing_id))


def _editable(who: Who, briefing: Briefing) -> Briefing:
    if not visibility.can_see_briefing(who, briefing):
        raise NotFound(NOT_FOUND_MESSAGE)
    if not can_edit(who, briefing):
        raise Forbidden("Only whoever logged a briefing, or an admin, can change it.")
    return briefing


@dataclass(frozen=True)
class LogStart:
    """What the form to log a briefing offers: the decisions it is about, the people who
    might have been briefed (partners of those decisions, people of the organisations),
    those ticked to begin with, and who may be named as the briefer."""

    decisions: list[Decision]
    organisation_ids: list[int]
    people: list[Person]
    preselected: list[int]
    briefers: list[Person]
    default_briefer_id: int | None

    @property
    def nothing_chosen(self) -> bool:
        """Neither a decision nor an organisation: the user chooses one first."""
        return not self.decisions and not self.organisation_ids


def start_log(
    who: Who,
    decision_ids: Sequence[int],
    organisation_ids: Sequence[int] = (),
    person_ids: Sequence[int] = (),
) -> LogStart:
    """The form to log a briefing about these decisions, or with these organisations.

    A decision the actor may not see is `NotFound` whatever their role, as on the
    decision's own pages; then `Forbidden` unless their role logs briefings and they may
    change every decision. `person_ids` (a keep-in-touch link) ticks those people.
    """
    actor = as_actor(who)
    chosen = [visibility.require_visible(actor, i) for i in dict.fromkeys(decision_ids)]
    ensure_can_log(actor)
    for decision in chosen:
        visibility.ensure_editable(actor, decision)
    organisation_ids = [i for i in dict.fromkeys(organisation_ids) if i > 0]
    people: dict[int, Person] = {}
    preselected: list[int] = []
    for decision in chosen:
        for requirement in decision.requirements:
            people[requirement.person_id] = requirement.person
            if requirement.status == RequirementStatus.PENDING.value and (
                not person_ids or requirement.person_id in person_ids
            ):
                preselected.append(requirement.person_id)
    for person in _people_of(organisation_ids):
        people.setdefault(person.id, person)
        # A keep-in-touch link names the person: tick them (nothing is saved).
        if person.id in person_ids and person.id not in preselected:
            preselected.append(person.id)
    return LogStart(
        decisions=chosen,
        organisation_ids=organisation_ids,
        people=sorted(people.values(), key=lambda p: p.name_key),
        preselected=preselected,
        briefers=decisions.owner_choices(actor),
        default_briefer_id=(
            chosen[0].owner_person_id if chosen else decisions.default_owner_id(actor)
        ),
    )


def _people_of(organisation_ids: Sequence[int]) -> list[Person]:
    if not organisation_ids:
        return []
    organisations = db.session.scalars(
        select(Organisation).where(Organisation.id.in_(organisation_ids))
    )
    return [p for o in organisations for p in o.people if not p.is_archived]


# --- logging and correcting ------------------------------------------------------------------


def _apply(briefing: Briefing, data: BriefingInput, covered: list[Decision]) -> None:
    Channel(data.channel)
    if data.occurred_at > utcnow():
        raise BriefingError("The briefing must have already happened", "occurred_at")
    if not data.person_ids:
        raise BriefingError("Select who was briefed", "person_ids")
    people = list(db.session.scalars(select(Person).where(Person.id.in_(data.person_ids))))
    if len(people) != len(set(data.person_ids)):
        raise BriefingError("Select people from the list", "person_ids")
    briefing.occurred_at = data.occurred_at
    briefing.channel = data.channel
    briefing.summary = (data.summary or "").strip() or None
    briefing.note_reference = (data.note_reference or "").strip() or None
    briefing.acknowledged = data.acknowledged
    briefing.briefed_by_person_id = data.briefed_by_person_id
    briefing.on_behalf_of_person_id = data.on_behalf_of_person_id
    briefing.attendees = people
    briefing.decisions = covered


def _snapshot(briefing: Briefing) -> dict[str, Any]:
    values = audit.snapshot(briefing, BRIEFING_FIELDS)
    values["person_ids"] = sorted(p.id for p in briefing.attendees)
    values["decision_ids"] = sorted(d.id for d in briefing.decisions)
    return values


def mark_requirements(who: Who | None, briefing: Briefing) -> list[BriefingRequirement]:
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
        requirement.status_changed_by_user_id = as_actor(who).user_id
        marked.append(requirement)
        audit.record(
            actor=who,
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


def log_briefing(who: Who, data: BriefingInput) -> tuple[Briefing, list[BriefingRequirement]]:
    """Log a briefing; pending requirements it satisfies become briefed.

    `Forbidden` unless the actor's role logs briefings; each decision must be one they
    may see (`NoSuchDecision`) and change (`Forbidden`).
    """
    actor = as_actor(who)
    ensure_can_log(actor)
    return _log(actor, data, _decisions_to_log(actor, data.decision_ids))


def _log(
    actor: Actor, data: BriefingInput, covered: list[Decision]
) -> tuple[Briefing, list[BriefingRequirement]]:
    briefing = Briefing(logged_by_user_id=actor.user_id)
    _apply(briefing, data, covered)
    db.session.add(briefing)
    db.session.flush()
    created = {k: [None, v] for k, v in _snapshot(briefing).items()}
    about: list[int | None] = [d.id for d in briefing.decisions]
    for decision_id in about or [None]:  # a general contact is about no decision
        audit.record(
            actor=actor,
            entity_type="briefing",
            entity_id=briefing.id,
            decision_id=decision_id,
            action="created",
            changes=created,
            summary=f"Briefing logged ({briefing.channel_label})",
        )
    marked = mark_requirements(actor, briefing)
    db.session.flush()
    return briefing, marked


def choose_briefer(who: Who, person_id: int | None, covered: Sequence[Decision] = ()) -> Person:
    """Who did the briefing, from the people the web form offers (`owner_choices`); by
    default (None) the first covered decision's owner, or the actor's own person."""
    actor = as_actor(who)
    if person_id is None:
        person_id = covered[0].owner_person_id if covered else decisions.default_owner_id(actor)
    choices = {person.id: person for person in decisions.owner_choices(actor)}
    if person_id is None or person_id not in choices:
        raise BriefingError(
            "Select who briefed them: a leader who uses No Surprises, or one you assist.",
            "briefed_by_person_id",
        )
    return choices[person_id]


def on_behalf_of_for(who: Who, briefed_by: Person | None) -> int | None:
    """A briefing logged by someone other than the briefer is logged on the briefer's behalf."""
    if briefed_by is None or briefed_by.user_id == as_actor(who).user_id:
        return None
    return briefed_by.id


def log_as_offered(who: Who, data: BriefingInput) -> tuple[Briefing, list[BriefingRequirement]]:
    """Log a briefing as the web form and the API offer it: the checks of `log_briefing`,
    the briefer chosen as `choose_briefer` says (None: the default), and logged on the
    briefer's behalf when someone else logs it."""
    actor = as_actor(who)
    ensure_can_log(actor)
    covered = _decisions_to_log(actor, data.decision_ids)
    briefer = choose_briefer(actor, data.briefed_by_person_id, covered)
    data = replace(
        data,
        person_ids=list(dict.fromkeys(data.person_ids)),
        briefed_by_person_id=briefer.id,
        on_behalf_of_person_id=on_behalf_of_for(actor, briefer),
    )
    return _log(actor, data, covered)


def update_briefing(
    who: Who, briefing: Briefing | int, data: BriefingInput
) -> list[BriefingRequirement]:
    """Change a briefing: `NotFound` unless the actor may see it, `Forbidden` unless they
    logged it or are an admin; every decision it then covers is checked as when logging."""
    actor = as_actor(who)
    if isinstance(briefing, Briefing):
        briefing = _editable(actor, briefing)
    else:
        briefing = get_for_edit(actor, briefing)
    kept = {d.id: d for d in briefing.decisions}
    covered = [kept[i] for i in data.decision_ids if i in kept] + _decisions_to_log(
        actor, [i for i in data.decision_ids if i not in kept]
    )
    before = _snapshot(briefing)
    _apply(briefing, data, covered)
    after = _snapshot(briefing)
    changes = audit.diff(before, after)
    for decision_id in sorted(set(before["decision_ids"]) | set(after["decision_ids"])):
        if changes:  # one entry in each decision's history, before and after
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


def update_details(
    who: Who, briefing: Briefing | int, changes: Mapping[str, Any]
) -> tuple[Briefing, list[BriefingRequirement]]:
    """Correct some of a briefing's details (`BriefingDetails`); who was briefed and about
    what stay as logged. The checks of `update_briefing`."""
    if not isinstance(briefing, Briefing):
        briefing = get_for_edit(who, briefing)
    details = replace(BriefingDetails.of(briefing), **changes)
    data = BriefingInput(
        **{name: getattr(details, name) for name in DETAIL_FIELDS},
        person_ids=[person.id for person in briefing.attendees],
        decision_ids=[decision.id for decision in briefing.decisions],
        briefed_by_person_id=briefing.briefed_by_person_id,
        on_behalf_of_person_id=briefing.on_behalf_of_person_id,
    )
    return briefing, update_briefing(who, briefing, data)


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


# --- lists -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BriefingFilters:
    decision_id: int | None = None
    person_id: int | None = None
    # Briefings from (inclusive) and to (exclusive) these instants.
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None


def _filter_conditions(filters: BriefingFilters) -> list[ColumnElement[bool]]:
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
    return conditions


def page_by_id(who: Who, filters: BriefingFilters, page: int, per_page: int) -> Page[Briefing]:
    """Visible matching briefings in id order (for the API)."""
    conditions = _filter_conditions(filters)
    # The total is every matching briefing less the hidden ones among them: a count the
    # database answers from an index, and a small one from the few hidden briefings.
    # (Counting "visible" directly would test every one of a million briefings.)
    hidden = visibility.hidden_briefing_ids(who)
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
