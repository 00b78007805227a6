"""/api/v1/decisions: decisions, meetings and announcements, with their affected partners."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from flask import url_for
from flask.views import MethodView

from tracker.api import auth, schemas
from tracker.api.blueprint import ApiBlueprint
from tracker.api.pagination import LINK_HEADER, listing
from tracker.domain.errors import InvalidInput
from tracker.domain.localtime import local_to_utc
from tracker.domain.statuses import DecisionStatus
from tracker.domain.vocabulary import Sensitivity
from tracker.services import decisions as service
from tracker.services import outcomes
from tracker.services.actor import Actor
from tracker.services.decisions import DecisionError, DecisionInput, PartnerInput

if TYPE_CHECKING:
    from tracker.models import Decision

bp = ApiBlueprint(
    "decisions",
    __name__,
    path="/decisions",
    description="Decisions, meetings and announcements, the partners they affect, the "
    "brief-by date for each partner and how each requirement turned out. Restricted and "
    "embargoed decisions you may not see do not exist, as far as the API is concerned.",
)

ID = "<int(min=1, max=2147483647):decision_id>"

DECISION_EXAMPLE = {
    "title": "Consultation on community hospital beds",
    "kind": "consultation",
    "event_at": "2027-03-04T10:00:00+00:00",
    "sensitivity": "restricted",
    "partners": [
        {"person_id": 12, "reason": "Council leader: social care impact"},
        {"person_id": 15, "lead_time_override": 10},
    ],
}


def present(decision: Decision, now: datetime | None = None) -> dict[str, Any]:
    """The decision with each partner's brief-by date and outcome, as the web page shows."""
    assessment = outcomes.assess(decision, now)
    return {
        "id": decision.id,
        "title": decision.title,
        "kind": decision.kind,
        "description": decision.description,
        "owner_person_id": decision.owner_person_id,
        "owner_name": decision.owner.full_name,
        "event_at": decision.event_at,
        "location": decision.location,
        "sensitivity": decision.sensitivity,
        "embargo_lifts_at": decision.embargo_lifts_at,
        "status": decision.status,
        "lead_time": decision.lead_time,
        "team_user_ids": sorted(user.id for user in decision.team),
        "state": assessment.state.value,
        "achieved_no_surprises": assessment.achieved_no_surprises,
        "surprises_reported": assessment.surprises_reported,
        "partners": [
            {
                "id": row.requirement.id,
                "person_id": row.requirement.person_id,
                "person_name": row.requirement.person.full_name,
                "organisation_id": row.requirement.person.organisation_id,
                "organisation_name": row.requirement.person.organisation.name,
                "reason": row.requirement.reason,
                "lead_time": row.requirement.effective_lead_time(),
                "lead_time_override": row.requirement.lead_time_override,
                "brief_by": row.requirement.brief_by,
                "status": row.requirement.status,
                "status_reason": row.requirement.status_reason,
                "outcome": row.outcome.value,
                "first_briefed_at": row.requirement.first_briefed_at,
                "update_round": row.requirement.update_round,
                "update_note": row.requirement.update_note,
            }
            for row in assessment.rows
        ],
        "created_at": decision.created_at,
        "updated_at": decision.updated_at,
    }


def _partners(values: list[dict[str, Any]]) -> list[PartnerInput]:
    return [
        PartnerInput(
            person_id=partner["person_id"],
            reason=partner.get("reason"),
            lead_time_override=partner.get("lead_time_override"),
        )
        for partner in values
    ]


def _add_partners(who: Actor, decision: Decision, partners: list[PartnerInput]) -> None:
    try:
        service.add_partners(who, decision, partners)
    except DecisionError as error:
        # The API names the field it was sent in.
        message = f"{error}: every person must exist and not be archived."
        raise InvalidInput(message, "partners") from error


