"""My week: what a leader or PA has to brief soon."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from tracker.services import my_week as my_week_service

bp = Blueprint("my_week", __name__)


@bp.route("/my-week")
@login_required
def index() -> str:
    week = my_week_service.my_week(current_user)
    return render_template("my_week/index.html", week=week)
