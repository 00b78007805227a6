"""Engagement history: the briefings a person or organisation took part in, and health.

A briefing about a decision the user may not see is as confidential as the decision
(`visibility.briefing_visible_clause`, the rule the briefing page applies): it is left
out of timelines, counts, "last contact" dates and exports for that user, so neither the
decision's title nor the fact of the meeting leaks.

The pages load their subject here (`person_timeline`, `organisation_timeline`, the
exports, `person_for_cadence`): a person or organisation that does not exist is
`NotFound`, and changing a cadence is `Forbidden` for roles that may not.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, Subquery, case, exists, func, select
from sqlalchemy.orm import selectinload

from tracker.domain.errors import Forbidden, NotFound
from tracker.domain.keep_in_touch import ContactDue, contact_status, validate_cadence
from tracker.domain.localtime import LONDON, local_to_utc, london_date
from tracker.domain.vocabulary import CHANNEL_LABELS, Channel, Role
from tracker.extensions import db
from tracker.models import Briefing, Organisation, Person, briefing_attendee, utcnow
from tracker.services import audit, calendar
from tracker.services.actor import Who, as_actor
from tracker.services.visibility import briefing_visible_clause, circle_person_ids

PER_PAGE = 20
HEALTH_WINDOW_DAYS = 90


@dataclass(frozen=True)
class HistoryFilters:
    date_from: date | None = None
    date_to: date | None = None
    channel: str = ""
    person_id: int | None = None  # one person of the organisation

    def __post_init__(self) -> None:
        if self.channel:
            Channel(self.channel)

    @property
    def active(self) -> bool:
        return bool(self.date_from or self.date_to or self.channel or self.person_id)


@dataclass
class TimelinePage:
    entries: list[Briefing]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


# --- the filters, in SQL ---------------------------------------------------------------------


def _subject_clause(
    person_id: int | None, organisation_id: int | None, only_person_id: int | None
) -> ColumnElement[bool]:
    """Briefings a person (or anyone in an organisation) attended: an IN over the
    attendee index, so the database starts from the subject's few briefings."""
    if person_id is not None:
        return Briefing.id.in_(
            select(briefing_attendee.c.briefing_id).where(
                briefing_attendee.c.person_id == person_id
            )
        )
    if organisation_id is None:
        raise ValueError("a timeline is for a person or an organisation")
    attended = (
        select(briefing_attendee.c.briefing_id)
        .join(Person, Person.id == briefing_attendee.c.person_id)
        .where(Person.organisation_id == organisation_id)
    )
    if only_person_id is not None:
        attended = attended.where(Person.id == only_person_id)
    return Briefing.id.in_(attended)


def _filtered(
    who: Who,
    *,
    person_id: int | None = None,
    organisation_id: int | None = None,
    filters: HistoryFilters = HistoryFilters(),
) -> list[ColumnElement[bool]]:
    clauses = [
        briefing_visible_clause(who),
        _subject_clause(person_id, organisation_id, filters.person_id),
    ]
    if filters.date_from:
        clauses.append(Briefing.occurred_at >= local_to_utc(filters.date_from, time(0, 0)))
    if filters.date_to:
        end = local_to_utc(filters.date_to + timedelta(days=1), time(0, 0))
        clauses.append(Briefing.occurred_at < end)
    if filters.channel:
        clauses.append(Briefing.channel == filters.channel)
    return clauses


def _ordered(clauses: list[ColumnElement[bool]]) -> Select[Briefing]:
    return (
        select(Briefing)
        .where(*clauses)
        .options(
            selectinload(Briefing.attendees).selectinload(Person.organisation),
            selectinload(Briefing.decisions),
            selectinload(Briefing.briefed_by),
            selectinload(Briefing.on_behalf_of),
            selectinload(Briefing.logged_by),
        )
        .order_by(Briefing.occurred_at.desc(), Briefing.id.desc())
    )


