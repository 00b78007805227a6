"""Forms for decisions, affected partners and requirement changes."""

from __future__ import annotations

from datetime import datetime

from flask import g
from wtforms import (
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.domain.brief_by import LEAD_TIME_RANGE_MESSAGE, MAX_LEAD_TIME, MIN_LEAD_TIME
from tracker.domain.localtime import local_to_utc
from tracker.domain.statuses import DecisionStatus
from tracker.domain.vocabulary import DecisionKind, Sensitivity
from tracker.web.fields import NhsDateField, NhsTimeField
from tracker.web.forms import NhsForm

SENSITIVITY_CHOICES = [
    SelectChoice("public", "Public – anyone may know about it"),
    SelectChoice("internal", "Internal – every No Surprises user may see it"),
    SelectChoice(
        "restricted",
        "Restricted – only the owner, their PAs, the decision team and admins may see it",
    ),
    SelectChoice("embargoed", "Embargoed – restricted until the embargo lifts, then internal"),
]


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


# --- fields several forms share ---------------------------------------------------------


def long_text(label: str, description: str, limit: str = "5,000") -> TextAreaField:
    """An optional free-text answer of up to `limit` characters."""
    maximum = int(limit.replace(",", ""))
    return TextAreaField(
        label,
        description=description,
        validators=[
            Optional(),
            Length(max=maximum, message=f"{label} must be {limit} characters or fewer"),
        ],
    )


def reason_field() -> TextAreaField:
    """Why a partner is affected (the partners page and a requirement's own page)."""
    return TextAreaField(
        "Why are they affected?",
        validators=[
            Optional(),
            Length(max=1000, message="Reason must be 1,000 characters or fewer"),
        ],
        render_kw={"rows": 3},
    )


def lead_time_override_field(label: str) -> IntegerField:
    return IntegerField(
        label,
        description="Leave blank to use the decision’s lead time.",
        validators=[
            Optional(),
            NumberRange(MIN_LEAD_TIME, MAX_LEAD_TIME, LEAD_TIME_RANGE_MESSAGE),
        ],
    )


class DecisionForm(NhsForm):
    title = StringField(
        "Title",
        validators=[
            DataRequired("Enter a title"),
            Length(max=200, message="Title must be 200 characters or fewer"),
        ],
    )
    kind = SelectField(
        "Kind",
        choices=[SelectChoice(k.value, k.label) for k in DecisionKind],
        validators=[DataRequired("Select what kind of decision this is")],
    )
    description = long_text(
        "Description", "What is being decided or announced, and why partners need to know."
    )
    owner_person_id = SelectField(
        "Owner", coerce=int, validators=[InputRequired("Select who owns this decision")]
    )
    event_date = NhsDateField(
        "Date of the event",
        description="For example, 27 3 2027",
        validators=[DataRequired("Enter the date of the event")],
    )
    event_time = NhsTimeField(
        "Time of the event",
        description="UK time, for example 14:30 or 2:30pm",
        validators=[DataRequired("Enter the time of the event")],
        render_kw={"autocomplete": "off"},
    )
    location = StringField(
        "Location or channel",
        description="For example, the board meeting room, a press release or the council website.",
        validators=[
            Optional(),
            Length(max=200, message="Location must be 200 characters or fewer"),
        ],
    )
    sensitivity = RadioField(
        "Sensitivity",
        choices=SENSITIVITY_CHOICES,
        default=Sensitivity.INTERNAL.value,
        validators=[DataRequired("Select how sensitive this is")],
    )
    embargo_date = NhsDateField("Embargo lifts on", description="Only for embargoed decisions")
    embargo_time = NhsTimeField("Embargo lifts at", description="UK time, for example 09:00")
    status = SelectField(
        "Status",
        choices=[SelectChoice(s.value, s.label) for s in DecisionStatus],
        default=DecisionStatus.PLANNED.value,
        validators=[DataRequired("Select a status")],
    )
    lead_time = IntegerField(
        "Lead time in working days",
        validators=[
            Optional(),
            NumberRange(MIN_LEAD_TIME, MAX_LEAD_TIME, LEAD_TIME_RANGE_MESSAGE),
        ],
    )
    team_user_ids = CheckboxesField(
        "Decision team",
        coerce=int,
        description="People who may work on this decision as well as the owner and their PAs.",
    )

    def event_at(self) -> datetime | None:
        if self.event_date.data is None or self.event_time.data is None:
            return None
        return local_to_utc(self.event_date.data, self.event_time.data)

    def embargo_lifts_at(self) -> datetime | None:
        if self.embargo_date.data is None or self.embargo_time.data is None:
            return None
        return local_to_utc(self.embargo_date.data, self.embargo_time.data)

    def validate(self, extra_validators=None) -> bool:  # type: ignore[no-untyped-def, override]
        valid = super().validate(extra_validators)
        if self.sensitivity.data == Sensitivity.EMBARGOED.value:
            if self.embargo_date.data is None and not self.embargo_date.errors:
                self.embargo_date.errors = [
                    *self.embargo_date.errors,
                    "Enter the date the embargo lifts",
                ]
                valid = False
            if self.embargo_time.data is None and not self.embargo_time.errors:
                self.embargo_time.errors = [
                    *self.embargo_time.errors,
                    "Enter the time the embargo lifts",
                ]
                valid = False
            lifts, event = self.embargo_lifts_at(), self.event_at()
            if valid and lifts and event and lifts > event:
                self.embargo_date.errors = [
                    *self.embargo_date.errors,
                    "The embargo must lift on or before the event",
                ]
                valid = False
        if not valid:
            g.form_errors_shown = True
        return valid


class ChooseOrganisationsForm(NhsForm):
    class Meta:
        csrf = False  # a GET form that only chooses what the next page shows

    organisation_ids = CheckboxesField(
        "Which organisations does this affect?",
        coerce=int,
        description=(
            "On the next page we tick each organisation’s main contacts, or everyone in it if "
            "none is marked. You can change who is ticked."
        ),
        validators=[DataRequired("Select at least one organisation")],
    )


class PartnersForm(NhsForm):
    person_ids = CheckboxesField(
        "People to brief", coerce=int, validators=[DataRequired("Select at least one person")]
    )
    reason = reason_field()
    lead_time_override = lead_time_override_field("Lead time for these partners (working days)")


class RequirementForm(NhsForm):
    reason = reason_field()
    lead_time_override = lead_time_override_field("Lead time for this partner (working days)")


class RequirementStatusForm(NhsForm):
    status = RadioField(
        "What should happen to this requirement?",
        choices=[],
        validators=[DataRequired("Select what should happen")],
    )
    reason = TextAreaField(
        "Reason",
        validators=[Length(max=1000, message="Reason must be 1,000 characters or fewer")],
        render_kw={"rows": 3},
    )


class SurpriseForm(NhsForm):
    person_id = SelectField(
        "Who was surprised?", coerce=int, validators=[InputRequired("Select who was surprised")]
    )
    reported_date = NhsDateField(
        "When did they tell you?", validators=[DataRequired("Enter the date they told you")]
    )
    what_they_said = TextAreaField(
        "What did they say?",
        validators=[
            DataRequired("Enter what they said"),
            Length(max=5000, message="Must be 5,000 characters or fewer"),
        ],
    )


class ConfirmForm(NhsForm):
    pass
