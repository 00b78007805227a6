"""Decisions: list, create, view, edit, affected partners, requirement changes, surprises.

Who may see and change what is decided by `tracker.services.decisions`: its `NotFound`
and `Forbidden` become the 404 and 403 pages, its `InvalidInput` a form error.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from tracker.domain.errors import InvalidInput
from tracker.domain.localtime import LONDON, local_to_utc
from tracker.domain.statuses import DecisionStatus, RequirementStatus
from tracker.domain.vocabulary import DecisionKind, Sensitivity
from tracker.services import decisions, organisations, outcomes, visibility
from tracker.services.decisions import DecisionFilters, DecisionInput, PartnerChoices, PartnerInput
from tracker.web.actor import current_actor
from tracker.web.decision_forms import (
    ChooseOrganisationsForm,
    ConfirmForm,
    DecisionForm,
    PartnersForm,
    RequirementForm,
    RequirementStatusForm,
    SurpriseForm,
)

if TYPE_CHECKING:
    from tracker.models import Decision, Organisation

bp = Blueprint("decisions", __name__, url_prefix="/decisions")

NOON = datetime.min.time().replace(hour=12)

STATUS_OPTION_TEXT = {
    RequirementStatus.PENDING: "Put back to pending",
    RequirementStatus.NOT_REQUIRED: "Not required – they do not need a briefing",
    RequirementStatus.WAIVED: "Waive – accept that they will not be briefed in time",
}


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


def _choice_arg(name: str, choices: type[StrEnum]) -> str:
    value = request.args.get(name, "")
    return value if value in {member.value for member in choices} else ""


def _partners_anchor(decision_id: int) -> Response:
    return redirect(url_for(".show", decision_id=decision_id, _anchor="partners"))


@bp.route("/")
@login_required
def index() -> str:
    actor = current_actor()
    when = request.args.get("when", "upcoming")
    filters = DecisionFilters(
        q=request.args.get("q", "").strip()[:200],
        status=_choice_arg("status", DecisionStatus),
        kind=_choice_arg("kind", DecisionKind),
        owner_id=_int_arg("owner"),
        when=when if when in ("upcoming", "past", "all") else "upcoming",
        page=_int_arg("page") or 1,
    )
    return render_template(
        "decisions/index.html",
        result=decisions.search(actor, filters),
        filters=filters,
        kinds={kind: kind.label for kind in DecisionKind},
        statuses={status: status.label for status in DecisionStatus},
        owners=decisions.owner_choices(actor),
        can_create=visibility.can_create(actor),
    )


def _prepare_form(form: DecisionForm) -> None:
    owners = decisions.owner_choices(current_actor())
    form.owner_person_id.choices = [SelectChoice(0, "Select an owner")] + [
        SelectChoice(p.id, f"{p.full_name} ({p.organisation.name})") for p in owners
    ]
    form.team_user_ids.choices = [
        SelectChoice(u.id, f"{u.display_name} ({u.role_enum.label})")
        for u in decisions.team_choices()
    ]


def _input_from(form: DecisionForm) -> DecisionInput:
    event_at = form.event_at()
    assert event_at is not None  # validated
    return DecisionInput(
        title=form.title.data or "",
        kind=form.kind.data or DecisionKind.OTHER.value,
        description=form.description.data,
        owner_person_id=form.owner_person_id.data or 0,
        event_at=event_at,
        location=form.location.data,
        sensitivity=form.sensitivity.data or Sensitivity.INTERNAL.value,
        embargo_lifts_at=form.embargo_lifts_at(),
        status=form.status.data or DecisionStatus.PLANNED.value,
        lead_time=form.lead_time.data or None,  # blank: the policy for the kind
        team_user_ids=list(form.team_user_ids.data or []),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> Response | str:
    actor = current_actor()
    decisions.ensure_can_create(actor)
    form = DecisionForm()
    _prepare_form(form)
    if request.method == "GET":
        form.owner_person_id.data = decisions.default_owner_id(actor) or 0
    if form.validate_on_submit():
        try:
            decision = decisions.log_decision(actor, _input_from(form))
        except InvalidInput as error:
            form.add_error(error.field, str(error))
        else:
            flash(
                f"“{decision.title}” has been logged. Now add the partners it affects.", "success"
            )
            return redirect(url_for(".choose_organisations", decision_id=decision.id))
    return render_template(
        "decisions/form.html", form=form, decision=None, policy=decisions.lead_time_policy()
    )


@bp.route("/<int:decision_id>")
@login_required
def show(decision_id: int) -> str:
    detail = decisions.load_page(current_actor(), decision_id)
    page: dict[str, Any] = {f.name: getattr(detail, f.name) for f in fields(detail)}
    return render_template("decisions/show.html", **page, london=LONDON)


def _fill_edit_form(form: DecisionForm, decision: Decision) -> None:
    local_event = decision.event_at.astimezone(LONDON)
    form.event_date.process(None, local_event.date())
    form.event_time.data = local_event.time()
    if decision.embargo_lifts_at:
        local_lift = decision.embargo_lifts_at.astimezone(LONDON)
        form.embargo_date.process(None, local_lift.date())
        form.embargo_time.data = local_lift.time()
    form.team_user_ids.data = [u.id for u in decision.team]


@bp.route("/<int:decision_id>/edit", methods=["GET", "POST"])
@login_required
def edit(decision_id: int) -> Response | str:
    decision = decisions.get_for_edit(current_actor(), decision_id)
    form = DecisionForm(obj=decision)
    _prepare_form(form)
    if request.method == "GET":
        _fill_edit_form(form, decision)
    if form.validate_on_submit():
        try:
            result = decisions.update_decision(current_actor(), decision, _input_from(form))
        except InvalidInput as error:
            form.add_error(error.field, str(error))
        else:
            message = "Your changes have been saved."
            if result.recomputed:
                message += f" {result.recomputed} brief-by date(s) were recalculated."
            if result.update_requirements:
                message += (
                    f" {len(result.update_requirements)} partner(s) already briefed must now "
                    "hear about the change."
                )
            flash(message, "success")
            return redirect(url_for(".show", decision_id=decision.id))
    return render_template(
        "decisions/form.html", form=form, decision=decision, policy=decisions.lead_time_policy()
    )


@bp.route("/<int:decision_id>/partners")
@login_required
def choose_organisations(decision_id: int) -> str | Response:
    decision = decisions.get_for_edit(current_actor(), decision_id)
    form = ChooseOrganisationsForm(request.args)
    form.organisation_ids.choices = [SelectChoice(o.id, o.name) for o in organisations.picker()]
    if "submitted" in request.args and form.validate():
        return redirect(
            url_for(
                ".add_partners",
                decision_id=decision.id,
                organisation_ids=form.organisation_ids.data,
            )
        )
    return render_template("decisions/choose_organisations.html", form=form, decision=decision)


def _partner_groups(
    choices: PartnerChoices, selected: set[int]
) -> list[tuple[Organisation, list[dict[str, Any]]]]:
    """Each organisation with its people as NHS checkbox items."""
    groups = []
    first_id_used = False
    for group in choices.groups:
        items = []
        for option in group.options:
            person = option.person
            hints = []
            if person.is_main_contact:
                hints.append("Main contact.")
            if option.already:
                hints.append("Already an affected partner.")
            # The error summary links to #person_ids, so the first box carries that id.
            item_id = f"person_ids-{person.id}"
            if not first_id_used and not option.already:
                item_id, first_id_used = "person_ids", True
            items.append(
                {
                    "value": person.id,
                    "text": person.full_name
                    + (f", {person.job_title}" if person.job_title else ""),
                    "hint": {"text": " ".join(hints)} if hints else None,
                    "checked": person.id in selected,
                    "disabled": option.already,
                    "id": item_id,
                }
            )
        groups.append((group.organisation, items))
    return groups


@bp.route("/<int:decision_id>/partners/people", methods=["GET", "POST"])
@login_required
def add_partners(decision_id: int) -> Response | str:
    org_ids = [int(v) for v in request.args.getlist("organisation_ids") if v.isdigit()]
    choices = decisions.partner_choices(current_actor(), decision_id, org_ids)
    decision = choices.decision
    if not choices.groups:
        return redirect(url_for(".choose_organisations", decision_id=decision.id))
    form = PartnersForm()
    names = {o.person.id: o.person.full_name for g in choices.groups for o in g.options}
    form.person_ids.choices = [SelectChoice(i, names[i]) for i in choices.offered_ids]
    if request.method == "GET":
        form.person_ids.data = choices.suggested_ids
    if form.validate_on_submit():
        partners = [
            PartnerInput(
                person_id=person_id,
                reason=form.reason.data,
                lead_time_override=form.lead_time_override.data,
            )
            for person_id in form.person_ids.data or []
        ]
        try:
            created = decisions.add_partners(current_actor(), decision, partners)
        except InvalidInput as error:
            form.add_error("person_ids", str(error))
        else:
            late = [r for r in created if r.brief_by < outcomes.today_london()]
            message = f"{len(created)} affected partner(s) added."
            if late:
                message += (
                    f" {len(late)} of them should already have been briefed: their brief-by "
                    "date has passed."
                )
            flash(message, "success")
            return _partners_anchor(decision.id)
    return render_template(
        "decisions/add_partners.html",
        form=form,
        decision=decision,
        groups=_partner_groups(choices, set(form.person_ids.data or [])),
        already=choices.already_ids,
        organisation_ids=org_ids,
    )


@bp.route("/<int:decision_id>/requirements/<int:requirement_id>/edit", methods=["GET", "POST"])
@login_required
def edit_requirement(decision_id: int, requirement_id: int) -> Response | str:
    requirement = decisions.get_requirement_for_edit(current_actor(), decision_id, requirement_id)
    form = RequirementForm(obj=requirement)
    if form.validate_on_submit():
        try:
            decisions.update_requirement(
                current_actor(),
                requirement,
                reason=form.reason.data,
                lead_time_override=form.lead_time_override.data,
            )
        except InvalidInput as error:
            form.add_error(error.field, str(error))
        else:
            flash(f"The requirement for {requirement.person.full_name} has been saved.", "success")
            return _partners_anchor(requirement.decision_id)
    return render_template(
        "decisions/edit_requirement.html",
        form=form,
        decision=requirement.decision,
        requirement=requirement,
    )


@bp.route("/<int:decision_id>/requirements/<int:requirement_id>/status", methods=["GET", "POST"])
@login_required
def requirement_status(decision_id: int, requirement_id: int) -> Response | str:
    actor = current_actor()
    requirement = decisions.get_requirement(actor, decision_id, requirement_id)
    options = decisions.status_options(actor, requirement)
    form = RequirementStatusForm()
    form.status.choices = [SelectChoice(s.value, STATUS_OPTION_TEXT[s]) for s in options]
    if options and form.validate_on_submit():
        try:
            decisions.set_requirement_status(
                actor, requirement, RequirementStatus(form.status.data), form.reason.data
            )
        except InvalidInput as error:
            form.add_error(error.field, str(error))
        else:
            flash(
                f"{requirement.person.full_name} is now {requirement.status_label.lower()}.",
                "success",
            )
            return _partners_anchor(requirement.decision_id)
    return render_template(
        "decisions/requirement_status.html",
        form=form,
        decision=requirement.decision,
        requirement=requirement,
        has_options=bool(options),
    )


@bp.route("/<int:decision_id>/requirements/<int:requirement_id>/remove", methods=["GET", "POST"])
@login_required
def remove_requirement(decision_id: int, requirement_id: int) -> Response | str:
    requirement = decisions.get_requirement_for_edit(current_actor(), decision_id, requirement_id)
    decision = requirement.decision
    form = ConfirmForm()
    if form.validate_on_submit():
        name = requirement.person.full_name
        try:
            decisions.remove_requirement(current_actor(), requirement)
        except InvalidInput as error:
            form.add_error(error.field, str(error))
        else:
            flash(f"{name} is no longer an affected partner.", "success")
            return _partners_anchor(decision.id)
    return render_template(
        "decisions/remove_requirement.html", form=form, decision=decision, requirement=requirement
    )


@bp.route("/<int:decision_id>/surprises/new", methods=["GET", "POST"])
@login_required
def report_surprise(decision_id: int) -> Response | str:
    decision, people = decisions.surprise_people(current_actor(), decision_id)
    form = SurpriseForm()
    form.person_id.choices = [SelectChoice(0, "Select a person")] + [
        SelectChoice(p.id, f"{p.full_name} ({p.organisation.name})") for p in people
    ]
    if request.method == "GET":
        form.reported_date.process(None, outcomes.today_london())
    if form.validate_on_submit():
        try:
            decisions.record_surprise(
                current_actor(),
                decision,
                person_id=form.person_id.data,
                reported_at=local_to_utc(form.reported_date.data, NOON),
                what=form.what_they_said.data or "",
            )
        except InvalidInput as error:
            form.add_error(error.field, str(error))
        else:
            flash("The surprise has been recorded against this decision.", "success")
            return redirect(url_for(".show", decision_id=decision.id, _anchor="surprises"))
    return render_template("decisions/report_surprise.html", form=form, decision=decision)
