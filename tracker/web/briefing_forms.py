"""Forms for logging and correcting briefings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from wtforms import BooleanField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from tracker.domain.localtime import local_to_utc
from tracker.domain.vocabulary import Channel
from tracker.web.decision_forms import CheckboxesField, long_text
from tracker.web.fields import NhsDateField, NhsTimeField
from tracker.web.forms import NhsForm

__all__ = ["BriefingDetailsForm", "BriefingForm", "ChooseContextForm"]


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
        choices=[SelectChoice(c.value, c.label) for c in Channel],
        validators=[DataRequired("Select how the briefing happened")],
    )
    summary = long_text("Summary", "What was said, and anything they asked for.")
    note_reference = StringField(
        "Briefing note version",
        description="Optional. For example, “Briefing note v3, 12 March”.",
        validators=[Optional(), Length(max=200, message="Must be 200 characters or fewer")],
    )
    acknowledged = BooleanField("They acknowledged the briefing")

    def occurred_at(self) -> datetime:
        return local_to_utc(self.occurred_date.data, self.occurred_time.data)

    def validate(self, extra_validators=None) -> bool:  # type: ignore[no-untyped-def, override]
        valid = super().validate(extra_validators)
        if valid and self.occurred_at() > datetime.now(UTC):
            self.add_error("occurred_date", "The briefing must have already happened")
            valid = False
        return valid

    def details(self) -> dict[str, Any]:
        """The answers as `services.briefings.BriefingDetails` names them."""
        return {
            "occurred_at": self.occurred_at(),
            "channel": self.channel.data or "",
            "summary": self.summary.data,
            "note_reference": self.note_reference.data,
            "acknowledged": bool(self.acknowledged.data),
        }


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
        "Who briefed them?",
        coerce=int,
        validators=[
            InputRequired("Select who briefed them"),
            # 0 is the "Select who briefed them" placeholder.
            NumberRange(min=1, message="Select who briefed them"),
        ],
    )


class ChooseContextForm(NhsForm):
    class Meta:
        csrf = False  # a GET form that only chooses what the next page shows

    organisation = SelectField(
        "Which organisation was briefed?",
        coerce=int,
        validators=[InputRequired("Select an organisation")],
    )
