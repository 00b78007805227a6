"""People in the registers: search, changes, PA delegation and links to user accounts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, exists, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from tracker.domain.errors import NotFound
from tracker.domain.registers import name_key
from tracker.domain.vocabulary import PROFESSIONAL_GROUP_LABELS, Role
from tracker.extensions import db
from tracker.models import (
    Briefing,
    BriefingRequirement,
    Decision,
    Organisation,
    Person,
    SurpriseReport,
    User,
    briefing_attendee,
    person_pa,
)
from tracker.services import registers
from tracker.services.actor import Who
from tracker.services.paging import PER_PAGE, Page, clamp_page, count, paginate
from tracker.services.registers import DuplicateError as DuplicateError
from tracker.services.registers import HasHistoryError as HasHistoryError
from tracker.services.registers import RegisterError as RegisterError


@dataclass(frozen=True)
class PersonData:
    """Cleaned values (see tracker.domain.registers) for creating or updating."""

    full_name: str
    organisation_id: int
    job_title: str | None = None
    email: str | None = None
    phone: str | None = None
    professional_group: str = "other"
    preferred_channel: str | None = None
    influence: int = 3
    interest: int = 3
    is_main_contact: bool = False
    notes: str | None = None

    @classmethod
    def of(cls, person: Person) -> PersonData:
        """The stored values, to change some of them (an edit form, an API PATCH)."""
        return cls(
            full_name=person.full_name,
            organisation_id=person.organisation_id,
            job_title=person.job_title,
            email=person.email,
            phone=person.phone,
            professional_group=person.professional_group,
            preferred_channel=person.preferred_channel,
            influence=person.influence,
            interest=person.interest,
            is_main_contact=person.is_main_contact,
            notes=person.notes,
        )


# Where a person works: an organisation in the register that is not archived (or, when
# editing, the one they are already in, archived or not), as the pickers offer.
ORGANISATION_CHOICE = "Select an organisation that exists and is not archived."


@dataclass(frozen=True)
class PersonFilters:
    q: str = ""
    organisation_id: int | None = None
    professional_group: str | None = None
    include_archived: bool = False
    sort: str = "name"
    descending: bool = False


SORTS = ("name", "organisation", "job_title", "group", "updated")


def _group_order() -> ColumnElement[int]:
    ordered = sorted(PROFESSIONAL_GROUP_LABELS.items(), key=lambda item: item[1].lower())
    return case(
        {member.value: index for index, (member, _) in enumerate(ordered)},
        value=Person.professional_group,
    )


def _conditions(filters: PersonFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if not filters.include_archived:
        conditions.append(Person.is_archived.is_(False))
    if filters.organisation_id is not None:
        conditions.append(Person.organisation_id == filters.organisation_id)
    if filters.professional_group:
        conditions.append(Person.professional_group == filters.professional_group)
    # Every word must match somewhere, so "smith icb" finds the Smiths at the ICB.
    for term in filters.q.lower().split():
        conditions.append(
            or_(
                Person.name_key.contains(term, autoescape=True),
                func.lower(Person.job_title).contains(term, autoescape=True),
                Organisation.name_key.contains(term, autoescape=True),
                Person.email.contains(term, autoescape=True),
            )
        )
    return conditions


def _ordering(filters: PersonFilters) -> list[Any]:
    key: Any = {
        "name": Person.name_key,
        "organisation": Organisation.name_key,
        "job_title": func.lower(Person.job_title),
        "group": _group_order(),
        "updated": Person.updated_at,
    }.get(filters.sort, Person.name_key)
    primary = key.desc() if filters.descending else key.asc()
    extra = [Person.job_title.is_(None)] if filters.sort == "job_title" else []
    return [*extra, primary, Person.name_key, Person.id]


def _base(filters: PersonFilters) -> Any:
    return select(Person).join(Person.organisation).where(*_conditions(filters))


def search(filters: PersonFilters, page: int = 1, per_page: int = PER_PAGE) -> Page[Person]:
    total = count_matching(filters)
    page = clamp_page(page, total, per_page)
    statement = (
        _base(filters)
        .options(contains_eager(Person.organisation))
        .order_by(*_ordering(filters))
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return Page(
        items=list(db.session.scalars(statement)), total=total, page=page, per_page=per_page
    )


def page_by_id(filters: PersonFilters, page: int, per_page: int) -> Page[Person]:
    """Matching people in id order: stable while records are added (for the API)."""
    statement = (
        _base(filters)
        .options(contains_eager(Person.organisation), selectinload(Person.pas))
        .order_by(Person.id)
    )
    return paginate(statement, page, per_page)


def count_matching(filters: PersonFilters) -> int:
    return count(select(Person.id).join(Person.organisation).where(*_conditions(filters)))


def for_export(filters: PersonFilters) -> list[Person]:
    statement = (
        _base(filters).options(contains_eager(Person.organisation)).order_by(*_ordering(filters))
    )
    return list(db.session.scalars(statement))


def get(person_id: int) -> Person | None:
    return db.session.scalar(
        select(Person)
        .where(Person.id == person_id)
        .options(joinedload(Person.organisation), joinedload(Person.user), selectinload(Person.pas))
    )


def require(person_id: int) -> Person:
    """The person, or `NotFound` (a 404 on the pages and the API)."""
    person = get(person_id)
    if person is None:
        raise NotFound("There is no person with this id.")
    return person


def get_by_email(email: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.email == email.strip().lower()))


def get_by_name_in(organisation_id: int, full_name: str) -> Person | None:
    return db.session.scalar(
        select(Person).where(
            Person.organisation_id == organisation_id, Person.name_key == name_key(full_name)
        )
    )


def _check_unique(data: PersonData, exclude: Person | None = None) -> None:
    if data.email:
        clash = get_by_email(data.email)
        if clash is not None and clash is not exclude:
            raise DuplicateError(
                f"{clash.full_name} already has this email address", "email", clash
            )
    clash = get_by_name_in(data.organisation_id, data.full_name)
    if clash is not None and clash is not exclude:
        archived = "an archived" if clash.is_archived else "a"
        raise DuplicateError(
            f"There is already {archived} person with this name in this organisation",
            "full_name",
            clash,
        )


def _check_organisation(data: PersonData, person: Person | None) -> None:
    organisation = db.session.get(Organisation, data.organisation_id)
    current = person.organisation_id if person is not None else None
    if organisation is None or (organisation.is_archived and organisation.id != current):
        raise RegisterError(ORGANISATION_CHOICE, "organisation_id")


def _apply(person: Person, data: PersonData) -> None:
    person.full_name = data.full_name
    person.name_key = name_key(data.full_name)
    person.organisation_id = data.organisation_id
    person.job_title = data.job_title
    person.email = data.email.lower() if data.email else None
    person.phone = data.phone
    person.professional_group = data.professional_group
    person.preferred_channel = data.preferred_channel
    person.influence = data.influence
    person.interest = data.interest
    person.is_main_contact = data.is_main_contact
    person.notes = data.notes


def create(who: Who, data: PersonData) -> Person:
    """Add a person (admins, leaders and PAs)."""
    return _save(who, None, data)


def update(who: Who, person: Person, data: PersonData) -> Person:
    """Change a person's details (admins, leaders and PAs)."""
    return _save(who, person, data)


