"""/api/v1/people: leaders and stakeholders in the partner organisations."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask.views import MethodView
from flask_smorest import abort

from tracker.api import auth, schemas
from tracker.api.blueprint import ApiBlueprint, refuse_body_unless_json
from tracker.api.pagination import LINK_HEADER, listing
from tracker.extensions import db
from tracker.models import Person
from tracker.services import organisations as organisation_service
from tracker.services import people as service
from tracker.services import permissions

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


def _get_or_404(person_id: int) -> Person:
    person = service.get(person_id)
    if person is None:
        abort(404, message="There is no person with this id.")
    return person


def _require(allowed: bool, what: str) -> None:
    if not allowed:
        abort(403, message=f"Your role cannot {what}.")


def _current(person: Person) -> dict[str, Any]:
    return asdict(
        service.PersonData(
            full_name=person.full_name,
            organisation_id=person.organisation_id,
            job_title=person.job_title,
            email=person.email,
            phone=person.phone,
            professional_group=person.professional_group,
            preferred_channel=person.preferred_channel,
            influence=person.influence,
            interest=person.interest,
            is_main_contact=person.is_main_contact,
            notes=person.notes,
        )
    )


def _save(person: Person | None, values: dict[str, Any]) -> Person:
    current = {} if person is None else _current(person)
    merged = {**current, **values}
    # As on the web form: choose from active organisations (or keep an archived current one).
    keep = person.organisation_id if person is not None else None
    choosable = {o.id for o in organisation_service.picker(include=keep)}
    if merged["organisation_id"] not in choosable:
        abort(
            422,
            message="Select an organisation that exists and is not archived.",
            fields={"organisation_id": ["Select an organisation that exists and is not archived."]},
        )
    data = service.PersonData(**merged)
    try:
        saved = service.create(data) if person is None else service.update(person, data)
    except service.RegisterError as error:
        db.session.rollback()
        abort(422, message=str(error), fields={error.field or "body": [str(error)]})
    db.session.commit()
    return service.get(saved.id) or saved


@bp.route("")
class People(MethodView):
    @bp.query(schemas.PersonQuerySchema)
    @bp.response(200, schemas.page_schema(schemas.PersonSchema, "PersonPage"), headers=LINK_HEADER)
    @bp.errors(422)
    def get(self, query: dict[str, Any]) -> Any:
        """List people, optionally in one organisation, in id order."""
        filters = service.PersonFilters(
            q=query.get("q", ""),
            organisation_id=query.get("organisation_id"),
            professional_group=query.get("professional_group"),
            include_archived=query["include_archived"],
        )
        page = service.page_by_id(filters, query["page"], query["per_page"])
        return listing(page, list(page.items))

    @bp.json_body(schemas.PersonCreateSchema, example=PERSON_EXAMPLE)
    @bp.response(201, schemas.PersonSchema)
    @bp.errors(403, 422)
    def post(self, values: dict[str, Any]) -> Person:
        """Add a person (admins, leaders and PAs)."""
        _require(permissions.can_edit_registers(auth.current_user()), "add people")
        return _save(None, values)


@bp.route("/<int(min=1, max=2147483647):person_id>")
class PersonById(MethodView):
    @bp.response(200, schemas.PersonSchema)
    @bp.errors(404)
    def get(self, person_id: int) -> Person:
        """One person."""
        return _get_or_404(person_id)

    @bp.json_body(schemas.PersonWriteSchema, example={"job_title": "Chief Executive"})
    @bp.response(200, schemas.PersonSchema)
    @bp.errors(403, 404, 422)
    def patch(self, values: dict[str, Any], person_id: int) -> Person:
        """Change some fields; fields left out keep their values, null clears optional ones."""
        person = _get_or_404(person_id)
        _require(permissions.can_edit_registers(auth.current_user()), "change people")
        return _save(person, values)


def _set_archived(person_id: int, archived: bool) -> Person:
    refuse_body_unless_json()
    person = _get_or_404(person_id)
    _require(permissions.can_curate_registers(auth.current_user()), "archive or restore people")
    if archived:
        service.archive(person)
    else:
        service.restore(person)
    db.session.commit()
    return person


@bp.route("/<int(min=1, max=2147483647):person_id>/archive", methods=["POST"])
@bp.response(200, schemas.PersonSchema)
@bp.errors(403, 404, 415)
def archive(person_id: int) -> Person:
    """Archive (admins and leaders). People with history are archived, never deleted."""
    return _set_archived(person_id, True)


@bp.route("/<int(min=1, max=2147483647):person_id>/restore", methods=["POST"])
@bp.response(200, schemas.PersonSchema)
@bp.errors(403, 404, 415)
def restore(person_id: int) -> Person:
    """Restore an archived person (admins and leaders)."""
    return _set_archived(person_id, False)
