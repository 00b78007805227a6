"""/api/v1/organisations: the partner organisations register."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from tracker.api import auth
from tracker.api.blueprint import ApiBlueprint
from tracker.api.registers import RegisterRoutes
from tracker.services import organisations as service

if TYPE_CHECKING:
    from tracker.models import Organisation

bp = ApiBlueprint(
    "organisations",
    __name__,
    path="/organisations",
    description="Partner organisations: ICBs, trusts, councils, VCSE bodies and others.",
)

ORGANISATION_EXAMPLE = {
    "name": "Northshire County Council",
    "org_type": "la_county",
    "ods_code": "E10000099",
    "website": "https://www.northshire.gov.uk",
}


def _save(organisation: Organisation | None, values: dict[str, Any]) -> Organisation:
    """Create (organisation None) or update with the merged values; refusals are 403 or 422."""
    actor = auth.current_actor()
    if organisation is None:
        return service.create(actor, service.OrganisationData(**values))
    data = replace(service.OrganisationData.of(organisation), **values)
    return service.update(actor, organisation, data)


RegisterRoutes(
    plural="Organisations",
    single="Organisation",
    service=service,
    examples=(ORGANISATION_EXAMPLE, {"website": "https://example.org"}),
    save=_save,
    article="an",
    list_doc="List organisations (archived ones only when asked), in id order.",
    archive_doc="Archive (admins and leaders). Records with history are archived, never deleted.",
).add_to(bp)