def timeline(
    who: Who,
    *,
    person_id: int | None = None,
    organisation_id: int | None = None,
    filters: HistoryFilters = HistoryFilters(),
    page: int = 1,
    per_page: int = PER_PAGE,
) -> TimelinePage:
    """One page of the timeline, newest first. LIMIT/OFFSET in SQL; no cap on pages."""
    clauses = _filtered(who, person_id=person_id, organisation_id=organisation_id, filters=filters)
    total = db.session.scalar(select(func.count()).select_from(Briefing).where(*clauses)) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    entries = list(
        db.session.scalars(_ordered(clauses).limit(per_page).offset((page - 1) * per_page))
    )
    return TimelinePage(entries=entries, total=total, page=page, per_page=per_page)


def all_entries(
    who: Who,
    *,
    person_id: int | None = None,
    organisation_id: int | None = None,
    filters: HistoryFilters = HistoryFilters(),
) -> Iterator[Briefing]:
    """Every matching briefing, newest first, read in batches (for exports)."""
    clauses = _filtered(who, person_id=person_id, organisation_id=organisation_id, filters=filters)
    yield from db.session.scalars(_ordered(clauses).execution_options(yield_per=200))


# --- export ---------------------------------------------------------------------------------

EXPORT_HEADERS = (
    "Date",
    "Time (UK)",
    "Channel",
    "Who was briefed",
    "Organisations",
    "Briefed by",
    "On behalf of",
    "Logged by",
    "Decisions",
    "Summary",
)


def export_rows(entries: Iterator[Briefing]) -> Iterator[list[object]]:
    for briefing in entries:
        local = briefing.occurred_at.astimezone(LONDON)
        yield [
            local.date().isoformat(),
            local.strftime("%H:%M"),
            CHANNEL_LABELS[Channel(briefing.channel)],
            "; ".join(p.full_name for p in briefing.attendees),
            "; ".join(sorted({p.organisation.name for p in briefing.attendees})),
            briefing.briefed_by.full_name if briefing.briefed_by else "",
            briefing.on_behalf_of.full_name if briefing.on_behalf_of else "",
            briefing.logged_by.display_name if briefing.logged_by else "",
            "; ".join(d.title for d in briefing.decisions),
            briefing.summary or "",
        ]


# --- relationship health ----------------------------------------------------------------------


@dataclass(frozen=True)
class Health:
    last_contact: datetime | None
    recent_engagements: int
    window_days: int = HEALTH_WINDOW_DAYS
    cadence_days: int | None = None
    contact: ContactDue | None = None  # only for a person with a cadence

    @property
    def overdue(self) -> bool:
        return self.contact is not None and self.contact.is_due


def _health_query(
    who: Who, subject: ColumnElement[bool], now: datetime
) -> tuple[datetime | None, int]:
    since = now - timedelta(days=HEALTH_WINDOW_DAYS)
    row = db.session.execute(
        select(
            func.max(Briefing.occurred_at),
            func.coalesce(func.sum(case((Briefing.occurred_at >= since, 1), else_=0)), 0),
        ).where(briefing_visible_clause(who, now), subject, Briefing.occurred_at <= now)
    ).one()
    return row[0], int(row[1])


def person_health(who: Who, person: Person, now: datetime | None = None) -> Health:
    now = now or utcnow()
    last, recent = _health_query(who, _subject_clause(person.id, None, None), now)
    contact = None
    if person.keep_in_touch_days:
        contact = contact_status(
            london_date(last) if last else None,
            person.keep_in_touch_days,
            london_date(now),
            calendar.working_calendar(),
            since=cadence_since(person),
        )
    return Health(
        last_contact=last,
        recent_engagements=recent,
        cadence_days=person.keep_in_touch_days,
        contact=contact,
    )


def organisation_health(
    who: Who, organisation: Organisation, now: datetime | None = None
) -> Health:
    now = now or utcnow()
    last, recent = _health_query(who, _subject_clause(None, organisation.id, None), now)
    return Health(last_contact=last, recent_engagements=recent)


# --- keep in touch ------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeepInTouch:
    person: Person
    last_contact: datetime | None
    contact: ContactDue


