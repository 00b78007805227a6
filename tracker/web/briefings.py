"""Briefings: log an engagement (from a decision or on its own), view and correct it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import (
    BooleanField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tracker.domain.localtime import LONDON, local_to_utc
from tracker.extensions import db
from tracker.models import (
    CHANNEL_LABELS,
    Briefing,
    Channel,
    Decision,
    Organisation,
    Person,
    RequirementStatus,
    Role,
    utcnow,
)
from tracker.services import briefings, decisions, visibility
from tracker.services.briefings import BriefingError, BriefingInput
from tracker.services.calendar import today_london
from tracker.web.decision_forms import CheckboxesField
from tracker.web.fields import NhsDateField, NhsTimeField
from tracker.web.forms import NhsForm

bp = Blueprint("briefings", __name__, url_prefix="/briefings")


class BriefingDetailsForm(NhsForm):
    occurred_date = NhsDateField(
        "Date of the briefing", validators=[DataRequired("Enter the date of the briefing")]
    )
    occurred_time = NhsTimeField(
        "Time of the briefing",
        description="UK time, for example 14:30 or 2:30pm",
        validators=[DataRequired("Enter the time of the briefing")],
    )
    channel = RadioField(
        "How did it happen?",
        choices=[SelectChoice(c.value, CHANNEL_LABELS[c]) for c in Channel],
        validators=[DataRequired("Select how the briefing happened")],
    )
    summary = TextAreaField(
        "Summary",
        description="What was said, and anything they asked for.",
        validators=[
            Optional(),
            Length(max=5000, message="Summary must be 5,000 characters or fewer"),
        ],
    )
    note_reference = StringField(
        "Briefing note version",
        description="Optional. For example, “Briefing note v3, 12 March”.",
        validators=[Optional(), Length(max=200, message="Must be 200 characters or fewer")],
    )
    acknowledged = BooleanField("They acknowledged the briefing")

    def occurred_at(self):  # type: ignore[no-untyped-def]
        return local_to_utc(self.occurred_date.data, self.occurred_time.data)

    def validate(self, extra_validators=None) -> bool:  # type: ignore[no-untyped-def, override]
        valid = super().validate(extra_validators)
        if valid and self.occurred_at() > utcnow():
            self.add_error("occurred_date", "The briefing must have already happened")
            valid = False
        return valid


class BriefingForm(BriefingDetailsForm):
    person_ids = CheckboxesField(
        "Who was briefed?", coerce=int, validators=[DataRequired("Select who was briefed")]
    )
    decision_ids = CheckboxesField(
        "Which decisions did it cover?",
        coerce=int,
        description="Leave all unticked for a general relationship contact.",
    )
    briefed_by_person_id = SelectField(
        "Who briefed them?", coerce=int, validators=[InputRequired("Select who briefed them")]
    )


class ChooseContextForm(NhsForm):
    class Meta:
        csrf = False  # a GET form that only chooses what the next page shows

    organisation = SelectField(
        "Which organisation was briefed?",
        coerce=int,
        validators=[InputRequired("Select an organisation")],
    )


def _can_log() -> bool:
    return current_user.role in (Role.ADMIN.value, Role.LEADER.value, Role.PA.value)


def _int_args(name: str) -> list[int]:
    return [int(v) for v in request.args.getlist(name) if v.isdigit()]


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> Response | str:
    decision_ids = _int_args("decision")
    organisation_ids = [i for i in _int_args("organisation") if i > 0]
    # A decision the user may not see is a 404 whatever their role, as on the decision's
    # own pages; only then does the role matter.
    chosen_decisions = [visibility.get_visible(current_user, i) for i in decision_ids]
    if any(d is None for d in chosen_decisions):
        abort(404)
    if not _can_log():
        abort(403)
    chosen: list[Decision] = [d for d in chosen_decisions if d is not None]
    if any(not visibility.can_edit(current_user, d) for d in chosen):
        abort(403)
    if not chosen and not organisation_ids:
        return _choose_context()

    people: dict[int, Person] = {}
    preselected: list[int] = []
    wanted_person = _int_args("person")
    for decision in chosen:
        for requirement in decision.requirements:
            people[requirement.person_id] = requirement.person
            if requirement.status == RequirementStatus.PENDING.value and (
                not wanted_person or requirement.person_id in wanted_person
            ):
                preselected.append(requirement.person_id)
    for organisation in db.session.scalars(
        select(Organisation).where(Organisation.id.in_(organisation_ids))
    ):
        for person in organisation.people:
            if not person.is_archived:
                people.setdefault(person.id, person)
    if not people:
        flash("Add affected partners to the decision before logging a briefing.", "info")
        return redirect(
            url_for("decisions.show", decision_id=chosen[0].id) if chosen else url_for(".new")
        )

    form = BriefingForm()
    form.person_ids.choices = [
        SelectChoice(p.id, f"{p.full_name} ({p.organisation.name})")
        for p in sorted(people.values(), key=lambda p: p.name_key)
    ]
    form.decision_ids.choices = [SelectChoice(d.id, d.title) for d in chosen]
    owners = decisions.owner_choices(current_user)
    form.briefed_by_person_id.choices = [SelectChoice(0, "Select who briefed them")] + [
        SelectChoice(p.id, p.full_name) for p in owners
    ]
    if request.method == "GET":
        now_local = utcnow().astimezone(LONDON)
        form.occurred_date.process(None, now_local.date())
        form.occurred_time.data = now_local.time().replace(second=0, microsecond=0)
        form.person_ids.data = preselected
        form.decision_ids.data = [d.id for d in chosen]
        default_owner = (
            chosen[0].owner_person_id if chosen else decisions.default_owner_id(current_user)
        )
        form.briefed_by_person_id.data = default_owner or 0
    if form.validate_on_submit():
        briefer = db.session.get(Person, form.briefed_by_person_id.data)
        if briefer is None:
            form.add_error("briefed_by_person_id", "Select who briefed them")
        else:
            on_behalf = briefer.id if briefer.user_id != current_user.id else None
            try:
                briefing, marked = briefings.log_briefing(
                    current_user,
                    BriefingInput(
                        occurred_at=form.occurred_at(),
                        channel=form.channel.data or "",
                        person_ids=list(form.person_ids.data or []),
                        decision_ids=list(form.decision_ids.data or []),
                        briefed_by_person_id=briefer.id,
                        on_behalf_of_person_id=on_behalf,
                        summary=form.summary.data,
                        note_reference=form.note_reference.data,
                        acknowledged=bool(form.acknowledged.data),
                    ),
                )
            except BriefingError as error:
                db.session.rollback()
                form.add_error(error.field, str(error))
            else:
                db.session.commit()
                message = "The briefing has been logged."
                if marked:
                    message += f" {len(marked)} requirement(s) are now marked as briefed."
                flash(message, "success")
                if chosen:
                    return redirect(
                        url_for("decisions.show", decision_id=chosen[0].id, _anchor="partners")
                    )
                return redirect(url_for(".show", briefing_id=briefing.id))
    return render_template("briefings/new.html", form=form, decisions=chosen)


def _choose_context() -> str:
    form = ChooseContextForm(request.args)
    organisations = db.session.scalars(
        select(Organisation)
        .where(Organisation.is_archived.is_(False))
        .order_by(Organisation.name_key)
    )
    form.organisation.choices = [SelectChoice(0, "Select an organisation")] + [
        SelectChoice(o.id, o.name) for o in organisations
    ]
    if "submitted" in request.args and form.validate():
        form.add_error("organisation", "Select an organisation")
    return render_template(
        "briefings/choose.html",
        form=form,
        decisions=decisions.upcoming_for_circle(current_user),
    )


@bp.route("/<int:briefing_id>")
@login_required
def show(briefing_id: int) -> str:
    briefing = _visible_briefing_or_404(briefing_id)
    return render_template(
        "briefings/show.html",
        briefing=briefing,
        visible_decisions=[d for d in briefing.decisions if visibility.can_see(current_user, d)],
        can_edit=_can_edit(briefing),
    )


def _visible_briefing_or_404(briefing_id: int) -> Briefing:
    briefing = briefings.get_briefing(briefing_id)
    if briefing is None:
        abort(404)
    # A briefing about a confidential decision is as confidential as the decision.
    if any(not visibility.can_see(current_user, d) for d in briefing.decisions):
        abort(404)
    return briefing


def _can_edit(briefing: Briefing) -> bool:
    if current_user.role == Role.ADMIN.value:
        return True
    return _can_log() and briefing.logged_by_user_id == current_user.id


@bp.route("/<int:briefing_id>/edit", methods=["GET", "POST"])
@login_required
def edit(briefing_id: int) -> Response | str:
    briefing = _visible_briefing_or_404(briefing_id)
    if not _can_edit(briefing):
        abort(403)
    form = BriefingDetailsForm(obj=briefing)
    if request.method == "GET":
        local = briefing.occurred_at.astimezone(LONDON)
        form.occurred_date.process(None, local.date())
        form.occurred_time.data = local.time()
    if form.validate_on_submit():
        briefings.update_briefing(
            current_user,
            briefing,
            BriefingInput(
                occurred_at=form.occurred_at(),
                channel=form.channel.data or "",
                person_ids=[p.id for p in briefing.attendees],
                decision_ids=[d.id for d in briefing.decisions],
                briefed_by_person_id=briefing.briefed_by_person_id,
                on_behalf_of_person_id=briefing.on_behalf_of_person_id,
                summary=form.summary.data,
                note_reference=form.note_reference.data,
                acknowledged=bool(form.acknowledged.data),
            ),
        )
        db.session.commit()
        flash("The briefing has been saved.", "success")
        return redirect(url_for(".show", briefing_id=briefing.id))
    return render_template(
        "briefings/edit.html", form=form, briefing=briefing, today=today_london()
    )
