"""Records the journeys start from, stored in the live server's database through the services.

Journeys create what a person would create themselves through the pages; these helpers
only set up what someone else did earlier (an admin linking a leader to their Person, a
decision logged last week). Each returns plain ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask

from tracker.extensions import db
from tracker.models import User, utcnow
from tracker.services import decisions as decision_service
from tracker.services import organisations as organisation_service
from tracker.services import people as people_service
from tracker.services.actor import Actor
from tracker.services.decisions import DecisionInput, PartnerInput


def add_organisation(app: Flask, name: str, org_type: str = "icb") -> int:
    with app.app_context():
        organisation = organisation_service.create(
            Actor.job(), organisation_service.OrganisationData(name=name, org_type=org_type)
        )
        db.session.commit()
        organisation_id = organisation.id
        db.session.remove()
    return organisation_id


def add_person(
    app: Flask,
    name: str,
    organisation_id: int,
    *,
    user_id: int | None = None,
    pa_ids: Sequence[int] = (),
    job_title: str | None = None,
    main_contact: bool = False,
) -> int:
    with app.app_context():
        person = people_service.create(
            Actor.job(),
            people_service.PersonData(
                full_name=name,
                organisation_id=organisation_id,
                job_title=job_title,
                is_main_contact=main_contact,
            ),
        )
        if user_id is not None:
            people_service.set_linked_user(Actor.job(), person, user_id)
        if pa_ids:
            people_service.set_pas(Actor.job(), person, list(pa_ids))
        db.session.commit()
        person_id = person.id
        db.session.remove()
    return person_id


@dataclass(frozen=True)
class StoredDecision:
    id: int
    requirement_ids: list[int]


def add_decision(
    app: Flask,
    *,
    actor_id: int,
    owner_person_id: int,
    title: str,
    days_ahead: int = 8,
    sensitivity: str = "internal",
    partners: Sequence[int] = (),
) -> StoredDecision:
    """A decision `days_ahead` days away (so, at 8, its partners are due this week)."""
    with app.app_context():
        actor = db.session.get(User, actor_id)
        assert actor is not None
        event_at = (utcnow() + timedelta(days=days_ahead)).replace(
            minute=0, second=0, microsecond=0
        )
        decision = decision_service.create_decision(
            actor,
            DecisionInput(
                title=title,
                kind="decision",
                owner_person_id=owner_person_id,
                event_at=event_at,
                lead_time=5,
                sensitivity=sensitivity,
                embargo_lifts_at=event_at - timedelta(hours=1)
                if sensitivity == "embargoed"
                else None,
            ),
        )
        requirements = decision_service.add_partners(
            actor, decision, [PartnerInput(person_id=person_id) for person_id in partners]
        )
        db.session.commit()
        stored = StoredDecision(decision.id, [r.id for r in requirements])
        db.session.remove()
    return stored
