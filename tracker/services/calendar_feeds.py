"""Calendar feeds: a secret subscription address per user, and iCalendar documents.

The token in a subscription address is HMAC-SHA256(app secret key, user id + salt). Only
its SHA-256 hash and the salt are stored, so a copy of the database cannot open anyone's
feed, yet the account page can show the same address whenever the user looks (they will
paste it into Outlook on a phone as well as a laptop). Rotating picks a new salt, so the
old address answers 404 at once. If the secret key itself changes, every address stops
working and the account page says so.

A feed holds the decisions the user may see *and* is involved in (the rule's IN_CIRCLE,
`visibility.circle_clause`: owner in their circle, which for a PA includes the leaders
they assist, or on the decision team), and the brief-by deadlines still pending on them.
There are never ATTENDEE or ORGANIZER lines: a calendar must never invite a partner.

Every address belongs to the actor asking (`subscription`, `create_or_rotate`); a feed
is opened by its token alone (`feed_for_token`, `NotFound` for anything else), and one
decision's event only for an actor who may see it (`decision_calendar`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from icalendar import Alarm, Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.domain.errors import Forbidden, NotFound
from tracker.domain.localtime import LONDON
from tracker.domain.statuses import DecisionStatus, RequirementStatus
from tracker.domain.visibility import CONFIDENTIAL_SENSITIVITIES
from tracker.extensions import db
from tracker.models import BriefingRequirement, CalendarFeed, Decision, Person, User, utcnow
from tracker.services.actor import Who, as_actor
from tracker.services.visibility import (
    circle_clause,
    is_confidential,
    require_visible,
    visible_clause,
)

PRODID = "-//No Surprises//Decisions and brief-by dates//EN"
#: A decision lasts an hour in calendars: the model records when, not how long.
EVENT_LENGTH = timedelta(hours=1)
#: How far back a feed goes. Calendars keep what they already have; a shorter feed
#: stays quick to fetch every few hours.
FEED_HISTORY = timedelta(days=180)
#: Brief-by deadlines are all-day events; the alarm goes off at 09:00 the day before.
BRIEF_BY_ALARM = timedelta(hours=-15)

#: The address of a decision's page, given its id (the web builds it).
DecisionUrl = Callable[[int], str]


# --- tokens -----------------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _derive(secret_key: str, user_id: int, salt: str) -> str:
    digest = hmac.new(
        secret_key.encode(), f"calendar-feed:{user_id}:{salt}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _user(who: Who) -> User:
    """The signed-in user whose address this is: jobs and tokens of nobody have none."""
    actor = as_actor(who)
    if not actor.is_signed_in or actor.user is None:
        raise Forbidden("Only a signed-in user has a calendar address.")
    return actor.user


def get_feed(who: Who) -> CalendarFeed | None:
    """The actor's own subscription, if they have made one."""
    return db.session.get(CalendarFeed, _user(who).id)


def token_for(feed: CalendarFeed, secret_key: str) -> str | None:
    """The token of `feed`'s address, or None if it no longer matches (key changed)."""
    token = _derive(secret_key, feed.user_id, feed.salt)
    return token if hmac.compare_digest(_hash(token), feed.token_hash) else None


@dataclass(frozen=True)
class Subscription:
    """The actor's calendar address as the account page shows it."""

    feed: CalendarFeed | None
    #: None without an address, or when the secret key has changed since (`stale`).
    token: str | None

    @property
    def stale(self) -> bool:
        return self.feed is not None and self.token is None


def subscription(who: Who, secret_key: str) -> Subscription:
    feed = get_feed(who)
    return Subscription(feed=feed, token=token_for(feed, secret_key) if feed else None)


def create_or_rotate(who: Who, secret_key: str) -> str:
    """Give the actor a new address (the old one, if any, stops working). Returns the token."""
    user = _user(who)
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


def feed_decisions(who: Who, now: datetime | None = None) -> list[Decision]:
    """Decisions for the actor's feed: visible, of their circle, not drafts, recent or
    upcoming."""
    now = now or utcnow()
    actor = as_actor(who)
    return list(
        db.session.scalars(
            select(Decision)
            .where(
                visible_clause(actor, now),
                circle_clause(actor),
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
    # Every restricted or embargoed decision's deadlines, its embargo lifted or not.
    if decision.sensitivity in CONFIDENTIAL_SENSITIVITIES:
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
    url_for_decision: DecisionUrl,
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


def feed_for_token(
    token: str, *, host: str, url_for_decision: DecisionUrl, now: datetime | None = None
) -> bytes:
    """The subscription feed behind a secret address; `NotFound` for any other token (a
    rotated one, a disabled user's)."""
    user = user_for_token(token)
    if user is None:
        raise NotFound("There is no calendar at this address.")
    now = now or utcnow()
    decisions = feed_decisions(user, now)
    return build_feed(user, decisions, host=host, url_for_decision=url_for_decision, now=now)


def decision_calendar(
    who: Who,
    decision_id: int,
    *,
    host: str,
    url_for_decision: DecisionUrl,
    now: datetime | None = None,
) -> bytes:
    """One decision as an .ics file; `NotFound` if the actor may not see it."""
    decision = require_visible(who, decision_id)
    return build_single(decision, host=host, url=url_for_decision(decision.id), now=now)
