"""People for the stakeholder map: everyone in the register, or one decision's partners.

The register (people, organisations) is open to every signed-in user; a decision's
partners are shown only to those who may see the decision (`visibility.require_visible`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.models import BriefingRequirement, Decision, Organisation, Person
from tracker.services import visibility
from tracker.services.actor import Who


def people_for_map(organisation_id: int | None = None) -> list[Person]:
    """Active people (in one organisation, if given), by name: the map's fixed order."""
    query = (
        select(Person)
        .where(Person.is_archived.is_(False))
        .options(selectinload(Person.organisation))
        .order_by(Person.name_key, Person.id)
    )
    if organisation_id is not None:
        query = query.where(Person.organisation_id == organisation_id)
    return list(db.session.scalars(query))


def get_organisation(organisation_id: int | None) -> Organisation | None:
    """The organisation the map is narrowed to; None for none or no such organisation
    (the map then shows everyone)."""
    if organisation_id is None:
        return None
    return db.session.get(Organisation, organisation_id)


@dataclass(frozen=True)
class DecisionPartners:
    decision: Decision
    people: list[Person]


def people_for_decision(who: Who, decision_id: int) -> DecisionPartners:
    """The decision's affected partners (each once, whatever their update rounds), by
    name. `NotFound` if the actor may not see the decision (or there is none)."""
    decision = visibility.require_visible(who, decision_id)
    people = db.session.scalars(
        select(Person)
        .where(
            Person.id.in_(
                select(BriefingRequirement.person_id).where(
                    BriefingRequirement.decision_id == decision.id
                )
            )
        )
        .options(selectinload(Person.organisation))
        .order_by(Person.name_key, Person.id)
    )
    return DecisionPartners(decision=decision, people=list(people))


def organisations() -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.is_archived.is_(False))
            .order_by(Organisation.name_key)
        )
    )
