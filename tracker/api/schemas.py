"""marshmallow schemas: what the API accepts and returns, and the OpenAPI document's source.

Input fields are strict (a JSON number is not a string, 1 is not true), so the document
says exactly what is accepted. Register values are then cleaned by the same domain rules
as the web forms and CSV imports (tracker.domain.registers).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validates_schema
from marshmallow.validate import Length, OneOf, Range

from tracker.domain import registers as rules
from tracker.domain.brief_by import MAX_LEAD_TIME, MIN_LEAD_TIME
from tracker.domain.outcomes import DecisionState, Outcome
from tracker.domain.statuses import DecisionStatus, RequirementStatus
from tracker.domain.vocabulary import (
    Channel,
    DecisionKind,
    OrganisationType,
    ProfessionalGroup,
    Role,
    Sensitivity,
)

MAX_ID = 2_147_483_647  # PostgreSQL integer: larger ids cannot exist, so they are refused
MIN_YEAR, MAX_YEAR = 2000, 2100
DEFAULT_PER_PAGE, MAX_PER_PAGE = 50, 200
MAX_PAGE = 1_000_000

LEAD_TIME_RANGE = Range(MIN_LEAD_TIME, MAX_LEAD_TIME)


def _values(enum_type: Any) -> list[str]:
    return [member.value for member in enum_type]


# --- strict input fields ---------------------------------------------------------------------


class Text(fields.String):
    """A string PostgreSQL can store: no NUL characters, no unpaired surrogates."""

    default_error_messages = {  # noqa: RUF012  (marshmallow's own convention)
        "nul": "Must not contain NUL characters.",
        "encoding": "Must be valid Unicode text.",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise self.make_error("nul")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise self.make_error("encoding") from None
        return text


class StrictInteger(fields.Integer):
    """A JSON integer: not a string, a fraction or a boolean."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)

    def _validated(self, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise self.make_error("invalid")
        return super()._validated(value)


class StrictBoolean(fields.Boolean):
    """A JSON true or false, nothing else."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class Instant(fields.AwareDateTime):
    """An ISO 8601 date and time with its offset, stored as UTC. Naive values are refused."""

    default_error_messages = {  # noqa: RUF012
        "invalid": "Enter a date and time in ISO 8601 format, "
        "for example 2027-03-01T09:30:00+00:00.",
        "invalid_awareness": "Include the UTC offset, for example 2027-03-01T09:30:00+00:00 "
        "or 2027-06-01T09:30:00+01:00.",
        "range": f"Must be between {MIN_YEAR} and {MAX_YEAR}.",
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="iso", **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        instant = super()._deserialize(value, attr, data, **kwargs)
        if not MIN_YEAR <= instant.year <= MAX_YEAR:
            raise self.make_error("range")
        return instant.astimezone(UTC)


class Day(fields.Date):
    """A calendar date, YYYY-MM-DD."""

    default_error_messages = {  # noqa: RUF012
        "invalid": "Enter a date as YYYY-MM-DD, for example 2027-03-01.",
        "range": f"Must be between {MIN_YEAR} and {MAX_YEAR}.",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        day = super()._deserialize(value, attr, data, **kwargs)
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            raise self.make_error("range")
        return day


def Id(**kwargs: Any) -> StrictInteger:
    return StrictInteger(validate=Range(1, MAX_ID), **kwargs)


def QueryId(**kwargs: Any) -> fields.Integer:
    return fields.Integer(validate=Range(1, MAX_ID), **kwargs)


def Choice(values: list[str], **kwargs: Any) -> Text:
    return Text(validate=OneOf(values), **kwargs)


class StrictSchema(Schema):
    """Unknown fields are refused by name (marshmallow's default, stated here on purpose)."""

    class Meta:
        unknown = "raise"


def clean_with(
    data: dict[str, Any], rules_by_field: dict[str, Callable[[Any], Any]]
) -> dict[str, Any]:
    """Apply domain rules to the fields present; every failure is reported against its field."""
    errors: dict[str, list[str]] = {}
    for name, clean in rules_by_field.items():
        if name not in data:
            continue
        try:
            data[name] = clean(data[name])
        except rules.InvalidValue as error:
            message = str(error)
            errors[name] = [message[:1].upper() + message[1:] + "."]
    if errors:
        raise ValidationError(errors)
    return data


# --- errors and pages ------------------------------------------------------------------------


class ErrorDetailSchema(Schema):
    code = fields.String(required=True, metadata={"example": "validation_failed"})
    message = fields.String(required=True, metadata={"example": "Some fields are not valid."})
    # Named in Python so it does not hide Schema.fields; "fields" on the wire.
    field_errors = fields.Dict(
        data_key="fields",
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={
            "description": "Messages per field, for 422 responses",
            "example": {"event_at": ["Include the UTC offset."]},
        },
    )


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)


class PaginationSchema(Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total_items = fields.Integer(required=True)
    total_pages = fields.Integer(required=True)


class PageQuerySchema(StrictSchema):
    page = fields.Integer(
        load_default=1, validate=Range(1, MAX_PAGE), metadata={"description": "Page number"}
    )
    per_page = fields.Integer(
        load_default=DEFAULT_PER_PAGE,
        validate=Range(1, MAX_PER_PAGE),
        metadata={"description": f"Items per page (at most {MAX_PER_PAGE})"},
    )


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item), required=True),
            "pagination": fields.Nested(PaginationSchema, required=True),
        },
        name=name,
    )


