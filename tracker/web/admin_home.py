"""Admin: one page linking the admin areas, so the header stays short."""

from __future__ import annotations

from flask import Blueprint, render_template

from tracker.domain.vocabulary import Role
from tracker.services import reminders
from tracker.web.actor import current_actor
from tracker.web.permissions import roles_required

bp = Blueprint("admin_home", __name__, url_prefix="/admin")


@bp.route("/")
@roles_required(Role.ADMIN)
def index() -> str:
    return render_template(
        "admin/index.html", attention=len(reminders.needing_attention(current_actor()))
    )
