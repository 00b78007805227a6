"""WTForms fields for the NHS date input (day, month, year boxes) and a forgiving time box."""

from __future__ import annotations

import re
from datetime import date, time
from typing import Any

from wtforms import Field, StringField
from wtforms.utils import unset_value
from wtforms.validators import StopValidation

DATE_PARTS = ("day", "month", "year")
MIN_YEAR = 2000
MAX_YEAR = 2100


def parse_date_parts(day: str, month: str, year: str, label: str) -> tuple[date | None, str | None]:
    """NHS pattern error messages: say which part is missing, or that the date is not real."""
    parts = {"day": day.strip(), "month": month.strip(), "year": year.strip()}
    if not any(parts.values()):
        return None, None
    missing = [name for name, value in parts.items() if not value]
    if missing:
        return None, f"{label} must include a {' and a '.join(missing)}"
    if not all(value.isdigit() for value in parts.values()):
        return None, f"{label} must be a real date, like 27 3 2027"
    d, m, y = (int(parts[name]) for name in DATE_PARTS)
    if len(parts["year"]) != 4:
        return None, "Year must include 4 numbers, like 2027"
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None, f"{label} must be between {MIN_YEAR} and {MAX_YEAR}"
    try:
        return date(y, m, d), None
    except (ValueError, OverflowError):  # OverflowError: a day or month of 20 digits
        return None, f"{label} must be a real date, like 27 3 2027"


class NhsDateField(Field):
    """A date entered as three boxes, posted as name[day], name[month], name[year]."""

    widget_kind = "date-input"

    def __init__(self, label: str | None = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.parts = dict.fromkeys(DATE_PARTS, "")

    @property
    def error_anchor(self) -> str:
        return f"{self.id}-day"

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        self.process_errors = []
        if data is unset_value:
            data = self.default() if callable(self.default) else self.default
        self.object_data = data
        self.data = data
        self.raw_data = None
        if isinstance(data, date):
            self.parts = {"day": str(data.day), "month": str(data.month), "year": str(data.year)}
        if formdata is not None:
            keys = [f"{self.name}[{part}]" for part in DATE_PARTS]
            if any(key in formdata for key in keys):
                self.parts = {
                    part: str(formdata.get(f"{self.name}[{part}]", ""))[:10] for part in DATE_PARTS
                }
                self.raw_data = [self.parts[part] for part in DATE_PARTS]
                self.data, error = parse_date_parts(
                    self.parts["day"], self.parts["month"], self.parts["year"], str(self.label.text)
                )
                if error:
                    self.process_errors.append(error)

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:
            raise StopValidation()

    def _value(self) -> str:
        return self.data.isoformat() if isinstance(self.data, date) else ""


TIME_RE = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.IGNORECASE)


def parse_time(value: str) -> time | None:
    """'14:30', '9:05', '9.05', '2pm', '2:30pm' → time; anything else → None."""
    match = TIME_RE.match(value.strip())
    if not match:
        return None
    hour, minute, meridiem = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem.lower() == "pm" else 0)
    elif match.group(2) is None:
        return None  # a bare number like "14" is too ambiguous
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


class NhsTimeField(StringField):
    """A time of day typed as text (24-hour or am/pm)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.raw_data = valuelist
        text = str(valuelist[0]).strip()[:20] if valuelist else ""
        if not text:
            self.data = None
            return
        parsed = parse_time(text)
        if parsed is None:
            self.data = None
            raise ValueError(f"Enter {str(self.label.text).lower()} in the format 14:30 or 2:30pm")
        self.data = parsed

    def pre_validate(self, form: Any) -> None:
        # Keep "Enter … in the format 14:30": without this, DataRequired would replace it
        # with "Enter the time", as if nothing had been typed.
        if self.process_errors:
            raise StopValidation()

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return self.data.strftime("%H:%M") if isinstance(self.data, time) else ""
