"""Dates, times and counts in words people read easily, shown in Europe/London.

Pure wording, no Flask: the reminder emails use these directly and the web registers the
very same functions as Jinja filters (`tracker.web.formatting`), so a date reads the
same in an email, on a page and in the audit trail.
"""

from __future__ import annotations

from datetime import date, datetime

from tracker.domain.localtime import LONDON


def format_date(value: date | datetime | None, style: str = "long") -> str:
    """'Tuesday 29 December 2026' (long), 'Tue 29 Dec 2026' (short)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(LONDON).date()
    if style == "short":
        return f"{value:%a} {value.day} {value:%b %Y}"
    return f"{value:%A} {value.day} {value:%B %Y}"


def format_time(value: datetime | None) -> str:
    """'2:30pm', '9am', 'midday'."""
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    if local.hour == 12 and local.minute == 0:
        return "midday"
    if local.hour == 0 and local.minute == 0:
        return "midnight"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def format_datetime(value: datetime | None, style: str = "long") -> str:
    """'Tuesday 29 December 2026 at 2:30pm'."""
    if value is None:
        return ""
    return f"{format_date(value, style)} at {format_time(value)}"


def iso_date(value: date | datetime | None) -> str:
    """A date as 2026-12-29, an instant as London time to the minute (for <time>)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(LONDON).isoformat(timespec="minutes")
    return value.isoformat()


def short_date(day: date) -> str:
    """'Tue 29 Dec', the way people write deadlines in a subject line."""
    return f"{day:%a} {day.day} {day:%b}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 briefing', '3 briefings', '2 people' (with `plural_form` for irregular words)."""
    word = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count} {word}"
