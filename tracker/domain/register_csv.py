"""The CSV formats of the registers: columns, their variants, and row checks.

Parsing a row gives the values its non-blank cells set. A blank cell never clears what
is stored, so a spreadsheet with gaps cannot wipe details someone entered by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tracker.domain import registers as rules
from tracker.domain.csv_rows import Column, Row, Table

ORGANISATION_COLUMNS = (
    Column(
        "name",
        "Name",
        ("Organisation", "Organization", "Org", "Organisation name", "Organization name"),
        required=True,
    ),
    Column("org_type", "Type", ("Organisation type", "Organization type", "Org type", "Kind")),
    Column("ods_code", "ODS code", ("ODS", "ODS ID", "Org code", "Organisation code")),
    Column("website", "Website", ("Web site", "Web", "URL", "Web address")),
    Column("notes", "Notes", ("Note", "Comments")),
    Column("is_archived", "Archived", ("Is archived",)),
)

PEOPLE_COLUMNS = (
    Column("full_name", "Full name", ("Name", "Person", "Person name", "Contact"), required=True),
    Column(
        "organisation",
        "Organisation",
        ("Organization", "Org", "Organisation name", "Organization name", "Employer"),
        required=True,
    ),
    Column("job_title", "Job title", ("Role", "Position", "Job", "Job role")),
    Column("email", "Email", ("E-mail", "Email address", "E-mail address", "Mail")),
    Column("phone", "Phone", ("Telephone", "Phone number", "Tel", "Mobile", "Telephone number")),
    Column("professional_group", "Professional group", ("Profession", "Group", "Staff group")),
    Column(
        "preferred_channel",
        "Preferred channel",
        ("Channel", "Preferred briefing channel", "Briefing channel"),
    ),
    Column("influence", "Influence", ()),
    Column("interest", "Interest", ()),
    Column("is_main_contact", "Main contact", ("Is main contact", "Main")),
    Column("notes", "Notes", ("Note", "Comments")),
    Column("is_archived", "Archived", ("Is archived",)),
)


@dataclass(frozen=True)
class Problem:
    row: int
    column: str | None  # as the file names it; None for problems with the whole row
    message: str

    def __str__(self) -> str:
        if self.column:
            return f"row {self.row}, column {self.column}: {self.message}"
        return f"row {self.row}: {self.message}"


@dataclass
class ParsedRow:
    number: int
    values: dict[str, Any] = field(default_factory=dict)  # only what non-blank cells set
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


Cleaner = Callable[[str], Any]

_ORGANISATION_CLEANERS: dict[str, Cleaner] = {
    "name": lambda v: rules.clean_name(v, "organisation's name"),
    "org_type": lambda v: rules.clean_org_type(v).value,
    "ods_code": rules.clean_ods_code,
    "website": rules.clean_website,
    "notes": rules.clean_notes,
    "is_archived": rules.clean_yes_no,
}

_PERSON_CLEANERS: dict[str, Cleaner] = {
    "full_name": lambda v: rules.clean_name(v, "person's full name"),
    "organisation": lambda v: rules.clean_name(v, "organisation's name"),
    "job_title": lambda v: rules.clean_optional_text(v, rules.JOB_TITLE_MAX, "job title"),
    "email": rules.clean_email,
    "phone": rules.clean_phone,
    "professional_group": lambda v: rules.clean_professional_group(v).value,
    "preferred_channel": lambda v: c.value if (c := rules.clean_channel(v)) else None,
    "influence": rules.clean_score,
    "interest": rules.clean_score,
    "is_main_contact": rules.clean_yes_no,
    "notes": rules.clean_notes,
    "is_archived": rules.clean_yes_no,
}

# Blank in these is a problem; blank elsewhere means "leave as it is".
_REQUIRED = {"name", "full_name", "organisation"}


def _parse(row: Row, table: Table, cleaners: dict[str, Cleaner]) -> ParsedRow:
    parsed = ParsedRow(number=row.number)
    for key, raw in row.values.items():
        cleaner = cleaners[key]
        if raw == "" and key not in _REQUIRED:
            continue
        try:
            parsed.values[key] = cleaner(raw)
        except rules.InvalidValue as error:
            parsed.problems.append(
                Problem(row.number, table.header_names.get(key, key), str(error))
            )
    return parsed


def parse_organisation_row(row: Row, table: Table) -> ParsedRow:
    return _parse(row, table, _ORGANISATION_CLEANERS)


def parse_person_row(row: Row, table: Table) -> ParsedRow:
    return _parse(row, table, _PERSON_CLEANERS)
