"""Calendar feeds: a secret subscription address per user, and iCalendar documents.

The token in a subscription address is HMAC-SHA256(app secret key, user id + salt). Only
its SHA-256 hash and the salt are stored, so a copy of the database cannot open anyone's
feed, yet the account page can show the same address whenever the user looks (they will
paste it into Outlook on a phone as well as a laptop). Rotating picks a new salt, so the
old address answers 404 at once. If the secret key itself changes, every address stops
working and the account page says so.

A feed holds the decisions the user may see *and* is involved in (owner in their circle,
which for a PA includes the leaders they assist, or on the decision team), and the
brief-by deadlines still pending on them. There are never ATTENDEE or ORGANIZER lines:
a calendar must never invite a partner.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from icalendar import Alarm, Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import selectinload

from tracker.domain.localtime import LONDON
from tracker.extensions import db
from tracker.models import (
    BriefingRequirement,
    CalendarFeed,
    Decision,
    DecisionStatus,
    Person,
    RequirementStatus,
    Sensitivity,
    User,
    decision_team,
    utcnow,
)
from tracker.services.visibility import circle_person_ids, is_confidential, visible_clause

PRODID = "-//No Surprises//Decisions and brief-by dates//EN"
#: A decision lasts an hour in calendars: the model records when, not how long.
EVENT_LENGTH = timedelta(hours=1)
#: How far back a feed goes. Calendars keep what they already have; a shorter feed
#: stays quick to fetch every few hours.
FEED_HISTORY = timedelta(days=180)
#: Brief-by deadlines are all-day events; the alarm goes off at 09:00 the day before.
BRIEF_BY_ALARM = timedelta(hours=-15)


# --- tokens -----------------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _derive(secret_key: str, user_id: int, salt: str) -> str:
    digest = hmac.new(
        secret_key.encode(), f"calendar-feed:{user_id}:{salt}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def get_feed(user: User) -> CalendarFeed | None:
    return db.session.get(CalendarFeed, user.id)


def token_for(feed: CalendarFeed, secret_key: str) -> str | None:
    """The token of `feed`'s address, or None if it no longer matches (key changed)."""
    token = _derive(secret_key, feed.user_id, feed.salt)
    return token if hmac.compare_digest(_hash(token), feed.token_hash) else None


def create_or_rotate(user: User, secret_key: str) -> str:
    """Give `user` a new address (the old one, if any, stops working). Returns the token."""
    salt = secrets.token_urlsafe(24)
    token = _derive(secret_key, user.id, salt)
    feed = get_feed(user)
    if feed is None:
        feed = CalendarFeed(user_id=user.id, salt=salt, token_hash=_hash(token))
        db.session.add(feed)
    else:
        feed.salt = salt
        feed.token_hash = _hash(token)
        feed.created_at = utcnow()
    db.session.flush()
    return token


def user_for_token(token: str) -> User | None:
    """The active user whose current address has this token; None for anything else."""
    if not token or len(token) > 100:
        return None
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == _hash(token)))
    if feed is None or not feed.user.is_active:
        return None
    return feed.user


# --- what goes in a feed -------------------------------------------------------------------------


def _involved_clause(user: User):  # type: ignore[no-untyped-def]
    people = circle_person_ids(user)
    conditions = [
        exists().where(
            decision_team.c.decision_id == Decision.id, decision_team.c.user_id == user.id
        )
    ]
    if people:
        conditions.append(Decision.owner_person_id.in_(people))
    return or_(*conditions)


