"""In-app notifications: the reminders emailed to you, on one page, and the header count."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tracker.extensions import db
from tracker.models import Reminder
from tracker.services import history, permissions, reminder_messages, reminders, visibility
from tracker.web.forms import NhsForm

bp = Blueprint("notifications", __name__)


class MarkReadForm(NhsForm):
    pass


@bp.route("/notifications")
@login_required
def index() -> str:
    rows = reminders.notifications(current_user)
    # Keep-in-touch reminders say when the person was last contacted, as this user
    # may see it now (briefings about hidden decisions do not count).
    last_contacts = history.last_contacts(
        current_user, {row.person_id for row in rows if row.person_id is not None}
    )
    entries = [_entry(row, last_contacts) for row in rows if row.decision or row.person]
    return render_template("notifications/index.html", entries=entries, form=MarkReadForm())


def _entry(row: Reminder, last_contacts: dict[int, datetime]) -> dict[str, object]:
    if row.person is not None:
        return {
            "reminder": row,
            "headline": reminder_messages.keep_in_touch_headline(
                row.person, last_contacts.get(row.person.id)
            ),
            "can_log": permissions.can_log_briefings(current_user) and not row.person.is_archived,
        }
    return {
        "reminder": row,
        "headline": reminder_messages.headline(row),
        "can_log": visibility.can_edit(current_user, row.decision),
    }


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_all_read() -> Response | str:
    form = MarkReadForm()
    if form.validate_on_submit():
        count = reminders.mark_all_read(current_user)
        db.session.commit()
        flash(
            "All notifications are marked as read." if count else "Nothing new to mark as read.",
            "success",
        )
    return redirect(url_for(".index"))
