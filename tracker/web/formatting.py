"""Jinja filters: the domain's wording of dates, times and counts, and the audit trail's.

The date and time wording lives in `tracker.domain.formatting` (the reminder emails use
it too); this module registers those same functions as filters.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask

from tracker.domain.formatting import (
    format_date,
    format_datetime,
    format_time,
    iso_date,
    plural,
    short_date,
)

__all__ = [
    "audit_value",
    "format_date",
    "format_datetime",
    "format_time",
    "init_app",
    "iso_date",
    "percent_text",
    "plural",
    "short_date",
]


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
        short_date=short_date,
        plural=plural,
        audit_value=audit_value,
    )
