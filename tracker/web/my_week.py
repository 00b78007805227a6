"""My week: what a leader or PA has to brief soon."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from tracker.services import my_week as my_week_service
from tracker.web.actor import current_actor

bp = Blueprint("my_week", __name__)


@bp.route("/my-week")
@login_required
def index() -> str:
    week = my_week_service.my_week(current_actor())
    return render_template("my_week/index.html", week=week)
