"""CSV import of organisations and people: check every row, preview, then write all or nothing.

`plan_import` reads the file and the registers (a handful of bulk queries, never one per
row) and classifies every row as create, update or unchanged, collecting every problem.
`apply_plan` writes a plan with bulk INSERT and UPDATE statements, for an actor who may
edit the registers. Callers commit, so the whole file lands in one transaction or not at
all. Uploads wait for confirmation as `ImportBatch` rows that only their uploader sees.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, insert, select, update

from tracker.domain.csv_rows import CsvFileError, Row, Table, read_table
from tracker.domain.errors import InvalidInput, NotFound
from tracker.domain.register_csv import (
    ORGANISATION_COLUMNS,
    PEOPLE_COLUMNS,
    ParsedRow,
    Problem,
    parse_organisation_row,
    parse_person_row,
)
from tracker.domain.registers import name_key
from tracker.domain.vocabulary import OrganisationType
from tracker.extensions import db
from tracker.models import ImportBatch, Organisation, Person, utcnow
from tracker.services import registers, unit_of_work
from tracker.services.actor import Who, as_actor

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


# The register changed between the preview and the confirmation, clashing with the file.
REGISTER_CHANGED = (
    "Someone changed the register while you were importing, so nothing was "
    "imported. Check the preview again"
)


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


class _Planner:
    """One pass over a file: its problems, where each value was first seen, and which
    stored record each row claims."""

    def __init__(self, plan: ImportPlan, table: Table) -> None:
        self.plan = plan
        self.table = table
        self.first_seen: dict[tuple[str, Any], int] = {}
        self.claimed: dict[int, int] = {}  # record id → the row that changes it

    def rows(
        self, parse: Callable[[Row, Table], ParsedRow], progress: Progress | None
    ) -> Iterator[tuple[int, dict[str, Any]]]:
        """Each row's number and parsed values, with the problems parsing found noted."""
        total = len(self.table.rows)
        self.plan.rows_read = total
        for index, row in enumerate(self.table.rows, start=1):
            _tick(progress, index, total)
            parsed = parse(row, self.table)
            for problem in parsed.problems:
                self.plan.problems.append(problem)
                self.plan.invalid_rows.add(row.number)
            yield row.number, parsed.values

    def problem(self, row: int, key: str | None, message: str) -> None:
        column = self.table.header_names.get(key, _HEADERS.get(key, key)) if key else None
        self.plan.problems.append(Problem(row, column, message))
        self.plan.invalid_rows.add(row)

    def is_valid(self, row: int) -> bool:
        return row not in self.plan.invalid_rows

    def once(self, row: int, key: str, value: Any, shown: str) -> None:
        """A value only one row of the file may have (a name, a code, an email)."""
        earlier = self.first_seen.setdefault((key, value), row)
        if earlier != row:
            self.problem(row, key, f"{shown} is also on row {earlier}")

    def claim(self, row: int, target: dict[str, Any], key: str, label: str) -> bool:
        """Two rows of one file must not both change the same record."""
        earlier = self.claimed.get(target["id"])
        if earlier is not None:
            self.problem(row, key, f"this is the same {label} as row {earlier}")
            return False
        self.claimed[target["id"]] = row
        return True

    def create(self, row: PlannedRow) -> None:
        self.plan.creates.append(row)

    def change(
        self,
        row: int,
        label: str,
        target: dict[str, Any],
        values: dict[str, Any],
        fields: tuple[str, ...],
    ) -> None:
        """The row matches `target`: an update if any value differs, else unchanged."""
        changes = _compare(target, values, fields)
        planned = PlannedRow(row, label, target["id"], values, changes)
        (self.plan.updates if changes else self.plan.unchanged).append(planned)


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


@dataclass(frozen=True)
class _Organisations:
    """The organisations register, by name and by ODS code."""

    by_key: dict[str, dict[str, Any]]
    by_ods: dict[str, dict[str, Any]]

    @classmethod
    def load(cls) -> _Organisations:
        existing = _existing_organisations()
        return cls(
            by_key={org["name_key"]: org for org in existing},
            by_ods={org["ods_code"]: org for org in existing if org["ods_code"]},
        )


