"""People for the stakeholder map: everyone in the register, or one decision's partners."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.models import BriefingRequirement, Decision, Organisation, Person


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


def people_for_decision(decision: Decision) -> list[Person]:
    """The decision's affected partners (each once, whatever their update rounds)."""
    return list(
        db.session.scalars(
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
    )


def organisations() -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.is_archived.is_(False))
            .order_by(Organisation.name_key)
        )
    )
