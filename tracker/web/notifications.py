"""In-app notifications: the reminders emailed to you, on one page, and the header count."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from tracker.services import reminders
from tracker.web.actor import current_actor
from tracker.web.forms import NhsForm

bp = Blueprint("notifications", __name__)


class MarkReadForm(NhsForm):
    pass


@bp.route("/notifications")
@login_required
def index() -> str:
    entries = reminders.notification_entries(current_actor())
    return render_template("notifications/index.html", entries=entries, form=MarkReadForm())


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_all_read() -> Response | str:
    form = MarkReadForm()
    if form.validate_on_submit():
        count = reminders.mark_all_read(current_actor())
        flash(
            "All notifications are marked as read." if count else "Nothing new to mark as read.",
            "success",
        )
    return redirect(url_for(".index"))