def keeps_in_touch(who: Who) -> bool:
    """Leaders and PAs see key people past their cadence on "my week"."""
    return as_actor(who).role in (Role.LEADER.value, Role.PA.value)


def cadence_since(person: Person) -> date:
    """The day a never-contacted key person's first contact counts from: when added."""
    return london_date(person.created_at)


def _last_contact_subquery(who: Who, now: datetime) -> Subquery:
    """(person_id, last): the latest engagement with each person the actor may see."""
    return (
        select(briefing_attendee.c.person_id, func.max(Briefing.occurred_at).label("last"))
        .join(Briefing, Briefing.id == briefing_attendee.c.briefing_id)
        .where(
            # Only key people's briefings: a few thousand, not a million.
            briefing_attendee.c.person_id.in_(
                select(Person.id).where(Person.keep_in_touch_days.is_not(None))
            ),
            briefing_visible_clause(who, now),
            Briefing.occurred_at <= now,
        )
        .group_by(briefing_attendee.c.person_id)
        .subquery("last_contact")
    )


def last_contacts(
    who: Who, person_ids: Collection[int], now: datetime | None = None
) -> dict[int, datetime]:
    """The last contact the actor may see with each of these people (absent: none)."""
    if not person_ids:
        return {}
    last_contact = _last_contact_subquery(who, now or utcnow())
    rows = db.session.execute(
        select(last_contact.c.person_id, last_contact.c.last).where(
            last_contact.c.person_id.in_(list(person_ids))
        )
    )
    return {person_id: last for person_id, last in rows}  # noqa: C416 (rows, not pairs)


def keep_in_touch_due(
    who: Who, now: datetime | None = None, *, person_ids: Collection[int] | None = None
) -> list[KeepInTouch]:
    """Key people (with a cadence) whose next contact is due, most overdue first.

    The cadence is the organisation's expectation of the relationship, so "last contact"
    is the last engagement anyone logged with them that this user may see. The user's
    own circle (themselves, the leaders they assist) is left out. `person_ids` narrows
    the answer to those people (the reminder sweep re-checking what it is about to send).
    """
    now = now or utcnow()
    actor = as_actor(who)
    last_contact = _last_contact_subquery(actor, now)
    circle = circle_person_ids(actor)
    query = (
        select(Person, last_contact.c.last)
        .outerjoin(last_contact, last_contact.c.person_id == Person.id)
        .where(Person.keep_in_touch_days.is_not(None), Person.is_archived.is_(False))
        .options(selectinload(Person.organisation))
    )
    if circle:
        query = query.where(Person.id.not_in(circle))
    if person_ids is not None:
        if not person_ids:
            return []
        query = query.where(Person.id.in_(list(person_ids)))
    today = london_date(now)
    working = calendar.working_calendar()
    due = []
    for person, last in db.session.execute(query):
        status = contact_status(
            london_date(last) if last else None,
            person.keep_in_touch_days,
            today,
            working,
            since=cadence_since(person),
        )
        if status.is_due:
            due.append(KeepInTouch(person=person, last_contact=last, contact=status))
    due.sort(key=lambda item: (-item.contact.days_overdue, item.person.name_key))
    return due


