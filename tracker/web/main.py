"""Home, the accessibility statement and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tracker.domain.vocabulary import Role
from tracker.extensions import limiter
from tracker.services import health
from tracker.services import my_week as my_week_service
from tracker.services import people as people_service
from tracker.web.actor import current_actor

bp = Blueprint("main", __name__)

WEEK_ROLES = (Role.LEADER.value, Role.PA.value)


@bp.route("/")
@login_required
def home() -> str:
    is_pa = current_user.role == Role.PA.value
    assisted = people_service.people_assisted_by(current_user) if is_pa else []
    week = my_week_service.my_week(current_actor()) if current_user.role in WEEK_ROLES else None
    return render_template("main/home.html", user=current_user, assisted=assisted, week=week)


@bp.route("/accessibility")
def accessibility() -> str:
    return render_template("main/accessibility.html")


@bp.route("/healthz")
@limiter.exempt
def healthz() -> tuple[Response, int]:
    # A 503 rolls the request's unit of work back, like any failed request.
    if not health.database_reachable():
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200
