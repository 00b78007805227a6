"""Admin: lead-time policy per decision kind, and closure days."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from tracker.domain.brief_by import LEAD_TIME_RANGE_MESSAGE, MAX_LEAD_TIME, MIN_LEAD_TIME
from tracker.domain.vocabulary import DECISION_KIND_LABELS, DecisionKind, Role
from tracker.services import calendar, decisions
from tracker.services.calendar import ClosureDayError
from tracker.web.actor import current_actor
from tracker.web.fields import NhsDateField
from tracker.web.forms import NhsForm
from tracker.web.permissions import roles_required

bp = Blueprint("admin_policy", __name__, url_prefix="/admin")


def _lead_time_form_class() -> type[NhsForm]:
    fields = {
        kind.value: IntegerField(
            DECISION_KIND_LABELS[kind],
            validators=[
                InputRequired(f"Enter the lead time for {DECISION_KIND_LABELS[kind].lower()}"),
                NumberRange(MIN_LEAD_TIME, MAX_LEAD_TIME, LEAD_TIME_RANGE_MESSAGE),
            ],
        )
        for kind in DecisionKind
    }
    return type("LeadTimeForm", (NhsForm,), fields)


class ClosureDayForm(NhsForm):
    day = NhsDateField(
        "Date", description="For example, 24 12 2027", validators=[DataRequired("Enter the date")]
    )
    reason = StringField(
        "Reason",
        description="For example, “Christmas Eve closure”.",
        validators=[
            DataRequired("Enter a reason"),
            Length(max=200, message="Reason must be 200 characters or fewer"),
        ],
    )


class ConfirmForm(NhsForm):
    pass


@bp.route("/lead-times", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def lead_times() -> Response | str:
    form = _lead_time_form_class()(data=decisions.lead_time_policy())
    if form.validate_on_submit():
        decisions.set_lead_time_policy(
            current_actor(), {kind.value: form[kind.value].data for kind in DecisionKind}
        )
        flash(
            "The lead-time policy has been saved. It applies to decisions logged from now on.",
            "success",
        )
        return redirect(url_for(".lead_times"))
    return render_template("admin/lead_times.html", form=form)


@bp.route("/closure-days", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def closure_days() -> Response | str:
    form = ClosureDayForm()
    if form.validate_on_submit():
        try:
            closure = calendar.add_closure_day(
                current_actor(), form.day.data, form.reason.data or ""
            )
        except ClosureDayError as error:
            form.add_error(error.field, str(error))
        else:
            moved = decisions.recompute_future_pending(current_actor())
            flash(
                f"{closure.day:%-d %B %Y} is now a closure day. {moved} brief-by date(s) moved.",
                "success",
            )
            return redirect(url_for(".closure_days"))
    return render_template(
        "admin/closure_days.html",
        form=form,
        days=calendar.closure_days(calendar.today_london().replace(month=1, day=1)),
    )


@bp.route("/closure-days/<int:closure_id>/remove", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def remove_closure_day(closure_id: int) -> Response | str:
    closure = calendar.get_closure_day(current_actor(), closure_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        day = calendar.remove_closure_day(current_actor(), closure)
        moved = decisions.recompute_future_pending(current_actor())
        flash(f"{day:%-d %B %Y} is a working day again. {moved} brief-by date(s) moved.", "success")
        return redirect(url_for(".closure_days"))
    return render_template("admin/remove_closure_day.html", form=form, closure=closure)
