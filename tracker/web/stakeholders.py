"""The stakeholder map: everyone (optionally one organisation), or one decision's partners."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required

from tracker.domain.stakeholders import QUADRANT_ORDER
from tracker.services import stakeholders
from tracker.web import stakeholder_map
from tracker.web.actor import current_actor

bp = Blueprint("stakeholders", __name__)


@bp.route("/stakeholder-map")
@login_required
def index() -> str:
    value = request.args.get("organisation", "")
    organisation = stakeholders.get_organisation(
        int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None
    )
    people = stakeholders.people_for_map(organisation.id if organisation else None)
    return render_template(
        "stakeholders/index.html",
        map=stakeholder_map.build(people),
        organisations=stakeholders.organisations(),
        organisation=organisation,
        quadrants=QUADRANT_ORDER,
    )


@bp.route("/decisions/<int:decision_id>/stakeholder-map")
@login_required
def decision(decision_id: int) -> str:
    partners = stakeholders.people_for_decision(current_actor(), decision_id)
    return render_template(
        "stakeholders/decision.html",
        decision=partners.decision,
        map=stakeholder_map.build(partners.people),
        quadrants=QUADRANT_ORDER,
    )
