"""Home, the accessibility statement and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask_login import current_user, login_required
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from tracker.extensions import db, limiter
from tracker.services import my_week as my_week_service
from tracker.services import people as people_service

bp = Blueprint("main", __name__)


@bp.route("/")
@login_required
def home() -> str:
    assisted = people_service.people_assisted_by(current_user) if current_user.role == "pa" else []
    week = my_week_service.my_week(current_user) if current_user.role in ("leader", "pa") else None
    return render_template("main/home.html", user=current_user, assisted=assisted, week=week)


@bp.route("/accessibility")
def accessibility() -> str:
    return render_template("main/accessibility.html")


@bp.route("/healthz")
@limiter.exempt
def healthz() -> tuple[Response, int]:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200
