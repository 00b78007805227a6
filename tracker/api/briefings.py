"""/api/v1/briefings: the engagement log. Logging one marks matching requirements briefed."""

from __future__ import annotations

from datetime import time, timedelta
from typing import TYPE_CHECKING, Any

from flask import url_for
from flask.views import MethodView

from tracker.api import auth, schemas
from tracker.api.blueprint import ApiBlueprint
from tracker.api.pagination import LINK_HEADER, listing
from tracker.domain.localtime import local_to_utc
from tracker.services import briefings as service
from tracker.services.briefings import BriefingInput

if TYPE_CHECKING:
    from tracker.models import Briefing

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
        page = service.page_by_id(auth.current_actor(), filters, query["page"], query["per_page"])
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
        # The same checks as on the web: a role that logs briefings; decisions the user
        # may see (else as if they did not exist) and may change; the briefer chosen from
        # the web form's list (by default the first decision's owner, or their own).
        briefing, marked = service.log_as_offered(
            auth.current_actor(),
            BriefingInput(
                occurred_at=values["occurred_at"],
                channel=values["channel"],
                person_ids=values["person_ids"],
                decision_ids=values["decision_ids"],
                briefed_by_person_id=values.get("briefed_by_person_id"),
                summary=values.get("summary"),
                note_reference=values.get("note_reference"),
                acknowledged=values.get("acknowledged", False),
            ),
        )
        body = present(briefing) | {"requirements_marked": sorted(r.id for r in marked)}
        return body, {"Location": url_for(".BriefingById", briefing_id=briefing.id)}


@bp.route(f"/{ID}")
class BriefingById(MethodView):
    @bp.response(200, schemas.BriefingSchema)
    @bp.errors(404)
    def get(self, briefing_id: int) -> dict[str, Any]:
        """One briefing."""
        return present(service.get(auth.current_actor(), briefing_id))

    @bp.json_body(schemas.BriefingUpdateSchema, example={"acknowledged": True})
    @bp.response(200, schemas.BriefingSchema)
    @bp.errors(403, 404, 422)
    def patch(self, values: dict[str, Any], briefing_id: int) -> dict[str, Any]:
        """Correct a briefing's details (whoever logged it, or an admin). Who was briefed
        and about what stay as logged, as on the web."""
        briefing, _marked = service.update_details(auth.current_actor(), briefing_id, values)
        return present(briefing)