def _save(who: Who, person: Person | None, data: PersonData) -> Person:
    registers.require_editor(who, "change people" if person else "add people")
    _check_organisation(data, person)
    _check_unique(data, exclude=person)
    record = person or Person(is_archived=False)
    with registers.saving():
        _apply(record, data)
        db.session.add(record)
    return record


# --- PA delegation and user links ---------------------------------------------------


def pa_users(include: Iterable[User] = ()) -> list[User]:
    """Active users with the PA role, plus any already assisting (so nobody is dropped)."""
    users = {
        user.id: user
        for user in db.session.scalars(
            select(User).where(User.role == Role.PA.value, User.is_active.is_(True))
        )
    }
    for user in include:
        users.setdefault(user.id, user)
    return sorted(users.values(), key=lambda user: user.display_name.lower())


def set_pas(who: Who, person: Person, user_ids: Iterable[int]) -> None:
    """Who assists this person (admins and leaders): active PA users, or ones already there."""
    registers.require_curator(who, "change who assists whom")
    wanted = set(user_ids)
    current = {user.id for user in person.pas}
    allowed = {user.id for user in pa_users()} | current
    if wanted - allowed:
        raise RegisterError("Select PAs from the list", "pa_ids")
    users = list(db.session.scalars(select(User).where(User.id.in_(wanted)))) if wanted else []
    with registers.saving():
        person.pas = sorted(users, key=lambda user: user.display_name.lower())