def any_cadence() -> bool:
    """Whether any key person (not archived) has a keep-in-touch cadence: one EXISTS."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Person.keep_in_touch_days.is_not(None), Person.is_archived.is_(False)
                )
            )
        )
    )


def can_set_cadence(who: Who) -> bool:
    return as_actor(who).has_role(Role.ADMIN, Role.LEADER, Role.PA)


def _ensure_can_set_cadence(who: Who) -> None:
    if not can_set_cadence(who):
        raise Forbidden("Only admins, leaders and PAs can set how often to keep in touch.")


def person_for_cadence(who: Who, person_id: int) -> Person:
    """The person whose cadence the actor is about to change: `Forbidden` for a role that
    may not (asked first, as the page always has), `NotFound` for no such person."""
    _ensure_can_set_cadence(who)
    return get_person(person_id)


def set_keep_in_touch(who: Who, person: Person, days: int | None) -> bool:
    """Set or clear a person's cadence; audited. Returns whether anything changed.

    `Forbidden` for a role that may not; an out-of-range cadence is `InvalidInput`.
    """
    _ensure_can_set_cadence(who)
    if days is not None:
        validate_cadence(days)
    if person.keep_in_touch_days == days:
        return False
    audit.record(
        actor=as_actor(who).user,
        entity_type="person",
        entity_id=person.id,
        action="updated",
        changes={"keep_in_touch_days": [person.keep_in_touch_days, days]},
        summary=f"Keep-in-touch cadence for {person.full_name} "
        + (f"set to every {days} days" if days else "removed"),
    )
    person.keep_in_touch_days = days
    db.session.flush()
    return True


# --- the pages: their subject loaded here ------------------------------------------------------


def get_person(person_id: int) -> Person:
    """The person (archived ones too: their history stays readable); `NotFound` if none."""
    person = db.session.get(Person, person_id)
    if person is None:
        raise NotFound("There is no person with this id.")
    return person


def get_organisation(organisation_id: int) -> Organisation:
    """The organisation (archived ones too); `NotFound` if none."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("There is no organisation with this id.")
    return organisation


def _narrowed(filters: HistoryFilters, people: Iterable[Person]) -> HistoryFilters:
    """The filters with the one-person filter kept only for one of `people` (the subject
    organisation's): any other id means "anyone"."""
    if filters.person_id is None or filters.person_id in {person.id for person in people}:
        return filters
    return dataclasses.replace(filters, person_id=None)


@dataclass
class PersonHistory:
    person: Person
    filters: HistoryFilters
    page: TimelinePage
    health: Health
    can_set_cadence: bool


@dataclass
class OrganisationHistory:
    organisation: Organisation
    #: Its people, whom the timeline may be narrowed to.
    people: list[Person]
    filters: HistoryFilters
    page: TimelinePage
    health: Health


@dataclass
class HistoryExport:
    #: The file name's stem, before the date.
    stem: str
    entries: Iterator[Briefing]


def person_timeline(
    who: Who, person_id: int, *, filters: HistoryFilters = HistoryFilters(), page: int = 1
) -> PersonHistory:
    """A person's history page: one page of their timeline and their health, as the actor
    may see them. `NotFound` if there is no such person."""
    actor = as_actor(who)
    person = get_person(person_id)
    filters = _narrowed(filters, ())
    return PersonHistory(
        person=person,
        filters=filters,
        page=timeline(actor, person_id=person.id, filters=filters, page=page),
        health=person_health(actor, person),
        can_set_cadence=can_set_cadence(actor),
    )


def organisation_timeline(
    who: Who, organisation_id: int, *, filters: HistoryFilters = HistoryFilters(), page: int = 1
) -> OrganisationHistory:
    """An organisation's history page (everyone in it, or one of its people), as the actor
    may see it. `NotFound` if there is no such organisation."""
    actor = as_actor(who)
    organisation = get_organisation(organisation_id)
    people = list(organisation.people)
    filters = _narrowed(filters, people)
    return OrganisationHistory(
        organisation=organisation,
        people=people,
        filters=filters,
        page=timeline(actor, organisation_id=organisation.id, filters=filters, page=page),
        health=organisation_health(actor, organisation),
    )


def person_export(who: Who, person_id: int, filters: HistoryFilters) -> HistoryExport:
    """Every engagement with a person the actor may see. `NotFound` if there is none."""
    person = get_person(person_id)
    entries = all_entries(who, person_id=person.id, filters=_narrowed(filters, ()))
    return HistoryExport(f"engagement-history-person-{person.id}", entries)


def organisation_export(who: Who, organisation_id: int, filters: HistoryFilters) -> HistoryExport:
    """Every engagement with an organisation the actor may see. `NotFound` if none."""
    organisation = get_organisation(organisation_id)
    filters = _narrowed(filters, organisation.people)
    entries = all_entries(who, organisation_id=organisation.id, filters=filters)
    return HistoryExport(f"engagement-history-organisation-{organisation.id}", entries)