def feed_decisions(user: User, now: datetime | None = None) -> list[Decision]:
    """Decisions for `user`'s feed: visible, involved, not drafts, recent or upcoming."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(Decision)
            .where(
                visible_clause(user, now),
                _involved_clause(user),
                Decision.status != DecisionStatus.DRAFT.value,
                Decision.event_at >= now - FEED_HISTORY,
            )
            .options(
                selectinload(Decision.owner).selectinload(Person.organisation),
                selectinload(Decision.requirements)
                .selectinload(BriefingRequirement.person)
                .selectinload(Person.organisation),
            )
            .order_by(Decision.event_at, Decision.id)
        )
    )


def _pending_deadlines(decision: Decision) -> list[BriefingRequirement]:
    """Brief-by deadlines still to meet: originals of live decisions, and every update."""
    live = decision.status in (DecisionStatus.PLANNED.value, DecisionStatus.POSTPONED.value)
    return [
        requirement
        for requirement in decision.requirements
        if requirement.status == RequirementStatus.PENDING.value and (live or requirement.is_update)
    ]


# --- iCalendar --------------------------------------------------------------------------------


def _london_vtimezone() -> Timezone:
    """Europe/London by its rule (last Sundays of March and October), valid for any year."""
    timezone = Timezone()
    timezone.add("tzid", "Europe/London")
    summer = TimezoneDaylight()
    summer.add("tzname", "BST")
    summer.add("dtstart", datetime(1970, 3, 29, 1, 0))
    summer.add("tzoffsetfrom", timedelta(0))
    summer.add("tzoffsetto", timedelta(hours=1))
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    winter = TimezoneStandard()
    winter.add("tzname", "GMT")
    winter.add("dtstart", datetime(1970, 10, 25, 2, 0))
    winter.add("tzoffsetfrom", timedelta(hours=1))
    winter.add("tzoffsetto", timedelta(0))
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    timezone.add_component(summer)
    timezone.add_component(winter)
    return timezone


def uid_host(base_url: str) -> str:
    return urlsplit(base_url).hostname or "no-surprises.invalid"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/London")
    calendar.add_component(_london_vtimezone())
    return calendar


_EVENT_STATUS = {
    DecisionStatus.CANCELLED.value: "CANCELLED",
    DecisionStatus.POSTPONED.value: "TENTATIVE",
}


def decision_event(decision: Decision, *, host: str, url: str, now: datetime) -> Event:
    event = Event()
    event.add("uid", f"decision-{decision.id}@{host}")
    event.add("dtstamp", now)
    event.add("sequence", decision.sequence)
    event.add("last-modified", decision.updated_at)
    event.add("summary", decision.title)
    start = decision.event_at.astimezone(LONDON)
    event.add("dtstart", start)
    event.add("dtend", start + EVENT_LENGTH)
    event.add("status", _EVENT_STATUS.get(decision.status, "CONFIRMED"))
    event.add("transp", "OPAQUE")
    if decision.location:
        event.add("location", decision.location)
    if is_confidential(decision, now):
        event.add("class", "CONFIDENTIAL")
    lines = [
        f"{decision.kind_label}. Owner: {decision.owner.full_name}.",
        f"Status: {decision.status_label}. Sensitivity: {decision.sensitivity_label}.",
        url,
    ]
    event.add("description", "\n".join(lines))
    event.add("url", url)
    return event


def deadline_event(
    requirement: BriefingRequirement, *, host: str, url: str, now: datetime
) -> Event:
    decision = requirement.decision
    partner = requirement.person
    what = "Update" if requirement.is_update else "Brief"
    summary = f"{what} {partner.full_name} ({partner.organisation.name}) about {decision.title}"
    event = Event()
    event.add("uid", f"briefby-{requirement.id}@{host}")
    event.add("dtstamp", now)
    # The brief-by date moves only when the decision does, which bumps its sequence.
    event.add("sequence", decision.sequence)
    event.add("summary", summary)
    event.add("dtstart", requirement.brief_by)
    event.add("dtend", requirement.brief_by + timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    if decision.sensitivity in (Sensitivity.RESTRICTED.value, Sensitivity.EMBARGOED.value):
        event.add("class", "CONFIDENTIAL")
    event.add("description", f"Brief-by date for “{decision.title}”.\n{url}")
    event.add("url", url)
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"Tomorrow: {summary}")
    alarm.add("trigger", BRIEF_BY_ALARM)
    event.add_component(alarm)
    return event


def build_feed(
    user: User,
    decisions: Iterable[Decision],
    *,
    host: str,
    url_for_decision,  # type: ignore[no-untyped-def]
    now: datetime | None = None,
) -> bytes:
    now = now or utcnow()
    calendar = _calendar(f"No Surprises – {user.display_name}")
    for decision in decisions:
        url = url_for_decision(decision.id)
        calendar.add_component(decision_event(decision, host=host, url=url, now=now))
        for requirement in _pending_deadlines(decision):
            calendar.add_component(deadline_event(requirement, host=host, url=url, now=now))
    return calendar.to_ical()


def build_single(decision: Decision, *, host: str, url: str, now: datetime | None = None) -> bytes:
    now = now or utcnow()
    calendar = _calendar(decision.title)
    calendar.add_component(decision_event(decision, host=host, url=url, now=now))
    return calendar.to_ical()
