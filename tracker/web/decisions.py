"""Decisions: list, create, view, edit, affected partners, requirement changes, surprises."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from tracker.domain.localtime import LONDON, local_to_utc
from tracker.extensions import db
from tracker.models import (
    DECISION_KIND_LABELS,
    DECISION_STATUS_LABELS,
    BriefingRequirement,
    Decision,
    DecisionKind,
    DecisionStatus,
    Organisation,
    Person,
    RequirementStatus,
    Sensitivity,
)
from tracker.services import audit, briefings, decisions, outcomes, visibility
from tracker.services.decisions import DecisionError, DecisionFilters, DecisionInput, PartnerInput
from tracker.web.decision_forms import (
    ChooseOrganisationsForm,
    ConfirmForm,
    DecisionForm,
    PartnersForm,
    RequirementForm,
    RequirementStatusForm,
    SurpriseForm,
)

bp = Blueprint("decisions", __name__, url_prefix="/decisions")

NOON = datetime.min.time().replace(hour=12)


def _visible_or_404(decision_id: int) -> Decision:
    decision = visibility.get_visible(current_user, decision_id)
    if decision is None:
        abort(404)
    return decision


def _editable_or_403(decision_id: int) -> Decision:
    decision = _visible_or_404(decision_id)
    if not visibility.can_edit(current_user, decision):
        abort(403)
    return decision


def _requirement_or_404(decision: Decision, requirement_id: int) -> BriefingRequirement:
    for requirement in decision.requirements:
        if requirement.id == requirement_id:
            return requirement
    abort(404)


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


def _choice_arg(name: str, choices: type[StrEnum]) -> str:
    value = request.args.get(name, "")
    return value if value in {member.value for member in choices} else ""


@bp.route("/")
@login_required
def index() -> str:
    when = request.args.get("when", "upcoming")
    filters = DecisionFilters(
        q=request.args.get("q", "").strip()[:200],
        status=request.args.get("status", "")
        if request.args.get("status") in DecisionStatus.__members__.values()
        else "",
        kind=request.args.get("kind", "")
        if request.args.get("kind") in DecisionKind.__members__.values()
        else "",
        owner_id=_int_arg("owner"),
        when=when if when in ("upcoming", "past", "all") else "upcoming",
        page=_int_arg("page") or 1,
    )
    result = decisions.search(current_user, filters)
    return render_template(
        "decisions/index.html",
        result=result,
        filters=filters,
        kinds=DECISION_KIND_LABELS,
        statuses=DECISION_STATUS_LABELS,
        owners=decisions.owner_choices(current_user),
        can_create=visibility.can_create(current_user),
    )


def _prepare_form(form: DecisionForm) -> None:
    owners = decisions.owner_choices(current_user)
    form.owner_person_id.choices = [SelectChoice(0, "Select an owner")] + [
        SelectChoice(p.id, f"{p.full_name} ({p.organisation.name})") for p in owners
    ]
    form.team_user_ids.choices = [
        SelectChoice(u.id, f"{u.display_name} ({u.role_enum.label})")
        for u in decisions.team_choices()
    ]


def _input_from(form: DecisionForm) -> DecisionInput:
    kind = form.kind.data or DecisionKind.OTHER.value
    event_at = form.event_at()
    assert event_at is not None  # validated
    return DecisionInput(
        title=form.title.data or "",
        kind=kind,
        description=form.description.data,
        owner_person_id=form.owner_person_id.data or 0,
        event_at=event_at,
        location=form.location.data,
        sensitivity=form.sensitivity.data or Sensitivity.INTERNAL.value,
        embargo_lifts_at=form.embargo_lifts_at(),
        status=form.status.data or DecisionStatus.PLANNED.value,
        lead_time=form.lead_time.data or decisions.default_lead_time(kind),
        team_user_ids=list(form.team_user_ids.data or []),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> Response | str:
    if not visibility.can_create(current_user):
        abort(403)
    form = DecisionForm()
    _prepare_form(form)
    if request.method == "GET":
        form.owner_person_id.data = decisions.default_owner_id(current_user) or 0
    if form.validate_on_submit():
        data = _input_from(form)
        try:
            owner = db.session.get(Person, data.owner_person_id)
            decision = decisions.create_decision(current_user, data)
            if owner is not None and not visibility.can_edit(current_user, decision):
                # Whoever logs a decision for someone else can keep working on it.
                decision.team.append(current_user)
        except DecisionError as error:
            db.session.rollback()
            form.add_error(error.field, str(error))
        else:
            db.session.commit()
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
    decision = _visible_or_404(decision_id)
    decision = decisions.load_for_page(decision.id)
    assert decision is not None
    confidential = visibility.is_confidential(decision)
    if confidential:
        decisions.record_access(current_user, decision)
        db.session.commit()
    assessment = outcomes.assess(decision)
    can_edit = visibility.can_edit(current_user, decision)
    # A briefing that also covered a decision this user may not see is as confidential as
    # that decision: leave it (and its history entries) out here too.
    logged = briefings.briefings_for_decision(decision.id)
    hidden = {
        b.id for b in logged if not all(visibility.can_see(current_user, d) for d in b.decisions)
    }
    history = [
        event
        for event in audit.history_for_decision(decision.id)
        if not (event.entity_type == "briefing" and event.entity_id in hidden)
    ]
    return render_template(
        "decisions/show.html",
        decision=decision,
        assessment=assessment,
        briefings=[b for b in logged if b.id not in hidden],
        history=history,
        access_register=decisions.access_register(decision) if confidential else [],
        confidential=confidential,
        can_edit=can_edit,
        can_waive=visibility.can_waive(current_user),
        can_report=visibility.can_report_surprise(current_user, decision),
        london=LONDON,
    )


@bp.route("/<int:decision_id>/edit", methods=["GET", "POST"])
@login_required
def edit(decision_id: int) -> Response | str:
    decision = _editable_or_403(decision_id)
    form = DecisionForm(obj=decision)
    _prepare_form(form)
    if request.method == "GET":
        local_event = decision.event_at.astimezone(LONDON)
        form.event_date.process(None, local_event.date())
        form.event_time.data = local_event.time()
        if decision.embargo_lifts_at:
            local_lift = decision.embargo_lifts_at.astimezone(LONDON)
            form.embargo_date.process(None, local_lift.date())
            form.embargo_time.data = local_lift.time()
        form.team_user_ids.data = [u.id for u in decision.team]
    if form.validate_on_submit():
        try:
            result = decisions.update_decision(current_user, decision, _input_from(form))
        except DecisionError as error:
            db.session.rollback()
            form.add_error(error.field, str(error))
        else:
            db.session.commit()
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
def choose_organisations(decision_id: int) -> str:
    decision = _editable_or_403(decision_id)
    form = ChooseOrganisationsForm(request.args)
    organisations = list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.is_archived.is_(False))
            .order_by(Organisation.name_key)
        )
    )
    form.organisation_ids.choices = [SelectChoice(o.id, o.name) for o in organisations]
    if "submitted" in request.args and form.validate():
        return redirect(
            url_for(
                ".add_partners",
                decision_id=decision.id,
                organisation_ids=form.organisation_ids.data,
            )
        )
    return render_template("decisions/choose_organisations.html", form=form, decision=decision)


@bp.route("/<int:decision_id>/partners/people", methods=["GET", "POST"])
@login_required
def add_partners(decision_id: int) -> Response | str:
    decision = _editable_or_403(decision_id)
    org_ids = [int(v) for v in request.args.getlist("organisation_ids") if v.isdigit()]
    organisations = list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.id.in_(org_ids), Organisation.is_archived.is_(False))
            .order_by(Organisation.name_key)
        )
    )
    if not organisations:
        return redirect(url_for(".choose_organisations", decision_id=decision.id))
    already = {r.person_id for r in decision.requirements if not r.is_update}
    people_by_org = []
    choices = []
    defaults = []
    for organisation in organisations:
        people = [p for p in organisation.people if not p.is_archived]
        default_ids = {p.id for p in decisions.default_people_for_organisation(organisation.id)}
        people_by_org.append((organisation, people))
        for person in people:
            if person.id not in already:
                choices.append(SelectChoice(person.id, person.full_name))
                if person.id in default_ids:
                    defaults.append(person.id)
    form = PartnersForm()
    form.person_ids.choices = choices
    if request.method == "GET":
        form.person_ids.data = defaults
    selected = set(form.person_ids.data or [])
    groups = []
    first_id_used = False
    for organisation, people in people_by_org:
        items = []
        for person in people:
            hints = []
            if person.is_main_contact:
                hints.append("Main contact.")
            if person.id in already:
                hints.append("Already an affected partner.")
            # The error summary links to #person_ids, so the first box carries that id.
            item_id = f"person_ids-{person.id}"
            if not first_id_used and person.id not in already:
                item_id, first_id_used = "person_ids", True
            items.append(
                {
                    "value": person.id,
                    "text": person.full_name
                    + (f", {person.job_title}" if person.job_title else ""),
                    "hint": {"text": " ".join(hints)} if hints else None,
                    "checked": person.id in selected,
                    "disabled": person.id in already,
                    "id": item_id,
                }
            )
        groups.append((organisation, items))
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
            created = decisions.add_partners(current_user, decision, partners)
        except DecisionError as error:
            db.session.rollback()
            form.add_error("person_ids", str(error))
        else:
            db.session.commit()
            late = [r for r in created if r.brief_by < outcomes.today_london()]
            message = f"{len(created)} affected partner(s) added."
            if late:
                message += (
                    f" {len(late)} of them should already have been briefed: their brief-by "
                    "date has passed."
                )
            flash(message, "success")
            return redirect(url_for(".show", decision_id=decision.id, _anchor="partners"))
    return render_template(
        "decisions/add_partners.html",
        form=form,
        decision=decision,
        groups=groups,
        already=already,
        organisation_ids=org_ids,
    )


@bp.route("/<int:decision_id>/requirements/<int:requirement_id>/edit", methods=["GET", "POST"])
@login_required
def edit_requirement(decision_id: int, requirement_id: int) -> Response | str:
    decision = _editable_or_403(decision_id)
    requirement = _requirement_or_404(decision, requirement_id)
    form = RequirementForm(obj=requirement)
    if form.validate_on_submit():
        decisions.update_requirement(
            current_user,
            requirement,
            reason=form.reason.data,
            lead_time_override=form.lead_time_override.data,
        )
        db.session.commit()
        flash(f"The requirement for {requirement.person.full_name} has been saved.", "success")
        return redirect(url_for(".show", decision_id=decision.id, _anchor="partners"))
    return render_template(
        "decisions/edit_requirement.html", form=form, decision=decision, requirement=requirement
    )


@bp.route("/<int:decision_id>/requirements/<int:requirement_id>/status", methods=["GET", "POST"])
@login_required
def requirement_status(decision_id: int, requirement_id: int) -> Response | str:
    decision = _visible_or_404(decision_id)
    requirement = _requirement_or_404(decision, requirement_id)
    can_edit = visibility.can_edit(current_user, decision)
    can_waive = visibility.can_waive(current_user)
    if not (can_edit or can_waive):
        abort(403)
    options = []
    if requirement.status != RequirementStatus.PENDING.value:
        options.append(SelectChoice("pending", "Put back to pending"))
    if can_edit and requirement.status != RequirementStatus.NOT_REQUIRED.value:
        options.append(SelectChoice("not_required", "Not required – they do not need a briefing"))
    if can_waive and requirement.status != RequirementStatus.WAIVED.value:
        options.append(
            SelectChoice("waived", "Waive – accept that they will not be briefed in time")
        )
    if requirement.status == RequirementStatus.BRIEFED.value:
        options = []  # a logged briefing is history; change the briefing instead
    form = RequirementStatusForm()
    form.status.choices = options
    if options and form.validate_on_submit():
        try:
            decisions.set_requirement_status(
                current_user, requirement, RequirementStatus(form.status.data), form.reason.data
            )
        except DecisionError as error:
            db.session.rollback()
            form.add_error(error.field, str(error))
        else:
            db.session.commit()
            flash(
                f"{requirement.person.full_name} is now {requirement.status_label.lower()}.",
                "success",
            )
            return redirect(url_for(".show", decision_id=decision.id, _anchor="partners"))
    return render_template(
        "decisions/requirement_status.html",
        form=form,
        decision=decision,
        requirement=requirement,
        has_options=bool(options),
    )


@bp.route("/<int:decision_id>/requirements/<int:requirement_id>/remove", methods=["GET", "POST"])
@login_required
def remove_requirement(decision_id: int, requirement_id: int) -> Response | str:
    decision = _editable_or_403(decision_id)
    requirement = _requirement_or_404(decision, requirement_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = requirement.person.full_name
        try:
            decisions.remove_requirement(current_user, requirement)
        except DecisionError as error:
            db.session.rollback()
            form.add_error(None, str(error))
        else:
            db.session.commit()
            flash(f"{name} is no longer an affected partner.", "success")
            return redirect(url_for(".show", decision_id=decision.id, _anchor="partners"))
    return render_template(
        "decisions/remove_requirement.html", form=form, decision=decision, requirement=requirement
    )


@bp.route("/<int:decision_id>/surprises/new", methods=["GET", "POST"])
@login_required
def report_surprise(decision_id: int) -> Response | str:
    decision = _visible_or_404(decision_id)
    if not visibility.can_report_surprise(current_user, decision):
        abort(403)
    form = SurpriseForm()
    people = sorted({r.person for r in decision.requirements}, key=lambda p: p.name_key)
    form.person_id.choices = [SelectChoice(0, "Select a person")] + [
        SelectChoice(p.id, f"{p.full_name} ({p.organisation.name})") for p in people
    ]
    if request.method == "GET":
        form.reported_date.process(None, outcomes.today_london())
    if form.validate_on_submit():
        if form.person_id.data not in {p.id for p in people}:
            form.add_error("person_id", "Select who was surprised")
        else:
            decisions.record_surprise(
                current_user,
                decision,
                person_id=form.person_id.data,
                reported_at=local_to_utc(form.reported_date.data, NOON),
                what=form.what_they_said.data or "",
            )
            db.session.commit()
            flash("The surprise has been recorded against this decision.", "success")
            return redirect(url_for(".show", decision_id=decision.id, _anchor="surprises"))
    return render_template("decisions/report_surprise.html", form=form, decision=decision)