# --- organisations ---------------------------------------------------------------------------


class OrganisationSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    org_type = fields.String(required=True, metadata={"enum": _values(OrganisationType)})
    org_type_label = fields.String(attribute="type_label", required=True)
    ods_code = fields.String(allow_none=True, required=True)
    website = fields.String(allow_none=True, required=True)
    notes = fields.String(allow_none=True, required=True)
    is_archived = fields.Boolean(required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)


ORGANISATION_RULES: dict[str, Callable[[Any], Any]] = {
    "name": rules.clean_name,
    "ods_code": rules.clean_ods_code,
    "website": rules.clean_website,
    "notes": rules.clean_notes,
}


class OrganisationWriteSchema(StrictSchema):
    name = Text(validate=Length(1, rules.NAME_MAX))
    org_type = Choice(_values(OrganisationType))
    ods_code = Text(allow_none=True, validate=Length(max=20))
    website = Text(allow_none=True, validate=Length(max=rules.WEBSITE_MAX))
    notes = Text(allow_none=True, validate=Length(max=rules.NOTES_MAX))

    @post_load
    def clean(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        return clean_with(data, ORGANISATION_RULES)


class OrganisationCreateSchema(OrganisationWriteSchema):
    name = Text(required=True, validate=Length(1, rules.NAME_MAX))
    org_type = Choice(_values(OrganisationType), required=True)


class OrganisationQuerySchema(PageQuerySchema):
    q = Text(validate=Length(max=200), metadata={"description": "Words in the name or ODS code"})
    org_type = Choice(_values(OrganisationType))
    include_archived = fields.Boolean(load_default=False)


# --- people ----------------------------------------------------------------------------------


class PersonSchema(Schema):
    id = fields.Integer(required=True)
    full_name = fields.String(required=True)
    job_title = fields.String(allow_none=True, required=True)
    organisation_id = fields.Integer(required=True)
    organisation_name = fields.String(attribute="organisation.name", required=True)
    email = fields.String(allow_none=True, required=True)
    phone = fields.String(allow_none=True, required=True)
    professional_group = fields.String(required=True, metadata={"enum": _values(ProfessionalGroup)})
    preferred_channel = fields.String(
        allow_none=True, required=True, metadata={"enum": [*_values(Channel), None]}
    )
    influence = fields.Integer(required=True)
    interest = fields.Integer(required=True)
    is_main_contact = fields.Boolean(required=True)
    notes = fields.String(allow_none=True, required=True)
    is_archived = fields.Boolean(required=True)
    user_id = fields.Integer(
        allow_none=True,
        required=True,
        metadata={"description": "The user account this person signs in with, if any"},
    )
    pa_user_ids = fields.Method(
        "_pa_ids",
        required=True,
        metadata={"type": "array", "items": {"type": "integer"}},
    )
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)

    def _pa_ids(self, person: Any) -> list[int]:
        return sorted(user.id for user in person.pas)


