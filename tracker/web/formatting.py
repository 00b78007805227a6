"""Jinja filters: dates and times shown in Europe/London, in words people read easily."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask

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
    if value is None:
        return ""
    return f"{format_date(value, style)} at {format_time(value)}"


def iso_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(LONDON).isoformat(timespec="minutes")
    return value.isoformat()


def audit_value(value: object) -> str:
    """An old or new value from the audit trail, as a person would write it."""
    if value is None or value == "" or value == []:
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(audit_value(item) for item in value)
    if isinstance(value, str):
        try:
            if "T" in value:
                return format_datetime(datetime.fromisoformat(value), "short")
            return format_date(date.fromisoformat(value), "short")
        except ValueError:
            return value
    return str(value)


def percent_text(value: float | None) -> str:
    """A share as whole percent ("83%"), or an en dash when there is nothing to share."""
    return "–" if value is None else f"{value:.0f}%"


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(percent_text=percent_text)
    app.jinja_env.filters.update(
        format_date=format_date,
        format_time=format_time,
        format_datetime=format_datetime,
        iso_date=iso_date,
        audit_value=audit_value,
    )
