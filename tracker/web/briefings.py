"""Briefings: log an engagement (from a decision or on its own), view and correct it.

Who may see, log and correct a briefing is decided by `tracker.services.briefings`; its
`NotFound` and `Forbidden` become the 404 and 403 pages.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from tracker.domain.errors import InvalidInput
from tracker.domain.localtime import LONDON
from tracker.services import briefings, decisions, organisations
from tracker.services.briefings import BriefingInput, LogStart
from tracker.services.calendar import today_london
from tracker.web.actor import current_actor
from tracker.web.briefing_forms import BriefingDetailsForm, BriefingForm, ChooseContextForm

bp = Blueprint("briefings", __name__, url_prefix="/briefings")


def _int_args(name: str) -> list[int]:
    return [int(v) for v in request.args.getlist(name) if v.isdigit()]


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> Response | str:
    start = briefings.start_log(
        current_actor(), _int_args("decision"), _int_args("organisation"), _int_args("person")
    )
    if start.nothing_chosen:
        return _choose_context()
    if not start.people:
        flash("Add affected partners to the decision before logging a briefing.", "info")
        return redirect(_back_to(start))
    form = _briefing_form(start)
    if form.validate_on_submit():
        try:
            briefing, marked = briefings.log_as_offered(
                current_actor(),
                BriefingInput(
                    **form.details(),
                    person_ids=list(form.person_ids.data or []),
                    decision_ids=list(form.decision_ids.data or []),
                    briefed_by_person_id=form.briefed_by_person_id.data,
                ),
            )
        except InvalidInput as error:
            form.add_error(error.field, str(error))
        else:
            message = "The briefing has been logged."
            if marked:
                message += f" {len(marked)} requirement(s) are now marked as briefed."
            flash(message, "success")
            return redirect(_back_to(start, briefing.id))
    return render_template("briefings/new.html", form=form, decisions=start.decisions)


def _back_to(start: LogStart, briefing_id: int | None = None) -> str:
    """The first decision's partners; else the new briefing, or the choice to start again."""
    if start.decisions:
        anchor = "partners" if briefing_id is not None else None
        return url_for("decisions.show", decision_id=start.decisions[0].id, _anchor=anchor)
    if briefing_id is not None:
        return url_for(".show", briefing_id=briefing_id)
    return url_for(".new")


def _briefing_form(start: LogStart) -> BriefingForm:
    form = BriefingForm()
    form.person_ids.choices = [
        SelectChoice(p.id, f"{p.full_name} ({p.organisation.name})") for p in start.people
    ]
    form.decision_ids.choices = [SelectChoice(d.id, d.title) for d in start.decisions]
    form.briefed_by_person_id.choices = [SelectChoice(0, "Select who briefed them")] + [
        SelectChoice(p.id, p.full_name) for p in start.briefers
    ]
    if request.method == "GET":
        now_local = datetime.now(UTC).astimezone(LONDON)
        form.occurred_date.process(None, now_local.date())
        form.occurred_time.data = now_local.time().replace(second=0, microsecond=0)
        form.person_ids.data = start.preselected
        form.decision_ids.data = [d.id for d in start.decisions]
        form.briefed_by_person_id.data = start.default_briefer_id or 0
    return form


def _choose_context() -> str:
    form = ChooseContextForm(request.args)
    form.organisation.choices = [SelectChoice(0, "Select an organisation")] + [
        SelectChoice(o.id, o.name) for o in organisations.picker()
    ]
    if "submitted" in request.args and form.validate():
        form.add_error("organisation", "Select an organisation")
    return render_template(
        "briefings/choose.html",
        form=form,
        decisions=decisions.upcoming_for_circle(current_actor()),
    )


@bp.route("/<int:briefing_id>")
@login_required
def show(briefing_id: int) -> str:
    actor = current_actor()
    briefing = briefings.get(actor, briefing_id)
    return render_template(
        "briefings/show.html",
        briefing=briefing,
        # A briefing the actor may see covered only decisions they may see.
        visible_decisions=briefing.decisions,
        can_edit=briefings.can_edit(actor, briefing),
    )


@bp.route("/<int:briefing_id>/edit", methods=["GET", "POST"])
@login_required
def edit(briefing_id: int) -> Response | str:
    briefing = briefings.get_for_edit(current_actor(), briefing_id)
    form = BriefingDetailsForm(obj=briefing)
    if request.method == "GET":
        local = briefing.occurred_at.astimezone(LONDON)
        form.occurred_date.process(None, local.date())
        form.occurred_time.data = local.time()
    if form.validate_on_submit():
        try:
            briefings.update_details(current_actor(), briefing, form.details())
        except InvalidInput as error:
            form.add_error(error.field, str(error))
        else:
            flash("The briefing has been saved.", "success")
            return redirect(url_for(".show", briefing_id=briefing.id))
    return render_template(
        "briefings/edit.html", form=form, briefing=briefing, today=today_london()
    )
