"""CSV import of organisations and people: check every row, preview, then write all or nothing.

`plan_import` reads the file and the registers (a handful of bulk queries, never one per
row) and classifies every row as create, update or unchanged, collecting every problem.
`apply_plan` writes a plan with bulk INSERT and UPDATE statements. Callers commit, so the
whole file lands in one transaction or not at all.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, insert, select, update

from tracker.domain.csv_rows import CsvFileError, Table, read_table
from tracker.domain.errors import InvalidInput
from tracker.domain.register_csv import (
    ORGANISATION_COLUMNS,
    PEOPLE_COLUMNS,
    ParsedRow,
    Problem,
    parse_organisation_row,
    parse_person_row,
)
from tracker.domain.registers import name_key
from tracker.extensions import db
from tracker.models import ImportBatch, Organisation, OrganisationType, Person, User, utcnow

__all__ = ["CsvFileError", "ImportPlan", "ImportRefused", "apply_plan", "plan_import"]

KINDS = ("organisations", "people")
BATCH_LIFETIME = timedelta(hours=24)
PROGRESS_STEP = 500

Progress = Callable[[int], None]

_ORG_FIELDS = ("name", "org_type", "ods_code", "website", "notes", "is_archived")
_PERSON_FIELDS = (
    "full_name",
    "organisation_id",
    "job_title",
    "email",
    "phone",
    "professional_group",
    "preferred_channel",
    "influence",
    "interest",
    "is_main_contact",
    "notes",
    "is_archived",
)
_HEADERS = {column.key: column.header for column in (*ORGANISATION_COLUMNS, *PEOPLE_COLUMNS)}
_HEADERS["organisation_id"] = "Organisation"


class ImportRefused(InvalidInput):
    """apply_plan was given a plan with problems (and was not told to skip them)."""


@dataclass
class PlannedRow:
    number: int
    label: str
    target_id: int | None = None  # None: a new record
    values: dict[str, Any] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)  # column names, for the preview
    new_organisation_key: str | None = None  # people: an organisation the import creates


@dataclass
class ImportPlan:
    kind: str
    rows_read: int = 0
    creates: list[PlannedRow] = field(default_factory=list)
    updates: list[PlannedRow] = field(default_factory=list)
    unchanged: list[PlannedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    invalid_rows: set[int] = field(default_factory=set)
    # People files: organisations named but not in the register (name_key → name as typed).
    missing_organisations: dict[str, str] = field(default_factory=dict)
    create_missing_organisations: bool = False
    ignored_headers: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def has_changes(self) -> bool:
        return bool(self.creates or self.updates)

    @property
    def organisations_to_create(self) -> list[str]:
        return (
            list(self.missing_organisations.values()) if self.create_missing_organisations else []
        )


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    skipped: list[int]
    organisations_created: int = 0


def _tick(progress: Progress | None, index: int, total: int) -> None:
    if progress is not None and (index % PROGRESS_STEP == 0 or index == total):
        progress(PROGRESS_STEP if index % PROGRESS_STEP == 0 else index % PROGRESS_STEP)


def _problem(plan: ImportPlan, table: Table, row: int, key: str | None, message: str) -> None:
    column = table.header_names.get(key, _HEADERS.get(key, key)) if key else None
    plan.problems.append(Problem(row, column, message))
    plan.invalid_rows.add(row)


def _claim(
    plan: ImportPlan,
    table: Table,
    claimed: dict[int, int],
    row: int,
    target: dict[str, Any],
    key: str,
    label: str,
) -> bool:
    """Two rows of one file must not both change the same record."""
    earlier = claimed.get(target["id"])
    if earlier is not None:
        _problem(plan, table, row, key, f"this is the same {label} as row {earlier}")
        return False
    claimed[target["id"]] = row
    return True


def _compare(
    existing: dict[str, Any], values: dict[str, Any], fields: tuple[str, ...]
) -> list[str]:
    return [_HEADERS[key] for key in fields if key in values and values[key] != existing.get(key)]


def read_file(kind: str, content: bytes) -> Table:
    """Parse the file; raises CsvFileError when it cannot be used at all."""
    if kind == "organisations":
        return read_table(content, ORGANISATION_COLUMNS)
    if kind == "people":
        return read_table(content, PEOPLE_COLUMNS)
    raise ValueError(f"unknown import kind {kind!r}")


def plan_table(
    kind: str,
    table: Table,
    *,
    create_missing_organisations: bool = False,
    progress: Progress | None = None,
) -> ImportPlan:
    """Check every row of a parsed file against the registers."""
    plan = ImportPlan(kind=kind, ignored_headers=table.ignored_headers)
    if kind == "organisations":
        _plan_organisations(plan, table, progress)
    else:
        plan.create_missing_organisations = create_missing_organisations
        _plan_people(plan, table, progress)
    plan.problems.sort(key=lambda problem: problem.row)
    return plan


def plan_import(
    kind: str,
    content: bytes,
    *,
    create_missing_organisations: bool = False,
    progress: Progress | None = None,
) -> ImportPlan:
    """Check a whole file against the registers. Raises CsvFileError for unusable files."""
    return plan_table(
        kind,
        read_file(kind, content),
        create_missing_organisations=create_missing_organisations,
        progress=progress,
    )


# --- organisations -----------------------------------------------------------------


def _existing_organisations() -> list[dict[str, Any]]:
    columns = [
        Organisation.id,
        Organisation.name_key,
        *(getattr(Organisation, f) for f in _ORG_FIELDS),
    ]
    return [dict(row._mapping) for row in db.session.execute(select(*columns))]


def _plan_organisations(plan: ImportPlan, table: Table, progress: Progress | None) -> None:
    existing = _existing_organisations()
    by_key = {org["name_key"]: org for org in existing}
    by_ods = {org["ods_code"]: org for org in existing if org["ods_code"]}
    seen_names: dict[str, int] = {}
    seen_codes: dict[str, int] = {}
    claimed: dict[int, int] = {}
    total = len(table.rows)
    plan.rows_read = total

    for index, row in enumerate(table.rows, start=1):
        _tick(progress, index, total)
        parsed = parse_organisation_row(row, table)
        for problem in parsed.problems:
            plan.problems.append(problem)
            plan.invalid_rows.add(row.number)
        values = parsed.values
        name = values.get("name")
        ods = values.get("ods_code")
        key = name_key(name) if name else None
        if key is not None:
            if key in seen_names:
                _problem(
                    plan, table, row.number, "name", f"'{name}' is also on row {seen_names[key]}"
                )
            else:
                seen_names[key] = row.number
        if ods:
            if ods in seen_codes:
                _problem(
                    plan, table, row.number, "ods_code", f"'{ods}' is also on row {seen_codes[ods]}"
                )
            else:
                seen_codes[ods] = row.number
        if row.number in plan.invalid_rows or key is None:
            continue

        match = by_ods.get(ods) if ods else None
        if match is None:
            match = by_key.get(key)
        if match is not None:
            other = by_key.get(key)
            if other is not None and other["id"] != match["id"]:
                _problem(
                    plan,
                    table,
                    row.number,
                    "name",
                    f"'{name}' is the name of another organisation in the register, "
                    f"but the ODS code {ods} belongs to {match['name']}",
                )
                continue
            if not _claim(plan, table, claimed, row.number, match, "name", "organisation"):
                continue
            values["name_key"] = key
            changes = _compare(match, values, _ORG_FIELDS)
            planned = PlannedRow(row.number, name, match["id"], values, changes)
            (plan.updates if changes else plan.unchanged).append(planned)
        else:
            if "org_type" not in values:
                _problem(
                    plan,
                    table,
                    row.number,
                    "org_type",
                    "enter the type of this new organisation, for example “NHS trust: acute”",
                )
                continue
            values["name_key"] = key
            plan.creates.append(PlannedRow(row.number, name, None, values))


# --- people ------------------------------------------------------------------------


def _existing_people() -> list[dict[str, Any]]:
    columns = [Person.id, Person.name_key, *(getattr(Person, f) for f in _PERSON_FIELDS)]
    return [dict(row._mapping) for row in db.session.execute(select(*columns))]


def _plan_people(plan: ImportPlan, table: Table, progress: Progress | None) -> None:
    organisations = {
        key: (org_id, name)
        for org_id, key, name in db.session.execute(
            select(Organisation.id, Organisation.name_key, Organisation.name)
        )
    }
    existing = _existing_people()
    by_email = {person["email"]: person for person in existing if person["email"]}
    by_name = {(person["organisation_id"], person["name_key"]): person for person in existing}
    seen_emails: dict[str, int] = {}
    seen_names: dict[tuple[str, str], int] = {}
    claimed: dict[int, int] = {}
    total = len(table.rows)
    plan.rows_read = total

    for index, row in enumerate(table.rows, start=1):
        _tick(progress, index, total)
        parsed: ParsedRow = parse_person_row(row, table)
        for problem in parsed.problems:
            plan.problems.append(problem)
            plan.invalid_rows.add(row.number)
        values = parsed.values
        full_name = values.get("full_name")
        organisation_name = values.pop("organisation", None)
        email = values.get("email")

        org_id: int | None = None
        org_key = name_key(organisation_name) if organisation_name else None
        if org_key is not None:
            if org_key in organisations:
                org_id = organisations[org_key][0]
            else:
                plan.missing_organisations.setdefault(org_key, organisation_name or "")
                if not plan.create_missing_organisations:
                    _problem(
                        plan,
                        table,
                        row.number,
                        "organisation",
                        f"'{organisation_name}' is not in the register. Add the organisation "
                        "first, or choose to create missing organisations",
                    )
        if email:
            if email in seen_emails:
                _problem(
                    plan,
                    table,
                    row.number,
                    "email",
                    f"'{email}' is also on row {seen_emails[email]}",
                )
            else:
                seen_emails[email] = row.number
        if full_name and org_key is not None:
            pair = (org_key, name_key(full_name))
            if pair in seen_names:
                _problem(
                    plan,
                    table,
                    row.number,
                    "full_name",
                    f"'{full_name}' at {organisation_name} is also on row {seen_names[pair]}",
                )
            else:
                seen_names[pair] = row.number
        if row.number in plan.invalid_rows or not full_name or org_key is None:
            continue

        values["name_key"] = name_key(full_name)
        label = f"{full_name} ({organisation_name})"
        if org_id is None:
            # A new organisation, so certainly a new person in it.
            plan.creates.append(PlannedRow(row.number, label, None, values, [], org_key))
            continue
        values["organisation_id"] = org_id
        match = by_email.get(email) if email else None
        same_name = by_name.get((org_id, values["name_key"]))
        if match is None:
            match = same_name
        elif same_name is not None and same_name["id"] != match["id"]:
            _problem(
                plan,
                table,
                row.number,
                "full_name",
                f"{organisations[org_key][1]} already has a different person called "
                f"{same_name['full_name']}, but '{email}' belongs to {match['full_name']}",
            )
            continue
        if match is None:
            plan.creates.append(PlannedRow(row.number, label, None, values))
        elif _claim(plan, table, claimed, row.number, match, "full_name", "person"):
            changes = _compare(match, values, _PERSON_FIELDS)
            planned = PlannedRow(row.number, label, match["id"], values, changes)
            (plan.updates if changes else plan.unchanged).append(planned)


# --- writing -----------------------------------------------------------------------

_ORG_DEFAULTS = {"ods_code": None, "website": None, "notes": None, "is_archived": False}
_PERSON_DEFAULTS = {
    "job_title": None,
    "email": None,
    "phone": None,
    "professional_group": "other",
    "preferred_channel": None,
    "influence": 3,
    "interest": 3,
    "is_main_contact": False,
    "notes": None,
    "is_archived": False,
}


def apply_plan(
    plan: ImportPlan, *, skip_invalid: bool = False, progress: Progress | None = None
) -> ImportResult:
    """Write a checked plan. Flushes only; the caller commits (or rolls back) the lot."""
    if plan.problems and not skip_invalid:
        raise ImportRefused(f"{len(plan.problems)} problems in the file; nothing was written")
    now = utcnow()
    organisations_created = 0
    if plan.kind == "organisations":
        creates = [
            {**_ORG_DEFAULTS, **row.values, "created_at": now, "updated_at": now}
            for row in plan.creates
        ]
        updates = [{**row.values, "id": row.target_id, "updated_at": now} for row in plan.updates]
        model: type[Organisation] | type[Person] = Organisation
    else:
        new_org_ids = _create_missing_organisations(plan, now)
        organisations_created = len(new_org_ids)
        creates = []
        for row in plan.creates:
            values = {**_PERSON_DEFAULTS, **row.values, "created_at": now, "updated_at": now}
            if row.new_organisation_key is not None:
                values["organisation_id"] = new_org_ids[row.new_organisation_key]
            creates.append(values)
        updates = [{**row.values, "id": row.target_id, "updated_at": now} for row in plan.updates]
        model = Person

    done = 0
    for chunk in _chunks(creates):
        db.session.execute(insert(model), chunk)
        done += len(chunk)
        if progress is not None:
            progress(len(chunk))
    # Bulk UPDATE by primary key needs the same keys in every row of a batch.
    for chunk in _chunks(sorted(updates, key=lambda values: sorted(values))):
        for group in _same_keys(chunk):
            db.session.execute(update(model), group)
        if progress is not None:
            progress(len(chunk))
    db.session.flush()
    # The bulk statements bypass the identity map; drop anything it holds that is now stale.
    db.session.expire_all()
    return ImportResult(
        created=len(plan.creates),
        updated=len(plan.updates),
        unchanged=len(plan.unchanged),
        skipped=sorted(plan.invalid_rows),
        organisations_created=organisations_created,
    )


def _create_missing_organisations(plan: ImportPlan, now: Any) -> dict[str, int]:
    needed = {row.new_organisation_key for row in plan.creates if row.new_organisation_key}
    if not needed:
        return {}
    if not plan.create_missing_organisations:
        raise ImportRefused("the file names organisations that are not in the register")
    created: dict[str, int] = {}
    for key in needed:
        organisation = Organisation(
            name=plan.missing_organisations[key],
            name_key=key,
            org_type=OrganisationType.OTHER.value,
            is_archived=False,
            created_at=now,
            updated_at=now,
        )
        db.session.add(organisation)
        db.session.flush()
        created[key] = organisation.id
    return created


def _chunks(rows: list[dict[str, Any]], size: int = 1000) -> list[list[dict[str, Any]]]:
    return [rows[start : start + size] for start in range(0, len(rows), size)]


def _same_keys(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for values in rows:
        groups.setdefault(tuple(sorted(values)), []).append(values)
    return list(groups.values())


# --- uploaded files kept between preview and confirmation --------------------------


def store_upload(kind: str, user: User, filename: str, content: bytes) -> ImportBatch:
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    # Old uploads are of no further use; clearing them here needs no scheduler.
    db.session.execute(
        delete(ImportBatch).where(ImportBatch.created_at < utcnow() - BATCH_LIFETIME)
    )
    batch = ImportBatch(
        token=secrets.token_urlsafe(32),
        kind=kind,
        uploaded_by_id=user.id,
        filename=filename[:255],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        created_at=utcnow(),
    )
    db.session.add(batch)
    db.session.flush()
    return batch


def get_upload(kind: str, token: str, user: User) -> ImportBatch | None:
    """The user's own recent upload, or None (someone else's token is as good as none)."""
    batch = db.session.scalar(
        select(ImportBatch).where(
            ImportBatch.token == token,
            ImportBatch.kind == kind,
            ImportBatch.uploaded_by_id == user.id,
            ImportBatch.created_at >= utcnow() - BATCH_LIFETIME,
        )
    )
    if batch is None or hashlib.sha256(batch.content).hexdigest() != batch.sha256:
        return None
    return batch


def discard_upload(batch: ImportBatch) -> None:
    db.session.delete(batch)
    db.session.flush()
