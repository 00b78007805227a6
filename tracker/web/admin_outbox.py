"""Admin: the reminder outbox — failed emails and ones a crashed sweep left unsure.

The page guard keeps non-admins out; the outbox services refuse them too (Forbidden) and
answer NotFound for a reminder that does not exist.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from tracker.domain.vocabulary import Role
from tracker.services import reminders
from tracker.web.actor import current_actor
from tracker.web.forms import NhsForm
from tracker.web.permissions import roles_required

bp = Blueprint("admin_outbox", __name__, url_prefix="/admin/outbox")

DONE = {
    "retry": "The reminder will be sent at the next sweep, within a minute.",
    "mark_sent": "The reminder is marked as sent.",
}


class ConfirmForm(NhsForm):
    pass


@bp.route("/")
@roles_required(Role.ADMIN)
def index() -> str:
    return render_template(
        "admin/outbox/index.html", rows=reminders.outbox_entries(current_actor())
    )


@bp.route("/<int:reminder_id>/retry", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def retry(reminder_id: int) -> Response | str:
    return _act(reminder_id, "retry")


@bp.route("/<int:reminder_id>/mark-sent", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def mark_sent(reminder_id: int) -> Response | str:
    return _act(reminder_id, "mark_sent")


def _act(reminder_id: int, action: str) -> Response | str:
    actor = current_actor()
    entry = reminders.outbox_entry(actor, reminder_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        act = reminders.retry if action == "retry" else reminders.mark_sent
        try:
            act(actor, reminder_id)
        except reminders.OutboxError as error:
            form.add_error(None, str(error))
        else:
            flash(DONE[action], "success")
            return redirect(url_for(".index"))
    return render_template(
        "admin/outbox/confirm.html",
        form=form,
        reminder=entry.reminder,
        description=entry.description,
        action=action,
    )
