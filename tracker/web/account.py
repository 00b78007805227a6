"""Your account: how reminders reach you, and a way to change your password."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import RadioField, SelectChoice
from wtforms.validators import DataRequired

from tracker.extensions import db
from tracker.models import REMINDER_DELIVERY_LABELS, ReminderDelivery
from tracker.services import users as user_service
from tracker.web.forms import NhsForm

bp = Blueprint("account", __name__)


class ReminderDeliveryForm(NhsForm):
    reminder_delivery = RadioField(
        "How do you want to get reminders?",
        description="Escalations always come as their own email, straight away.",
        choices=[SelectChoice(d.value, REMINDER_DELIVERY_LABELS[d]) for d in ReminderDelivery],
        validators=[DataRequired("Select how you want to get reminders")],
    )


@bp.route("/account", methods=["GET", "POST"])
@login_required
def profile() -> Response | str:
    form = ReminderDeliveryForm(obj=current_user)
    if form.validate_on_submit():
        user_service.set_reminder_delivery(current_user, form.reminder_delivery.data or "")
        db.session.commit()
        flash("Your reminder settings have been saved.", "success")
        return redirect(url_for(".profile"))
    return render_template("account/profile.html", form=form)
