"""Small factories for the insight tests: rows straight into the database.

They flush and never commit; the test commits when it wants the web layer to see them.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

from tracker.extensions import db
from tracker.models import (
    Briefing,
    BriefingRequirement,
    Decision,
    Organisation,
    Person,
    SurpriseReport,
    User,
)

_counter = itertools.count(1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def organisation(name: str | None = None, org_type: str = "trust_acute") -> Organisation:
    name = name or f"Organisation {next(_counter)}"
    org = Organisation(name=name, name_key=name.lower(), org_type=org_type)
    db.session.add(org)
    db.session.flush()
    return org


def person(
    org: Organisation,
    name: str | None = None,
    *,
    user: User | None = None,
    influence: int = 3,
    interest: int = 3,
    keep_in_touch_days: int | None = None,
    pas: list[User] | None = None,
) -> Person:
    name = name or f"Person {next(_counter)}"
    record = Person(
        full_name=name,
        name_key=name.lower(),
        organisation_id=org.id,
        user_id=user.id if user else None,
        influence=influence,
        interest=interest,
        keep_in_touch_days=keep_in_touch_days,
    )
    record.pas = list(pas or [])
    db.session.add(record)
    db.session.flush()
    return record


def decision(
    owner: Person,
    title: str | None = None,
    *,
    event_at: datetime,
    sensitivity: str = "internal",
    status: str = "planned",
    team: list[User] | None = None,
    embargo_lifts_at: datetime | None = None,
    sequence: int = 0,
    location: str | None = None,
) -> Decision:
    record = Decision(
        title=title or f"Decision {next(_counter)}",
        kind="decision",
        owner_person_id=owner.id,
        event_at=event_at,
        sensitivity=sensitivity,
        status=status,
        lead_time=5,
        embargo_lifts_at=embargo_lifts_at,
        sequence=sequence,
        location=location,
    )
    record.team = list(team or [])
    db.session.add(record)
    db.session.flush()
    return record


def requirement(
    of: Decision,
    who: Person,
    *,
    brief_by: date,
    status: str = "pending",
    first_briefed_at: datetime | None = None,
    update_round: int = 0,
) -> BriefingRequirement:
    record = BriefingRequirement(
        decision_id=of.id,
        person_id=who.id,
        brief_by=brief_by,
        status=status,
        first_briefed_at=first_briefed_at,
        update_round=update_round,
    )
    db.session.add(record)
    db.session.flush()
    return record


def briefing(
    attendees: list[Person],
    *,
    occurred_at: datetime,
    channel: str = "meeting",
    decisions: list[Decision] | None = None,
    briefed_by: Person | None = None,
    on_behalf_of: Person | None = None,
    summary: str | None = None,
    logged_by: User | None = None,
) -> Briefing:
    record = Briefing(
        occurred_at=occurred_at,
        channel=channel,
        summary=summary,
        briefed_by_person_id=briefed_by.id if briefed_by else None,
        on_behalf_of_person_id=on_behalf_of.id if on_behalf_of else None,
        logged_by_user_id=logged_by.id if logged_by else None,
    )
    record.attendees = list(attendees)
    record.decisions = list(decisions or [])
    db.session.add(record)
    db.session.flush()
    return record


def surprise(of: Decision, who: Person, *, reported_at: datetime) -> SurpriseReport:
    record = SurpriseReport(
        decision_id=of.id, person_id=who.id, reported_at=reported_at, what_they_said="Surprised"
    )
    db.session.add(record)
    db.session.flush()
    return record


def user(user_id: int) -> User:
    loaded = db.session.get(User, user_id)
    assert loaded is not None
    return loaded
