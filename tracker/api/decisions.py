"""/api/v1/decisions: decisions, meetings and announcements, with their affected partners."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from flask import url_for
from flask.views import MethodView
from flask_smorest import abort

from tracker.api import auth, schemas
from tracker.api.blueprint import ApiBlueprint
from tracker.api.pagination import LINK_HEADER, listing
from tracker.domain.localtime import local_to_utc
from tracker.extensions import db
from tracker.models import Decision, DecisionStatus, Sensitivity, User, utcnow
from tracker.services import decisions as service
from tracker.services import outcomes, visibility
from tracker.services.decisions import DecisionError, DecisionInput, PartnerInput

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


def _visible_or_404(user: User, decision_id: int) -> Decision:
    # The same message whether it does not exist or is hidden: existence is not revealed.
    decision = visibility.get_visible(user, decision_id)
    if decision is None:
        abort(404, message="There is no decision with this id.")
    loaded = service.load_for_page(decision.id)
    assert loaded is not None
    return loaded


def _editable_or_403(user: User, decision_id: int) -> Decision:
    decision = _visible_or_404(user, decision_id)
    if not visibility.can_edit(user, decision):
        abort(403, message="Only the owner, their PAs, the decision team and admins can change it.")
    return decision


def _invalid(field: str, message: str) -> None:
    abort(422, message=message, fields={field: [message]})


def _check_choices(user: User, values: dict[str, Any], current: Decision | None) -> None:
    """Owners and team members are chosen from the same lists the web form offers."""
    owner_id = values.get("owner_person_id")
    changed = owner_id is not None and (current is None or owner_id != current.owner_person_id)
    if changed and owner_id not in {person.id for person in service.owner_choices(user)}:
        _invalid(
            "owner_person_id", "Select an owner: a leader who uses No Surprises, or one you assist."
        )
    team = set(values.get("team_user_ids") or [])
    already = {member.id for member in current.team} if current is not None else set()
    if team - already - {member.id for member in service.team_choices()}:
        _invalid("team_user_ids", "Select team members who are active admins, leaders or PAs.")


def _partners(values: list[dict[str, Any]]) -> list[PartnerInput]:
    return [
        PartnerInput(
            person_id=partner["person_id"],
            reason=partner.get("reason"),
            lead_time_override=partner.get("lead_time_override"),
        )
        for partner in values
    ]


def _add_partners(user: User, decision: Decision, partners: list[PartnerInput]) -> None:
    try:
        service.add_partners(user, decision, partners)
    except DecisionError as error:
        db.session.rollback()
        _invalid("partners", f"{error}: every person must exist and not be archived.")


@bp.route("")
class Decisions(MethodView):
    @bp.query(schemas.DecisionQuerySchema)
    @bp.response(
        200, schemas.page_schema(schemas.DecisionSchema, "DecisionPage"), headers=LINK_HEADER
    )
    @bp.errors(422)
    def get(self, query: dict[str, Any]) -> Any:
        """List the decisions you may see, in id order, with their partners and outcomes."""
        user = auth.current_user()
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
        now = utcnow()
        page = service.page_by_id(user, filters, query["page"], query["per_page"], now)
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
        user = auth.current_user()
        if not visibility.can_create(user):
            abort(403, message="Your role cannot log decisions.")
        owner_id = values.get("owner_person_id") or service.default_owner_id(user)
        if owner_id is None:
            _invalid("owner_person_id", "Select who owns this decision.")
        values["owner_person_id"] = owner_id
        _check_choices(user, values, None)
        kind = values["kind"]
        data = DecisionInput(
            title=values["title"],
            kind=kind,
            owner_person_id=owner_id,
            event_at=values["event_at"],
            lead_time=values.get("lead_time") or service.default_lead_time(kind),
            sensitivity=values.get("sensitivity", Sensitivity.INTERNAL.value),
            status=values.get("status", DecisionStatus.PLANNED.value),
            description=values.get("description"),
            location=values.get("location"),
            embargo_lifts_at=values.get("embargo_lifts_at"),
            team_user_ids=list(values.get("team_user_ids") or []),
        )
        try:
            decision = service.create_decision(user, data)
        except DecisionError as error:
            db.session.rollback()
            _invalid(error.field or "body", str(error))
        if values.get("partners"):
            _add_partners(user, decision, _partners(values["partners"]))
        db.session.commit()
        loaded = service.load_for_page(decision.id)
        assert loaded is not None
        return present(loaded), {"Location": url_for(".DecisionById", decision_id=decision.id)}


@bp.route(f"/{ID}")
class DecisionById(MethodView):
    @bp.response(200, schemas.DecisionSchema)
    @bp.errors(404)
    def get(self, decision_id: int) -> dict[str, Any]:
        """One decision, with its partners, brief-by dates and outcomes."""
        user = auth.current_user()
        decision = _visible_or_404(user, decision_id)
        if visibility.is_confidential(decision):
            # The pre-release access register counts API reads as well as page views.
            service.record_access(user, decision)
            db.session.commit()
        return present(decision)

    @bp.json_body(schemas.DecisionWriteSchema, example={"event_at": "2027-03-11T10:00:00+00:00"})
    @bp.response(200, schemas.DecisionSchema)
    @bp.errors(403, 404, 422)
    def patch(self, values: dict[str, Any], decision_id: int) -> dict[str, Any]:
        """Change some fields. A new date recomputes pending brief-by dates, and partners
        already briefed get an update requirement, exactly as on the web."""
        user = auth.current_user()
        decision = _editable_or_403(user, decision_id)
        _check_choices(user, values, decision)
        current = {
            "title": decision.title,
            "kind": decision.kind,
            "owner_person_id": decision.owner_person_id,
            "event_at": decision.event_at,
            "lead_time": decision.lead_time,
            "sensitivity": decision.sensitivity,
            "status": decision.status,
            "description": decision.description,
            "location": decision.location,
            "embargo_lifts_at": decision.embargo_lifts_at,
            "team_user_ids": [member.id for member in decision.team],
        }
        try:
            service.update_decision(user, decision, DecisionInput(**{**current, **values}))
        except DecisionError as error:
            db.session.rollback()
            _invalid(error.field or "body", str(error))
        db.session.commit()
        loaded = service.load_for_page(decision.id)
        assert loaded is not None
        return present(loaded)


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
    user = auth.current_user()
    decision = _editable_or_403(user, decision_id)
    _add_partners(user, decision, _partners(values["partners"]))
    db.session.commit()
    loaded = service.load_for_page(decision.id)
    assert loaded is not None
    return present(loaded)
