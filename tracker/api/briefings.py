"""/api/v1/briefings: the engagement log. Logging one marks matching requirements briefed."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

from flask import url_for
from flask.views import MethodView
from flask_smorest import abort

from tracker.api import auth, schemas
from tracker.api.blueprint import ApiBlueprint
from tracker.api.pagination import LINK_HEADER, listing
from tracker.domain.localtime import local_to_utc
from tracker.extensions import db
from tracker.models import Briefing, Decision, Person, User
from tracker.services import briefings as service
from tracker.services import decisions as decision_service
from tracker.services import permissions, visibility
from tracker.services.briefings import BriefingError, BriefingInput

bp = ApiBlueprint(
    "briefings",
    __name__,
    path="/briefings",
    description="Logged briefings and engagements. A briefing about a decision you may not "
    "see is hidden like the decision.",
)

ID = "<int(min=1, max=2147483647):briefing_id>"

BRIEFING_EXAMPLE = {
    "occurred_at": "2027-02-24T14:30:00+00:00",
    "channel": "teams",
    "person_ids": [12, 15],
    "decision_ids": [7],
    "summary": "Walked through the options; they asked for the equality impact assessment.",
    "acknowledged": True,
}


def present(briefing: Briefing) -> dict[str, Any]:
    return {
        "id": briefing.id,
        "occurred_at": briefing.occurred_at,
        "channel": briefing.channel,
        "summary": briefing.summary,
        "note_reference": briefing.note_reference,
        "acknowledged": briefing.acknowledged,
        "person_ids": sorted(person.id for person in briefing.attendees),
        "decision_ids": sorted(decision.id for decision in briefing.decisions),
        "briefed_by_person_id": briefing.briefed_by_person_id,
        "on_behalf_of_person_id": briefing.on_behalf_of_person_id,
        "logged_by_user_id": briefing.logged_by_user_id,
        "created_at": briefing.created_at,
        "updated_at": briefing.updated_at,
    }


def _visible_or_404(user: User, briefing_id: int) -> Briefing:
    briefing = service.get_visible(user, briefing_id)
    if briefing is None:
        abort(404, message="There is no briefing with this id.")
    return briefing


def _invalid(field: str, message: str) -> None:
    abort(422, message=message, fields={field: [message]})


def _decisions_to_log(user: User, decision_ids: list[int]) -> list[Decision]:
    """Decisions the briefing covers: visible to the user (else, as if they did not exist)
    and ones the user works on (else 403, as on the web)."""
    chosen = []
    for decision_id in dict.fromkeys(decision_ids):
        decision = visibility.get_visible(user, decision_id)
        if decision is None:
            _invalid("decision_ids", f"There is no decision with id {decision_id}.")
        chosen.append(decision)
    for decision in chosen:
        if not visibility.can_edit(user, decision):
            abort(
                403,
                message=f"You cannot log briefings about decision {decision.id}: only its "
                "owner, their PAs, the decision team and admins can.",
            )
    return chosen


def _briefer(user: User, values: dict[str, Any], chosen: list[Decision]) -> Person:
    """Who did the briefing: chosen from the same list as on the web form."""
    person_id = values.get("briefed_by_person_id")
    if person_id is None:
        person_id = chosen[0].owner_person_id if chosen else decision_service.default_owner_id(user)
    choices = {person.id: person for person in decision_service.owner_choices(user)}
    if person_id is None or person_id not in choices:
        _invalid(
            "briefed_by_person_id",
            "Select who briefed them: a leader who uses No Surprises, or one you assist.",
        )
    return choices[person_id]


@bp.route("")
class Briefings(MethodView):
    @bp.query(schemas.BriefingQuerySchema)
    @bp.response(
        200, schemas.page_schema(schemas.BriefingSchema, "BriefingPage"), headers=LINK_HEADER
    )
    @bp.errors(422)
    def get(self, query: dict[str, Any]) -> Any:
        """List the briefings you may see, in id order."""
        occurred_from, occurred_to = query.get("occurred_from"), query.get("occurred_to")
        filters = service.BriefingFilters(
            decision_id=query.get("decision_id"),
            person_id=query.get("person_id"),
            occurred_from=local_to_utc(occurred_from, time(0)) if occurred_from else None,
            # Inclusive of the whole "to" day in London.
            occurred_to=(
                local_to_utc(occurred_to + timedelta(days=1), time(0)) if occurred_to else None
            ),
        )
        page = service.page_by_id(auth.current_user(), filters, query["page"], query["per_page"])
        return listing(page, [present(briefing) for briefing in page.items])

    @bp.json_body(schemas.BriefingCreateSchema, example=BRIEFING_EXAMPLE)
    @bp.response(
        201,
        schemas.BriefingCreatedSchema,
        headers={"Location": {"description": "The new briefing", "schema": {"type": "string"}}},
    )
    @bp.errors(403, 422)
    def post(self, values: dict[str, Any]) -> Any:
        """Log a briefing. Pending requirements of the covered decisions, for the people
        briefed, become briefed, exactly as when logged on the web."""
        user = auth.current_user()
        if not permissions.can_log_briefings(user):
            abort(403, message="Your role cannot log briefings.")
        chosen = _decisions_to_log(user, values["decision_ids"])
        briefer = _briefer(user, values, chosen)
        try:
            briefing, marked = service.log_briefing(
                user,
                BriefingInput(
                    occurred_at=values["occurred_at"],
                    channel=values["channel"],
                    person_ids=list(dict.fromkeys(values["person_ids"])),
                    decision_ids=[decision.id for decision in chosen],
                    briefed_by_person_id=briefer.id,
                    on_behalf_of_person_id=service.on_behalf_of_for(user, briefer),
                    summary=values.get("summary"),
                    note_reference=values.get("note_reference"),
                    acknowledged=values.get("acknowledged", False),
                ),
            )
        except BriefingError as error:
            db.session.rollback()
            _invalid(error.field or "body", str(error))
        db.session.commit()
        body = present(briefing) | {"requirements_marked": sorted(r.id for r in marked)}
        return body, {"Location": url_for(".BriefingById", briefing_id=briefing.id)}


@bp.route(f"/{ID}")
class BriefingById(MethodView):
    @bp.response(200, schemas.BriefingSchema)
    @bp.errors(404)
    def get(self, briefing_id: int) -> dict[str, Any]:
        """One briefing."""
        return present(_visible_or_404(auth.current_user(), briefing_id))

    @bp.json_body(schemas.BriefingUpdateSchema, example={"acknowledged": True})
    @bp.response(200, schemas.BriefingSchema)
    @bp.errors(403, 404, 422)
    def patch(self, values: dict[str, Any], briefing_id: int) -> dict[str, Any]:
        """Correct a briefing's details (whoever logged it, or an admin). Who was briefed
        and about what stay as logged, as on the web."""
        user = auth.current_user()
        briefing = _visible_or_404(user, briefing_id)
        if not service.can_edit(user, briefing):
            abort(403, message="Only whoever logged a briefing, or an admin, can change it.")
        current = {
            "occurred_at": briefing.occurred_at,
            "channel": briefing.channel,
            "summary": briefing.summary,
            "note_reference": briefing.note_reference,
            "acknowledged": briefing.acknowledged,
        }
        merged = {**current, **values}
        try:
            service.update_briefing(
                user,
                briefing,
                BriefingInput(
                    person_ids=[person.id for person in briefing.attendees],
                    decision_ids=[decision.id for decision in briefing.decisions],
                    briefed_by_person_id=briefing.briefed_by_person_id,
                    on_behalf_of_person_id=briefing.on_behalf_of_person_id,
                    **merged,
                ),
            )
        except BriefingError as error:
            db.session.rollback()
            _invalid(error.field or "body", str(error))
        db.session.commit()
        return present(_visible_or_404(user, briefing_id))