def _plan_organisations(plan: ImportPlan, table: Table, progress: Progress | None) -> None:
    register = _Organisations.load()
    planner = _Planner(plan, table)
    for row, values in planner.rows(parse_organisation_row, progress):
        name = values.get("name")
        ods = values.get("ods_code")
        if name:
            planner.once(row, "name", name_key(name), f"'{name}'")
        if ods:
            planner.once(row, "ods_code", ods, f"'{ods}'")
        if name and planner.is_valid(row):
            _plan_organisation(planner, register, row, name, values)


def _plan_organisation(
    planner: _Planner, register: _Organisations, row: int, name: str, values: dict[str, Any]
) -> None:
    key = name_key(name)
    ods = values.get("ods_code")
    values["name_key"] = key
    match = register.by_ods.get(ods) if ods else None
    if match is None:
        match = register.by_key.get(key)
    if match is None:
        if "org_type" in values:
            planner.create(PlannedRow(row, name, None, values))
        else:
            planner.problem(
                row,
                "org_type",
                "enter the type of this new organisation, for example “NHS trust: acute”",
            )
        return
    other = register.by_key.get(key)
    if other is not None and other["id"] != match["id"]:
        planner.problem(
            row,
            "name",
            f"'{name}' is the name of another organisation in the register, "
            f"but the ODS code {ods} belongs to {match['name']}",
        )
    elif planner.claim(row, match, "name", "organisation"):
        planner.change(row, name, match, values, _ORG_FIELDS)


# --- people ------------------------------------------------------------------------


def _existing_people() -> list[dict[str, Any]]:
    columns = [Person.id, Person.name_key, *(getattr(Person, f) for f in _PERSON_FIELDS)]
    return [dict(row._mapping) for row in db.session.execute(select(*columns))]


@dataclass(frozen=True)
class _People:
    """The registers a people file is checked against."""

    organisations: dict[str, tuple[int, str]]  # name_key → (id, name)
    by_email: dict[str, dict[str, Any]]
    by_name: dict[tuple[int, str], dict[str, Any]]  # (organisation id, name_key) → person

    @classmethod
    def load(cls) -> _People:
        organisations = {
            key: (org_id, name)
            for org_id, key, name in db.session.execute(
                select(Organisation.id, Organisation.name_key, Organisation.name)
            )
        }
        existing = _existing_people()
        return cls(
            organisations=organisations,
            by_email={person["email"]: person for person in existing if person["email"]},
            by_name={(p["organisation_id"], p["name_key"]): p for p in existing},
        )


def _plan_people(plan: ImportPlan, table: Table, progress: Progress | None) -> None:
    register = _People.load()
    planner = _Planner(plan, table)
    for row, values in planner.rows(parse_person_row, progress):
        _plan_person(planner, register, row, values)


def _plan_person(planner: _Planner, register: _People, row: int, values: dict[str, Any]) -> None:
    full_name = values.get("full_name")
    organisation_name = values.pop("organisation", None)
    org_key = name_key(organisation_name) if organisation_name else None
    org_id = _person_organisation(planner, register, row, organisation_name, org_key)
    email = values.get("email")
    if email:
        planner.once(row, "email", email, f"'{email}'")
    if not full_name or org_key is None:
        return
    shown = f"'{full_name}' at {organisation_name}"
    planner.once(row, "full_name", (org_key, name_key(full_name)), shown)
    if not planner.is_valid(row):
        return
    values["name_key"] = name_key(full_name)
    label = f"{full_name} ({organisation_name})"
    if org_id is None:
        # A new organisation, so certainly a new person in it.
        planner.create(PlannedRow(row, label, None, values, [], org_key))
        return
    values["organisation_id"] = org_id
    _match_person(planner, register, row, label, values, org_key)


