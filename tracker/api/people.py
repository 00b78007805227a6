"""/api/v1/people: leaders and stakeholders in the partner organisations."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from tracker.api import auth
from tracker.api.blueprint import ApiBlueprint
from tracker.api.registers import RegisterRoutes
from tracker.services import people as service

if TYPE_CHECKING:
    from tracker.models import Person

bp = ApiBlueprint(
    "people",
    __name__,
    path="/people",
    description="People in the partner organisations, who may need briefing.",
)

PERSON_EXAMPLE = {
    "full_name": "Sam Patel",
    "organisation_id": 1,
    "job_title": "Director of Adult Social Care",
    "email": "sam.patel@northshire.gov.uk",
    "professional_group": "social_care",
    "preferred_channel": "teams",
    "influence": 4,
    "interest": 5,
    "is_main_contact": True,
}


def _save(person: Person | None, values: dict[str, Any]) -> Person:
    """Create (person None) or update with the merged values; refusals are 403 or 422.

    As on the web form, the organisation is one that is not archived (or, when editing,
    the one the person is already in): the service checks it.
    """
    actor = auth.current_actor()
    if person is None:
        saved = service.create(actor, service.PersonData(**values))
    else:
        saved = service.update(actor, person, replace(service.PersonData.of(person), **values))
    return service.require(saved.id)


RegisterRoutes(
    plural="People",
    single="Person",
    service=service,
    examples=(PERSON_EXAMPLE, {"job_title": "Chief Executive"}),
    save=_save,
    article="a",
    list_doc="List people, optionally in one organisation, in id order.",
    archive_doc="Archive (admins and leaders). People with history are archived, never deleted.",
).add_to(bp)
