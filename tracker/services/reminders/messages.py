"""What reminders say: subjects, plain text and HTML, and the links they carry.

Pure presentation over loaded rows; the sweep decides what to send. Dates, times and
counts are worded by `tracker.domain.formatting`, as on the pages. Links are built
from BASE_URL (no request is needed) and only ever lead to pages: following one never
changes anything, because mail scanners follow links. Logging a briefing needs the
user signed in and a POST on the page the link opens.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import formataddr
from typing import Any
from urllib.parse import urlsplit

from flask import current_app

from tracker.domain.formatting import format_datetime, plural, short_date
from tracker.domain.localtime import london_date
from tracker.domain.reminder_policy import ReminderKind
from tracker.mail import Email, new_message_id
from tracker.models import Person, Reminder, User
from tracker.services import history, permissions, visibility

#: Header naming the outbox rows an email carries, for support and for the tests.
REMINDER_IDS_HEADER = "X-No-Surprises-Reminders"


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute URL under BASE_URL, built without a request."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


@dataclass(frozen=True)
class ReminderItem:
    """One reminder, in words, for an email or the notifications page."""

    reminder_id: int
    kind: ReminderKind
    headline: str
    person: str
    person_detail: str
    decision_title: str
    decision_id: int
    event_when: str
    brief_by: date
    owner: str
    on_behalf: bool
    update_note: str | None
    reason: str | None
    decision_url: str
    log_url: str | None


@dataclass(frozen=True)
class KeepInTouchItem:
    """One "keep in touch" reminder, in words: a key person due a contact."""

    reminder_id: int
    headline: str
    person: str
    person_detail: str
    cadence_days: int
    last_contact: date | None
    due_on: date
    days_overdue: int
    person_url: str
    log_url: str | None


def _detail(person: Person) -> str:
    parts = [part for part in (person.job_title, person.organisation.name) if part]
    return ", ".join(parts)


def _person_detail(reminder: Reminder) -> str:
    assert reminder.requirement is not None
    return _detail(reminder.requirement.person)


def keep_in_touch_title(person: Person) -> str:
    """'Keep in touch: Cllr Ann Smith (every 30 days)', without the last contact (which
    depends on who is asking)."""
    if person.keep_in_touch_days is None:
        return f"Keep in touch: {person.full_name}"
    return f"Keep in touch: {person.full_name} (every {person.keep_in_touch_days} days)"


def keep_in_touch_headline(person: Person, last_contact: datetime | None) -> str:
    """'Keep in touch: Cllr Ann Smith (every 30 days; last contact Tue 3 Nov)'."""
    if person.keep_in_touch_days is None:
        return keep_in_touch_title(person)
    contact = (
        f"last contact {short_date(london_date(last_contact))}"
        if last_contact
        else "no contact logged yet"
    )
    return f"Keep in touch: {person.full_name} (every {person.keep_in_touch_days} days; {contact})"


def keep_in_touch_log_url(person: Person) -> str:
    """The briefing form for the person's organisation, with the person ticked. A GET:
    opening it records nothing."""
    return external_url("briefings.new", organisation=person.organisation_id, person=person.id)


def keep_in_touch_item(
    reminder: Reminder, recipient: User, contact: history.KeepInTouch
) -> KeepInTouchItem:
    person = contact.person
    assert person.keep_in_touch_days is not None
    return KeepInTouchItem(
        reminder_id=reminder.id,
        headline=keep_in_touch_headline(person, contact.last_contact),
        person=person.full_name,
        person_detail=_detail(person),
        cadence_days=person.keep_in_touch_days,
        last_contact=london_date(contact.last_contact) if contact.last_contact else None,
        due_on=contact.contact.due_on,
        days_overdue=max(contact.contact.days_overdue, 0),
        person_url=external_url("people.show", person_id=person.id),
        log_url=(
            keep_in_touch_log_url(person) if permissions.can_log_briefings(recipient) else None
        ),
    )


def headline(reminder: Reminder) -> str:
    """The subject of an individual reminder: what to do, by when, about what."""
    if reminder.person is not None:
        return keep_in_touch_title(reminder.person)
    requirement = reminder.requirement
    decision = reminder.decision
    assert requirement is not None
    assert decision is not None
    person = requirement.person.full_name
    title = decision.title
    event_day = short_date(london_date(decision.event_at))
    verb = f"Tell {person} about the change" if requirement.is_update else f"Brief {person}"
    kind = ReminderKind(reminder.kind)
    if kind is ReminderKind.ESCALATION:
        return f"Escalation: {person} still not briefed before {event_day}: {title}"
    if kind is ReminderKind.OVERDUE:
        return f"Overdue: {verb[0].lower()}{verb[1:]} before {event_day}: {title}"
    if kind is ReminderKind.DUE:
        return f"{verb} today ({short_date(requirement.brief_by)}): {title}"
    return f"{verb} by {short_date(requirement.brief_by)}: {title}"


def describe(reminder: Reminder) -> str:
    """What a reminder is about, for the admin outbox (its kind, when it lost its subject)."""
    if reminder.requirement or reminder.person:
        return headline(reminder)
    return reminder.kind_label


def item_for(reminder: Reminder, recipient: User) -> ReminderItem:
    requirement = reminder.requirement
    decision = reminder.decision
    assert requirement is not None
    assert decision is not None
    owner = decision.owner
    log_url = None
    if visibility.can_edit(recipient, decision):
        log_url = external_url("briefings.new", decision=decision.id, person=requirement.person_id)
    return ReminderItem(
        reminder_id=reminder.id,
        kind=ReminderKind(reminder.kind),
        headline=headline(reminder),
        person=requirement.person.full_name,
        person_detail=_person_detail(reminder),
        decision_title=decision.title,
        decision_id=decision.id,
        event_when=format_datetime(decision.event_at),
        brief_by=requirement.brief_by,
        owner=owner.full_name,
        on_behalf=owner.user_id != recipient.id,
        update_note=requirement.update_note if requirement.is_update else None,
        reason=requirement.reason,
        decision_url=external_url("decisions.show", decision_id=decision.id),
        log_url=log_url,
    )


def _render(name: str, **context: Any) -> str:
    # Rendered straight from the environment: no request, no page context processors.
    return current_app.jinja_env.get_template(name).render(**context)


def _email(
    recipient: User, subject: str, template: str, reminders: list[Reminder], **context: Any
) -> Email:
    """An email to `recipient` from `template`.txt and `template`.html, carrying `reminders`."""
    context = {
        "recipient": recipient,
        "account_url": external_url("account.profile"),
        "notifications_url": external_url("notifications.index"),
        "service_name": "No Surprises",
        **context,
    }
    return Email(
        to=formataddr((recipient.display_name, recipient.email)),
        subject=subject,
        text=_render(f"{template}.txt", **context),
        html=_render(f"{template}.html", **context),
        message_id=new_message_id(),
        headers={
            REMINDER_IDS_HEADER: ",".join(str(r.id) for r in reminders),
            # RFC 3834: tells auto-responders not to reply to a machine.
            "Auto-Submitted": "auto-generated",
        },
    )


def individual_email(
    reminder: Reminder, recipient: User, contact: history.KeepInTouch | None = None
) -> Email:
    """One reminder in one email; a keep-in-touch reminder needs the `contact` due."""
    if reminder.person_id is not None:
        if contact is None:
            raise ValueError("a keep-in-touch reminder needs the contact it is about")
        kit = keep_in_touch_item(reminder, recipient, contact)
        return _email(recipient, kit.headline, "email/keep_in_touch", [reminder], item=kit)
    item = item_for(reminder, recipient)
    return _email(recipient, item.headline, "email/reminder", [reminder], item=item)


def digest_subject(for_day: date, count: int, keep_in_touch: int = 0) -> str:
    parts = []
    if count or not keep_in_touch:
        parts.append(plural(count, "briefing"))
    if keep_in_touch:
        parts.append(f"{plural(keep_in_touch, 'person', 'people')} to keep in touch with")
    return f"Your No Surprises digest for {short_date(for_day)}: {', '.join(parts)}"


def digest_email(
    reminders: list[Reminder],
    recipient: User,
    for_day: date,
    contacts: Mapping[int, history.KeepInTouch] | None = None,
) -> Email:
    """One email with a user's reminders for a day; `contacts` (by person id) describes
    the keep-in-touch ones, which get their own section after the briefings."""
    contacts = contacts or {}
    keep_in_touch = sorted(
        (
            keep_in_touch_item(reminder, recipient, contacts[reminder.person_id])
            for reminder in reminders
            if reminder.person_id is not None
        ),
        key=lambda item: (-item.days_overdue, item.person),
    )
    items = sorted(
        (item_for(reminder, recipient) for reminder in reminders if reminder.person_id is None),
        key=lambda item: (-item.kind.urgency, item.brief_by, item.decision_title, item.person),
    )
    sections = [
        (kind, [item for item in items if item.kind is kind])
        for kind in sorted(ReminderKind, key=lambda k: -k.urgency)
    ]
    return _email(
        recipient,
        digest_subject(for_day, len(items), len(keep_in_touch)),
        "email/digest",
        reminders,
        items=items,
        keep_in_touch=keep_in_touch,
        sections=[(kind, group) for kind, group in sections if group],
        for_day=for_day,
        day_text=short_date(for_day),
    )
