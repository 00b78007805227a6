"""Europe/London time: the app stores instants in UTC and counts days in London.

A brief-by date, an event's date and the day a reminder is for are *London* calendar
dates. An event at 23:30 UTC on 30 June is on 1 July in London (BST), so converting with
the UTC date would put the brief-by date a day early. Every conversion goes through here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

LONDON_TZ_NAME = "Europe/London"
LONDON = ZoneInfo(LONDON_TZ_NAME)


def require_aware(value: datetime, name: str) -> datetime:
    """Return `value` unchanged, or refuse it if it is naive.

    A naive datetime is ambiguous (UTC? London? the server's zone?), and guessing is how
    a briefing at 00:30 BST ends up on the wrong day. Callers must say which instant
    they mean.
    """
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(f"{name} must be timezone-aware (UTC), got naive {value.isoformat()}")
    return value


def require_date(value: date, name: str) -> date:
    """Return `value` unchanged if it is a plain `date` (a `datetime` is refused).

    `datetime` is a subclass of `date`, so without this check a datetime would slip
    into date arithmetic and silently never match a bank holiday or closure day.
    """
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a date, not {type(value).__name__}")
    return value


def london_date(instant: datetime, name: str = "instant") -> date:
    """The Europe/London calendar date of an aware instant."""
    return require_aware(instant, name).astimezone(LONDON).date()


def local_to_utc(day: date, at: time, tz: ZoneInfo = LONDON) -> datetime:
    """The UTC instant of wall-clock time `at` on `day` in zone `tz`.

    zoneinfo applies the clock change of that particular day, so 08:00 London is 08:00
    UTC in winter and 07:00 UTC in summer. For a wall time that does not exist (inside
    the spring-forward gap) or happens twice (autumn), PEP 495 rules apply with
    `at.fold`; times that matter here (08:00) are never affected in London.
    """
    require_date(day, "day")
    if at.tzinfo is not None:
        raise ValueError("the wall-clock time must be naive; the zone is given separately")
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)
