"""/api/v1/organisations: the partner organisations register."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask.views import MethodView
from flask_smorest import abort

from tracker.api import auth, schemas
from tracker.api.blueprint import ApiBlueprint, refuse_body_unless_json
from tracker.api.pagination import LINK_HEADER, listing
from tracker.extensions import db
from tracker.models import Organisation
from tracker.services import organisations as service
from tracker.services import permissions

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


def _get_or_404(organisation_id: int) -> Organisation:
    organisation = service.get(organisation_id)
    if organisation is None:
        abort(404, message="There is no organisation with this id.")
    return organisation


def _require(allowed: bool, what: str) -> None:
    if not allowed:
        abort(403, message=f"Your role cannot {what}.")


def _save(organisation: Organisation | None, values: dict[str, Any]) -> Organisation:
    """Create (organisation None) or update with the merged values; duplicates are 422."""
    current = (
        {}
        if organisation is None
        else asdict(
            service.OrganisationData(
                name=organisation.name,
                org_type=organisation.org_type,
                ods_code=organisation.ods_code,
                website=organisation.website,
                notes=organisation.notes,
            )
        )
    )
    data = service.OrganisationData(**{**current, **values})
    try:
        saved = service.create(data) if organisation is None else service.update(organisation, data)
    except service.RegisterError as error:
        db.session.rollback()
        abort(422, message=str(error), fields={error.field or "body": [str(error)]})
    db.session.commit()
    return saved


@bp.route("")
class Organisations(MethodView):
    @bp.query(schemas.OrganisationQuerySchema)
    @bp.response(
        200,
        schemas.page_schema(schemas.OrganisationSchema, "OrganisationPage"),
        headers=LINK_HEADER,
    )
    @bp.errors(422)
    def get(self, query: dict[str, Any]) -> Any:
        """List organisations (archived ones only when asked), in id order."""
        filters = service.OrganisationFilters(
            q=query.get("q", ""),
            org_type=query.get("org_type"),
            include_archived=query["include_archived"],
        )
        page = service.page_by_id(filters, query["page"], query["per_page"])
        return listing(page, list(page.items))

    @bp.json_body(schemas.OrganisationCreateSchema, example=ORGANISATION_EXAMPLE)
    @bp.response(201, schemas.OrganisationSchema)
    @bp.errors(403, 422)
    def post(self, values: dict[str, Any]) -> Organisation:
        """Add an organisation (admins, leaders and PAs)."""
        _require(permissions.can_edit_registers(auth.current_user()), "add organisations")
        return _save(None, values)


@bp.route("/<int(min=1, max=2147483647):organisation_id>")
class OrganisationById(MethodView):
    @bp.response(200, schemas.OrganisationSchema)
    @bp.errors(404)
    def get(self, organisation_id: int) -> Organisation:
        """One organisation."""
        return _get_or_404(organisation_id)

    @bp.json_body(schemas.OrganisationWriteSchema, example={"website": "https://example.org"})
    @bp.response(200, schemas.OrganisationSchema)
    @bp.errors(403, 404, 422)
    def patch(self, values: dict[str, Any], organisation_id: int) -> Organisation:
        """Change some fields; fields left out keep their values, null clears optional ones."""
        organisation = _get_or_404(organisation_id)
        _require(permissions.can_edit_registers(auth.current_user()), "change organisations")
        return _save(organisation, values)


def _set_archived(organisation_id: int, archived: bool) -> Organisation:
    refuse_body_unless_json()
    organisation = _get_or_404(organisation_id)
    _require(
        permissions.can_curate_registers(auth.current_user()),
        "archive or restore organisations",
    )
    if archived:
        service.archive(organisation)
    else:
        service.restore(organisation)
    db.session.commit()
    return organisation


@bp.route("/<int(min=1, max=2147483647):organisation_id>/archive", methods=["POST"])
@bp.response(200, schemas.OrganisationSchema)
@bp.errors(403, 404, 415)
def archive(organisation_id: int) -> Organisation:
    """Archive (admins and leaders). Records with history are archived, never deleted."""
    return _set_archived(organisation_id, True)


@bp.route("/<int(min=1, max=2147483647):organisation_id>/restore", methods=["POST"])
@bp.response(200, schemas.OrganisationSchema)
@bp.errors(403, 404, 415)
def restore(organisation_id: int) -> Organisation:
    """Restore an archived organisation (admins and leaders)."""
    return _set_archived(organisation_id, False)