@bp.route("")
class Decisions(MethodView):
    @bp.query(schemas.DecisionQuerySchema)
    @bp.response(
        200, schemas.page_schema(schemas.DecisionSchema, "DecisionPage"), headers=LINK_HEADER
    )
    @bp.errors(422)
    def get(self, query: dict[str, Any]) -> Any:
        """List the decisions you may see, in id order, with their partners and outcomes."""
        actor = auth.current_actor()
        event_from, event_to = query.get("event_from"), query.get("event_to")
        filters = service.DecisionFilters(
            q=query.get("q", ""),
            status=query.get("status", ""),
            kind=query.get("kind", ""),
            owner_id=query.get("owner_person_id"),
            when="all",
            event_from=local_to_utc(event_from, time(0)) if event_from else None,
            # Inclusive of the whole "to" day in London.
            event_to=local_to_utc(event_to + timedelta(days=1), time(0)) if event_to else None,
        )
        now = datetime.now(UTC)
        page = service.page_by_id(actor, filters, query["page"], query["per_page"], now)
        return listing(page, [present(decision, now) for decision in page.items])

    @bp.json_body(schemas.DecisionCreateSchema, example=DECISION_EXAMPLE)
    @bp.response(
        201,
        schemas.DecisionSchema,
        headers={"Location": {"description": "The new decision", "schema": {"type": "string"}}},
    )
    @bp.errors(403, 422)
    def post(self, values: dict[str, Any]) -> Any:
        """Log a decision, optionally with its affected partners.

        Runs the same rules as the web form: brief-by dates are computed from the lead
        time in English working days, reminders are scheduled and the audit trail written.
        """
        actor = auth.current_actor()
        service.ensure_can_create(actor)
        data = DecisionInput(
            title=values["title"],
            kind=values["kind"],
            owner_person_id=values.get("owner_person_id"),  # None: the actor's own
            event_at=values["event_at"],
            lead_time=values.get("lead_time"),  # None: the policy for the kind
            sensitivity=values.get("sensitivity", Sensitivity.INTERNAL.value),
            status=values.get("status", DecisionStatus.PLANNED.value),
            description=values.get("description"),
            location=values.get("location"),
            embargo_lifts_at=values.get("embargo_lifts_at"),
            team_user_ids=list(values.get("team_user_ids") or []),
        )
        decision = service.log_decision(actor, data)
        if values.get("partners"):
            _add_partners(actor, decision, _partners(values["partners"]))
        loaded = service.load_for_page(actor, decision.id)
        return present(loaded), {"Location": url_for(".DecisionById", decision_id=decision.id)}


@bp.route(f"/{ID}")
class DecisionById(MethodView):
    @bp.response(200, schemas.DecisionSchema)
    @bp.errors(404)
    def get(self, decision_id: int) -> dict[str, Any]:
        """One decision, with its partners, brief-by dates and outcomes."""
        # The pre-release access register counts API reads as well as page views.
        return present(service.read_decision(auth.current_actor(), decision_id))

    @bp.json_body(schemas.DecisionWriteSchema, example={"event_at": "2027-03-11T10:00:00+00:00"})
    @bp.response(200, schemas.DecisionSchema)
    @bp.errors(403, 404, 422)
    def patch(self, values: dict[str, Any], decision_id: int) -> dict[str, Any]:
        """Change some fields. A new date recomputes pending brief-by dates, and partners
        already briefed get an update requirement, exactly as on the web."""
        actor = auth.current_actor()
        service.patch_decision(actor, decision_id, values)
        return present(service.load_for_page(actor, decision_id))


@bp.route(f"/{ID}/partners", methods=["POST"])
@bp.json_body(
    schemas.PartnersInputSchema,
    example={"partners": [{"person_id": 12, "reason": "Runs the affected service"}]},
)
@bp.response(200, schemas.DecisionSchema)
@bp.errors(403, 404, 422)
def add_partners(values: dict[str, Any], decision_id: int) -> dict[str, Any]:
    """Add affected partners; their brief-by dates are computed. People already on the
    decision are left as they are."""
    actor = auth.current_actor()
    decision = service.get_for_edit(actor, decision_id)
    _add_partners(actor, decision, _partners(values["partners"]))
    return present(decision)
