"""Organisations: search, create, update, archive, restore and delete."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, case, exists, func, or_, select

from tracker.domain.errors import NotFound
from tracker.domain.registers import name_key
from tracker.domain.vocabulary import ORGANISATION_TYPE_LABELS
from tracker.extensions import db
from tracker.models import Organisation, Person
from tracker.services import registers
from tracker.services.actor import Who
from tracker.services.paging import PER_PAGE, Page, clamp_page, count, paginate
from tracker.services.registers import DuplicateError as DuplicateError
from tracker.services.registers import HasHistoryError as HasHistoryError
from tracker.services.registers import RegisterError as RegisterError


@dataclass(frozen=True)
class OrganisationData:
    """Cleaned values (see tracker.domain.registers) for creating or updating."""

    name: str
    org_type: str
    ods_code: str | None = None
    website: str | None = None
    notes: str | None = None

    @classmethod
    def of(cls, organisation: Organisation) -> OrganisationData:
        """The stored values, to change some of them (an edit form, an API PATCH)."""
        return cls(
            name=organisation.name,
            org_type=organisation.org_type,
            ods_code=organisation.ods_code,
            website=organisation.website,
            notes=organisation.notes,
        )


@dataclass(frozen=True)
class OrganisationFilters:
    q: str = ""
    org_type: str | None = None
    include_archived: bool = False
    sort: str = "name"
    descending: bool = False


@dataclass(frozen=True)
class OrganisationListItem:
    organisation: Organisation
    people_count: int


def _type_order() -> ColumnElement[int]:
    # Sort by the label people read, not the stored code.
    ordered = sorted(ORGANISATION_TYPE_LABELS.items(), key=lambda item: item[1].lower())
    return case(
        {member.value: index for index, (member, _) in enumerate(ordered)},
        value=Organisation.org_type,
    )


def _people_count() -> Any:
    return (
        select(func.count(Person.id))
        .where(Person.organisation_id == Organisation.id, Person.is_archived.is_(False))
        .correlate(Organisation)
        .scalar_subquery()
    )


SORTS = ("name", "type", "ods", "people", "updated")


def _conditions(filters: OrganisationFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if not filters.include_archived:
        conditions.append(Organisation.is_archived.is_(False))
    if filters.org_type:
        conditions.append(Organisation.org_type == filters.org_type)
    for term in filters.q.lower().split():
        conditions.append(
            or_(
                Organisation.name_key.contains(term, autoescape=True),
                func.lower(Organisation.ods_code).contains(term, autoescape=True),
            )
        )
    return conditions


def _ordering(filters: OrganisationFilters, people_count: Any) -> list[Any]:
    key: Any = {
        "name": Organisation.name_key,
        "type": _type_order(),
        "ods": Organisation.ods_code,
        "people": people_count,
        "updated": Organisation.updated_at,
    }.get(filters.sort, Organisation.name_key)
    primary = key.desc() if filters.descending else key.asc()
    if filters.sort == "ods":
        # Organisations without a code go last whichever way the list is sorted.
        return [Organisation.ods_code.is_(None), primary, Organisation.name_key, Organisation.id]
    return [primary, Organisation.name_key, Organisation.id]


def _filtered(filters: OrganisationFilters) -> Select[Any]:
    return select(Organisation.id).where(*_conditions(filters))


def search(
    filters: OrganisationFilters, page: int = 1, per_page: int = PER_PAGE
) -> Page[OrganisationListItem]:
    total = count(_filtered(filters))
    page = clamp_page(page, total, per_page)
    people_count = _people_count().label("people_count")
    statement = (
        select(Organisation, people_count)
        .where(*_conditions(filters))
        .order_by(*_ordering(filters, people_count))
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    items = [
        OrganisationListItem(organisation, people)
        for organisation, people in db.session.execute(statement)
    ]
    return Page(items=items, total=total, page=page, per_page=per_page)


def page_by_id(filters: OrganisationFilters, page: int, per_page: int) -> Page[Organisation]:
    """Matching organisations in id order: stable while records are added (for the API)."""
    statement = select(Organisation).where(*_conditions(filters)).order_by(Organisation.id)
    return paginate(statement, page, per_page)


def for_export(filters: OrganisationFilters) -> list[Organisation]:
    statement = (
        select(Organisation)
        .where(*_conditions(filters))
        .order_by(*_ordering(filters, _people_count()))
    )
    return list(db.session.scalars(statement))


def get(organisation_id: int) -> Organisation | None:
    return db.session.get(Organisation, organisation_id)


def require(organisation_id: int) -> Organisation:
    """The organisation, or `NotFound` (a 404 on the pages and the API)."""
    organisation = get(organisation_id)
    if organisation is None:
        raise NotFound("There is no organisation with this id.")
    return organisation


def get_by_name(name: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.name_key == name_key(name)))


def get_by_ods_code(code: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.ods_code == code.upper()))


def picker(include: int | None = None) -> list[Organisation]:
    """Organisations to choose from: the active ones, plus `include` if it is archived."""
    condition: ColumnElement[bool] = Organisation.is_archived.is_(False)
    if include is not None:
        condition = or_(condition, Organisation.id == include)
    return list(
        db.session.scalars(select(Organisation).where(condition).order_by(Organisation.name_key))
    )


def people_of(organisation: Organisation, include_archived: bool = False) -> list[Person]:
    statement = select(Person).where(Person.organisation_id == organisation.id)
    if not include_archived:
        statement = statement.where(Person.is_archived.is_(False))
    return list(db.session.scalars(statement.order_by(Person.is_archived, Person.name_key)))


def _check_unique(data: OrganisationData, exclude: Organisation | None = None) -> None:
    clash = get_by_name(data.name)
    if clash is not None and clash is not exclude:
        article = "An archived" if clash.is_archived else "An"
        raise DuplicateError(f"{article} organisation with this name already exists", "name", clash)
    if data.ods_code:
        clash = get_by_ods_code(data.ods_code)
        if clash is not None and clash is not exclude:
            raise DuplicateError(
                f"{clash.name} already has the ODS code {data.ods_code}", "ods_code", clash
            )


def _apply(organisation: Organisation, data: OrganisationData) -> None:
    organisation.name = data.name
    organisation.name_key = name_key(data.name)
    organisation.org_type = data.org_type
    organisation.ods_code = data.ods_code
    organisation.website = data.website
    organisation.notes = data.notes


def create(who: Who, data: OrganisationData) -> Organisation:
    """Add an organisation (admins, leaders and PAs)."""
    return _save(who, None, data)


def update(who: Who, organisation: Organisation, data: OrganisationData) -> Organisation:
    """Change an organisation (admins, leaders and PAs)."""
    return _save(who, organisation, data)


def _save(who: Who, organisation: Organisation | None, data: OrganisationData) -> Organisation:
    registers.require_editor(who, "change organisations" if organisation else "add organisations")
    _check_unique(data, exclude=organisation)
    record = organisation or Organisation(is_archived=False)
    with registers.saving():
        _apply(record, data)
        db.session.add(record)
    return record


def has_history(organisation: Organisation) -> bool:
    """Whether anything refers to the organisation, so it may be archived but not deleted.

    Later features (decisions, briefings) add their references here.
    """
    return bool(
        db.session.scalar(select(exists().where(Person.organisation_id == organisation.id)))
    )


def archive(who: Who, organisation: Organisation) -> None:
    """Archive (admins and leaders): gone from lists and pickers, its history kept."""
    registers.set_archived(who, organisation, True, "organisations")


def restore(who: Who, organisation: Organisation) -> None:
    registers.set_archived(who, organisation, False, "organisations")


def delete(who: Who, organisation: Organisation) -> None:
    """Delete an organisation without history (admins and leaders)."""
    registers.delete(who, organisation, "organisations", has_history, _undeletable)


def _undeletable(organisation: Organisation) -> str:
    return (
        f"{organisation.name} has people or other history, so it cannot be deleted. "
        "Archive it instead."
    )


EXPORT_HEADERS = ("Name", "Type", "ODS code", "Website", "Notes", "Archived")


def export_rows(organisations: list[Organisation]) -> list[tuple[object, ...]]:
    """Rows under EXPORT_HEADERS; the importer reads them back without changes."""
    return [
        (o.name, o.type_label, o.ods_code, o.website, o.notes, o.is_archived) for o in organisations
    ]
