"""The stakeholder map: everyone (optionally one organisation), or one decision's partners."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from tracker.domain.stakeholders import QUADRANT_ORDER
from tracker.extensions import db
from tracker.models import Organisation
from tracker.services import stakeholders, visibility
from tracker.web import stakeholder_map

bp = Blueprint("stakeholders", __name__)


@bp.route("/stakeholder-map")
@login_required
def index() -> str:
    value = request.args.get("organisation", "")
    organisation = (
        db.session.get(Organisation, int(value)) if value.isdigit() and len(value) < 10 else None
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
    chosen = visibility.get_visible(current_user, decision_id)
    if chosen is None:
        abort(404)
    people = stakeholders.people_for_decision(chosen)
    return render_template(
        "stakeholders/decision.html",
        decision=chosen,
        map=stakeholder_map.build(people),
        quadrants=QUADRANT_ORDER,
    )