def _optional(clean: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else clean(value)


PERSON_RULES: dict[str, Callable[[Any], Any]] = {
    "full_name": lambda v: rules.clean_name(v, "full name"),
    "job_title": lambda v: rules.clean_optional_text(v, rules.JOB_TITLE_MAX, "job title"),
    "email": rules.clean_email,
    "phone": rules.clean_phone,
    "notes": rules.clean_notes,
}


class PersonWriteSchema(StrictSchema):
    full_name = Text(validate=Length(1, rules.NAME_MAX))
    organisation_id = Id()
    job_title = Text(allow_none=True, validate=Length(max=rules.JOB_TITLE_MAX))
    email = Text(allow_none=True, validate=Length(max=rules.EMAIL_MAX))
    phone = Text(allow_none=True, validate=Length(max=rules.PHONE_MAX))
    professional_group = Choice(_values(ProfessionalGroup))
    preferred_channel = Choice(_values(Channel), allow_none=True)
    influence = StrictInteger(validate=Range(1, 5))
    interest = StrictInteger(validate=Range(1, 5))
    is_main_contact = StrictBoolean()
    notes = Text(allow_none=True, validate=Length(max=rules.NOTES_MAX))

    @post_load
    def clean(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        return clean_with(data, PERSON_RULES)


class PersonCreateSchema(PersonWriteSchema):
    full_name = Text(required=True, validate=Length(1, rules.NAME_MAX))
    organisation_id = Id(required=True)


class PersonQuerySchema(PageQuerySchema):
    q = Text(
        validate=Length(max=200),
        metadata={"description": "Words in the name, job title, organisation or email"},
    )
    organisation_id = QueryId()
    professional_group = Choice(_values(ProfessionalGroup))
    include_archived = fields.Boolean(load_default=False)


# --- decisions -------------------------------------------------------------------------------


class RequirementSchema(Schema):
    id = fields.Integer(required=True)
    person_id = fields.Integer(required=True)
    person_name = fields.String(required=True)
    organisation_id = fields.Integer(required=True)
    organisation_name = fields.String(required=True)
    reason = fields.String(allow_none=True, required=True)
    lead_time = fields.Integer(
        required=True, metadata={"description": "Working days before the event (effective)"}
    )
    lead_time_override = fields.Integer(allow_none=True, required=True)
    brief_by = fields.Date(required=True, metadata={"description": "Brief by this day (London)"})
    status = fields.String(required=True, metadata={"enum": _values(RequirementStatus)})
    status_reason = fields.String(allow_none=True, required=True)
    outcome = fields.String(required=True, metadata={"enum": _values(Outcome)})
    first_briefed_at = fields.AwareDateTime(allow_none=True, required=True)
    update_round = fields.Integer(
        required=True, metadata={"description": "0 for the original; later rounds for changes"}
    )
    update_note = fields.String(allow_none=True, required=True)


class DecisionSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    kind = fields.String(required=True, metadata={"enum": _values(DecisionKind)})
    description = fields.String(allow_none=True, required=True)
    owner_person_id = fields.Integer(required=True)
    owner_name = fields.String(required=True)
    event_at = fields.AwareDateTime(required=True)
    location = fields.String(allow_none=True, required=True)
    sensitivity = fields.String(required=True, metadata={"enum": _values(Sensitivity)})
    embargo_lifts_at = fields.AwareDateTime(allow_none=True, required=True)
    status = fields.String(required=True, metadata={"enum": _values(DecisionStatus)})
    lead_time = fields.Integer(required=True)
    team_user_ids = fields.List(fields.Integer(), required=True)
    state = fields.String(
        required=True,
        metadata={
            "enum": _values(DecisionState),
            "description": "The decision's no-surprises state",
        },
    )
    achieved_no_surprises = fields.Boolean(required=True)
    surprises_reported = fields.Integer(required=True)
    partners = fields.List(fields.Nested(RequirementSchema), required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)


class PartnerInputSchema(StrictSchema):
    person_id = Id(required=True)
    reason = Text(allow_none=True, validate=Length(max=1000))
    lead_time_override = StrictInteger(allow_none=True, validate=LEAD_TIME_RANGE)


class PartnersInputSchema(StrictSchema):
    partners = fields.List(
        fields.Nested(PartnerInputSchema), required=True, validate=Length(1, 500)
    )


class DecisionWriteSchema(StrictSchema):
    title = Text(validate=Length(1, 200))
    kind = Choice(_values(DecisionKind))
    description = Text(allow_none=True, validate=Length(max=5000))
    owner_person_id = Id()
    event_at = Instant()
    location = Text(allow_none=True, validate=Length(max=200))
    sensitivity = Choice(_values(Sensitivity))
    embargo_lifts_at = Instant(allow_none=True)
    status = Choice(_values(DecisionStatus))
    lead_time = StrictInteger(validate=LEAD_TIME_RANGE)
    team_user_ids = fields.List(Id(), validate=Length(max=100))

    @validates_schema
    def title_not_blank(self, data: dict[str, Any], **_: Any) -> None:
        if "title" in data and not data["title"].strip():
            raise ValidationError("Enter a title.", "title")


class DecisionCreateSchema(DecisionWriteSchema):
    title = Text(required=True, validate=Length(1, 200))
    kind = Choice(_values(DecisionKind), required=True)
    event_at = Instant(required=True)
    owner_person_id = Id(
        metadata={"description": "Defaults to your own person record, or the leader you assist"}
    )
    lead_time = StrictInteger(
        validate=LEAD_TIME_RANGE,
        metadata={"description": "Defaults to the lead-time policy for the kind"},
    )
    partners = fields.List(
        fields.Nested(PartnerInputSchema),
        validate=Length(max=500),
        metadata={"description": "Affected partners to add straight away"},
    )


class DecisionQuerySchema(PageQuerySchema):
    status = Choice(_values(DecisionStatus))
    kind = Choice(_values(DecisionKind))
    owner_person_id = QueryId()
    event_from = Day(metadata={"description": "Events on or after this day (London)"})
    event_to = Day(metadata={"description": "Events on or before this day (London)"})
    q = Text(validate=Length(max=200), metadata={"description": "Words in the title"})


# --- briefings -------------------------------------------------------------------------------


class BriefingSchema(Schema):
    id = fields.Integer(required=True)
    occurred_at = fields.AwareDateTime(required=True)
    channel = fields.String(required=True, metadata={"enum": _values(Channel)})
    summary = fields.String(allow_none=True, required=True)
    note_reference = fields.String(allow_none=True, required=True)
    acknowledged = fields.Boolean(required=True)
    person_ids = fields.List(fields.Integer(), required=True)
    decision_ids = fields.List(fields.Integer(), required=True)
    briefed_by_person_id = fields.Integer(allow_none=True, required=True)
    on_behalf_of_person_id = fields.Integer(allow_none=True, required=True)
    logged_by_user_id = fields.Integer(allow_none=True, required=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True)


class BriefingCreatedSchema(BriefingSchema):
    requirements_marked = fields.List(
        fields.Integer(),
        required=True,
        metadata={"description": "Ids of the requirements this briefing marked as briefed"},
    )


class BriefingUpdateSchema(StrictSchema):
    occurred_at = Instant()
    channel = Choice(_values(Channel))
    summary = Text(allow_none=True, validate=Length(max=5000))
    note_reference = Text(allow_none=True, validate=Length(max=200))
    acknowledged = StrictBoolean()


class BriefingCreateSchema(BriefingUpdateSchema):
    occurred_at = Instant(required=True)
    channel = Choice(_values(Channel), required=True)
    person_ids = fields.List(Id(), required=True, validate=Length(1, 200))
    decision_ids = fields.List(Id(), load_default=list, validate=Length(max=50))
    briefed_by_person_id = Id(
        metadata={
            "description": "Who did the briefing; defaults to the first decision's owner, or to you"
        }
    )


class BriefingQuerySchema(PageQuerySchema):
    decision_id = QueryId()
    person_id = QueryId(metadata={"description": "Briefings this person attended"})
    occurred_from = Day(metadata={"description": "On or after this day (London)"})
    occurred_to = Day(metadata={"description": "On or before this day (London)"})


# --- me --------------------------------------------------------------------------------------


class PermissionsSchema(Schema):
    create_decisions = fields.Boolean(required=True)
    log_briefings = fields.Boolean(required=True)
    edit_registers = fields.Boolean(required=True)
    curate_registers = fields.Boolean(required=True)
    waive_requirements = fields.Boolean(required=True)


class MeSchema(Schema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    display_name = fields.String(required=True)
    role = fields.String(required=True, metadata={"enum": _values(Role)})
    person_id = fields.Integer(
        allow_none=True, required=True, metadata={"description": "Your own person record"}
    )
    assists_person_ids = fields.List(
        fields.Integer(), required=True, metadata={"description": "Leaders you are PA for"}
    )
    permissions = fields.Nested(PermissionsSchema, required=True)
    token_name = fields.String(required=True)
    token_prefix = fields.String(required=True)
