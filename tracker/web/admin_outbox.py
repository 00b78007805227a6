"""Admin: the reminder outbox — failed emails and ones a crashed sweep left unsure."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker.extensions import db
from tracker.models import Reminder, Role
from tracker.services import reminder_messages, reminders
from tracker.web.forms import NhsForm
from tracker.web.permissions import roles_required

bp = Blueprint("admin_outbox", __name__, url_prefix="/admin/outbox")


class ConfirmForm(NhsForm):
    pass


def _describe(reminder: Reminder) -> str:
    if reminder.requirement or reminder.person:
        return reminder_messages.headline(reminder)
    return reminder.kind_label


@bp.route("/")
@roles_required(Role.ADMIN)
def index() -> str:
    rows = reminders.needing_attention()
    return render_template("admin/outbox/index.html", rows=[(row, _describe(row)) for row in rows])


def _reminder_or_404(reminder_id: int) -> Reminder:
    reminder = reminders.get_for_admin(reminder_id)
    if reminder is None:
        abort(404)
    return reminder


@bp.route("/<int:reminder_id>/retry", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def retry(reminder_id: int) -> Response | str:
    return _act(reminder_id, "retry")


@bp.route("/<int:reminder_id>/mark-sent", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def mark_sent(reminder_id: int) -> Response | str:
    return _act(reminder_id, "mark_sent")


def _act(reminder_id: int, action: str) -> Response | str:
    reminder = _reminder_or_404(reminder_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            if action == "retry":
                reminders.retry(current_user, reminder)
            else:
                reminders.mark_sent(current_user, reminder)
        except reminders.OutboxError as error:
            db.session.rollback()
            form.add_error(None, str(error))
        else:
            db.session.commit()
            flash(
                "The reminder will be sent at the next sweep, within a minute."
                if action == "retry"
                else "The reminder is marked as sent.",
                "success",
            )
            return redirect(url_for(".index"))
    return render_template(
        "admin/outbox/confirm.html",
        form=form,
        reminder=reminder,
        description=_describe(reminder),
        action=action,
    )