def linkable_users(person: Person | None = None) -> list[User]:
    """Active users not linked to anyone else in the register (plus this person's own)."""
    linked_elsewhere = select(Person.user_id).where(Person.user_id.is_not(None))
    if person is not None and person.id is not None:
        linked_elsewhere = linked_elsewhere.where(Person.id != person.id)
    statement = select(User).where(User.is_active.is_(True), User.id.not_in(linked_elsewhere))
    users = list(db.session.scalars(statement.order_by(func.lower(User.display_name))))
    if person is not None and person.user is not None and person.user not in users:
        users.insert(0, person.user)
    return users


def set_linked_user(who: Who, person: Person, user_id: int | None) -> None:
    """The account this person signs in with, or none (admins and leaders)."""
    registers.require_curator(who, "change which account a person uses")
    if user_id is None:
        with registers.saving():
            person.user_id = None
        return
    user = db.session.get(User, user_id)
    if user is None:
        raise RegisterError("Select a user account from the list", "user_id")
    clash = db.session.scalar(
        select(Person).where(Person.user_id == user_id, Person.id != person.id)
    )
    if clash is not None:
        raise DuplicateError(
            f"{user.display_name}’s account is already linked to {clash.full_name}",
            "user_id",
            clash,
        )
    with registers.saving():
        person.user_id = user_id


def people_assisted_by(user: User) -> list[Person]:
    """The people (leaders) this user acts for as their PA, active ones only."""
    return list(
        db.session.scalars(
            select(Person)
            .join(person_pa, person_pa.c.person_id == Person.id)
            .where(person_pa.c.user_id == user.id, Person.is_archived.is_(False))
            .options(joinedload(Person.organisation))
            .order_by(Person.name_key)
        )
    )


def is_pa_for(user: User, person: Person) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(person_pa.c.user_id == user.id, person_pa.c.person_id == person.id)
            )
        )
    )


def person_for_user(user: User) -> Person | None:
    return db.session.scalar(select(Person).where(Person.user_id == user.id))


# --- archive, restore, delete --------------------------------------------------------


def has_history(person: Person) -> bool:
    """Whether anything refers to the person, so they may be archived but not deleted."""
    if person.user_id is not None:
        return True
    references = (
        exists().where(person_pa.c.person_id == person.id),
        exists().where(Decision.owner_person_id == person.id),
        exists().where(BriefingRequirement.person_id == person.id),
        exists().where(briefing_attendee.c.person_id == person.id),
        exists().where(Briefing.briefed_by_person_id == person.id),
        exists().where(Briefing.on_behalf_of_person_id == person.id),
        exists().where(SurpriseReport.person_id == person.id),
    )
    return any(db.session.scalar(select(reference)) for reference in references)


def archive(who: Who, person: Person) -> None:
    """Archive (admins and leaders): gone from lists and pickers, their history kept."""
    registers.set_archived(who, person, True, "people")


def restore(who: Who, person: Person) -> None:
    registers.set_archived(who, person, False, "people")


def delete(who: Who, person: Person) -> None:
    """Delete a person without history (admins and leaders)."""
    registers.delete(who, person, "people", has_history, _undeletable)


def _undeletable(person: Person) -> str:
    return (
        f"{person.full_name} has a linked account, PAs or other history, so they cannot be "
        "deleted. Archive them instead."
    )


EXPORT_HEADERS = (
    "Full name",
    "Organisation",
    "Job title",
    "Email",
    "Phone",
    "Professional group",
    "Preferred channel",
    "Influence",
    "Interest",
    "Main contact",
    "Notes",
    "Archived",
)


def export_rows(people: list[Person]) -> list[tuple[object, ...]]:
    """Rows under EXPORT_HEADERS; the importer reads them back without changes."""
    return [
        (
            p.full_name,
            p.organisation.name,
            p.job_title,
            p.email,
            p.phone,
            p.professional_group_label,
            p.preferred_channel_label,
            p.influence,
            p.interest,
            p.is_main_contact,
            p.notes,
            p.is_archived,
        )
        for p in people
    ]
