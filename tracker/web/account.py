"""Your account: reminder delivery, password link and personal access tokens for the API."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, Length

from tracker.domain.vocabulary import REMINDER_DELIVERY_LABELS, ReminderDelivery
from tracker.services import api_tokens
from tracker.services import users as user_service
from tracker.web.actor import current_actor
from tracker.web.forms import NhsForm
from tracker.web.registers import ConfirmForm, confirm_page

bp = Blueprint("account", __name__, url_prefix="/account")


class NewTokenForm(NhsForm):
    name = StringField(
        "Token name",
        description="What will use it, so you can recognise it later. For example, "
        "“Power BI board report”.",
        validators=[
            DataRequired("Enter a name for the token"),
            Length(
                max=api_tokens.NAME_MAX,
                message=f"The name must be {api_tokens.NAME_MAX} characters or fewer",
            ),
        ],
        render_kw={"autocomplete": "off"},
    )


class ReminderDeliveryForm(NhsForm):
    reminder_delivery = RadioField(
        "How do you want to get reminders?",
        description="Escalations always come as their own email, straight away.",
        choices=[SelectChoice(d.value, REMINDER_DELIVERY_LABELS[d]) for d in ReminderDelivery],
        validators=[DataRequired("Select how you want to get reminders")],
    )


@bp.route("", methods=["GET", "POST"])
@login_required
def profile() -> Response | str:
    form = ReminderDeliveryForm(obj=current_user)
    if form.validate_on_submit():
        user_service.set_reminder_delivery(current_actor(), form.reminder_delivery.data or "")
        flash("Your reminder settings have been saved.", "success")
        return redirect(url_for(".profile"))
    return render_template("account/profile.html", form=form)


@bp.route("/tokens", methods=["GET", "POST"])
@login_required
def tokens() -> Response | str:
    form = NewTokenForm()
    if form.validate_on_submit():
        try:
            token, secret = api_tokens.create_token(current_actor(), form.name.data or "")
        except api_tokens.TokenError as error:
            form.add_error(error.field, str(error))
        else:
            # Shown on this response only (pages are never cached): no redirect, so the
            # secret is not put in the session or a URL.
            return render_template("account/token_created.html", token=token, secret=secret)
    return render_template(
        "account/tokens.html", form=form, tokens=api_tokens.tokens_of(current_actor())
    )


@bp.route("/tokens/<int:token_id>/revoke", methods=["GET", "POST"])
@login_required
def revoke(token_id: int) -> Response | str:
    token = api_tokens.get_own(current_actor(), token_id)
    back = url_for(".tokens")
    if token.is_revoked:
        flash(f"“{token.name}” is already revoked.", "info")
        return redirect(back)
    form = ConfirmForm()
    if form.validate_on_submit():
        api_tokens.revoke(current_actor(), token)
        flash(f"“{token.name}” has been revoked. It no longer works.", "success")
        return redirect(back)
    return confirm_page(
        form,
        title=f"Revoke the token “{token.name}”?",
        paragraphs=[
            f"Anything using the token starting {token.prefix} will stop working at once.",
            "You cannot undo this. You can create a new token at any time.",
        ],
        button="Revoke token",
        action=url_for(".revoke", token_id=token.id),
        cancel=back,
        warning=True,
    )