def _person_organisation(
    planner: _Planner, register: _People, row: int, name: str | None, key: str | None
) -> int | None:
    """The id of the organisation a row names; None when there is none, or it is new."""
    if key is None:
        return None
    known = register.organisations.get(key)
    if known is not None:
        return known[0]
    planner.plan.missing_organisations.setdefault(key, name or "")
    if not planner.plan.create_missing_organisations:
        planner.problem(
            row,
            "organisation",
            f"'{name}' is not in the register. Add the organisation "
            "first, or choose to create missing organisations",
        )
    return None


def _match_person(
    planner: _Planner,
    register: _People,
    row: int,
    label: str,
    values: dict[str, Any],
    org_key: str,
) -> None:
    """A new person, or the one the email (else the name in the organisation) finds."""
    email = values.get("email")
    match = register.by_email.get(email) if email else None
    same_name = register.by_name.get((values["organisation_id"], values["name_key"]))
    if match is None:
        match = same_name
    elif same_name is not None and same_name["id"] != match["id"]:
        planner.problem(
            row,
            "full_name",
            f"{register.organisations[org_key][1]} already has a different person called "
            f"{same_name['full_name']}, but '{email}' belongs to {match['full_name']}",
        )
        return
    if match is None:
        planner.create(PlannedRow(row, label, None, values))
    elif planner.claim(row, match, "full_name", "person"):
        planner.change(row, label, match, values, _PERSON_FIELDS)


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
    who: Who, plan: ImportPlan, *, skip_invalid: bool = False, progress: Progress | None = None
) -> ImportResult:
    """Write a checked plan (admins, leaders and PAs; `Actor.job()` for the CLI).

    Flushes only; the caller commits (or rolls back) the lot. A record someone else
    saved since the plan was made, clashing with it, is a `Conflict`.
    """
    registers.require_editor(who, f"import {plan.kind}")
    if plan.problems and not skip_invalid:
        raise ImportRefused(f"{len(plan.problems)} problems in the file; nothing was written")
    with unit_of_work.conflict_as(REGISTER_CHANGED):
        return _write(plan, progress)


def _write(plan: ImportPlan, progress: Progress | None) -> ImportResult:
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


def store_upload(who: Who, kind: str, filename: str, content: bytes) -> ImportBatch:
    """Keep an uploaded file for its uploader to preview and confirm (admins, leaders, PAs)."""
    actor = registers.require_editor(who, f"import {kind}")
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    # Old uploads are of no further use; clearing them here needs no scheduler.
    db.session.execute(
        delete(ImportBatch).where(ImportBatch.created_at < utcnow() - BATCH_LIFETIME)
    )
    batch = ImportBatch(
        token=secrets.token_urlsafe(32),
        kind=kind,
        uploaded_by_id=actor.require_user().id,
        filename=filename[:255],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        created_at=utcnow(),
    )
    db.session.add(batch)
    db.session.flush()
    return batch


def get_upload(who: Who, kind: str, token: str) -> ImportBatch:
    """The actor's own recent upload of this kind; anyone else's is `NotFound`, as is a
    token that is wrong, expired or for the other kind."""
    actor = registers.require_editor(who, f"import {kind}")
    batch = db.session.scalar(
        select(ImportBatch).where(
            ImportBatch.token == token,
            ImportBatch.kind == kind,
            ImportBatch.uploaded_by_id == actor.user_id,
            ImportBatch.created_at >= utcnow() - BATCH_LIFETIME,
        )
    )
    if batch is None or hashlib.sha256(batch.content).hexdigest() != batch.sha256:
        raise NotFound("There is no such upload, or it has expired.")
    return batch


def discard_upload(who: Who, batch: ImportBatch) -> None:
    """Forget an upload once it is imported (or has nothing to import): its uploader's."""
    actor = as_actor(who)
    if actor.user_id is None or batch.uploaded_by_id != actor.user_id:
        raise NotFound("There is no such upload, or it has expired.")
    db.session.delete(batch)
    db.session.flush()
