"""Value rules for the registers, shared by the web forms, the services and CSV import.

Each `clean_*` function takes what a person typed and returns the stored form, or raises
`InvalidValue` with a message that completes the sentence "<column>: ...".
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from typing import TypeVar

from email_validator import EmailNotValidError, validate_email

from tracker.domain.vocabulary import (
    CHANNEL_LABELS,
    ORGANISATION_TYPE_LABELS,
    PROFESSIONAL_GROUP_LABELS,
    Channel,
    OrganisationType,
    ProfessionalGroup,
)

NAME_MAX = 200
JOB_TITLE_MAX = 200
EMAIL_MAX = 254
PHONE_MAX = 40
WEBSITE_MAX = 500
NOTES_MAX = 5000
ODS_RE = re.compile(r"^[A-Z0-9]{3,10}$")
PHONE_RE = re.compile(r"^[0-9+() .\-]+$")
WEBSITE_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]+$", re.IGNORECASE)

E = TypeVar("E", bound=enum.StrEnum)

TRUE_WORDS = frozenset({"yes", "y", "true", "1", "x"})
FALSE_WORDS = frozenset({"no", "n", "false", "0"})


class InvalidValue(ValueError):
    """A value that cannot be stored; the message is written for the person who typed it."""


def tidy(value: str | None) -> str:
    """Trim and collapse runs of whitespace, as people paste names with stray spaces."""
    return " ".join((value or "").split())


def name_key(name: str) -> str:
    """The case-insensitive key that uniqueness and sorting use."""
    return tidy(name).lower()


def clean_name(value: str | None, what: str = "name") -> str:
    name = tidy(value)
    if not name:
        raise InvalidValue(f"enter the {what}")
    if len(name) > NAME_MAX:
        raise InvalidValue(f"the {what} must be {NAME_MAX} characters or fewer")
    return name


def clean_optional_text(value: str | None, max_length: int, what: str) -> str | None:
    text = tidy(value)
    if not text:
        return None
    if len(text) > max_length:
        raise InvalidValue(f"the {what} must be {max_length} characters or fewer")
    return text


def clean_notes(value: str | None) -> str | None:
    # Notes keep their line breaks; only the ends are trimmed.
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return None
    if len(text) > NOTES_MAX:
        raise InvalidValue(f"notes must be {NOTES_MAX} characters or fewer")
    return text


def clean_ods_code(value: str | None) -> str | None:
    code = "".join((value or "").split()).upper()
    if not code:
        return None
    if not ODS_RE.match(code):
        raise InvalidValue(
            f"'{tidy(value)}' is not an ODS code. ODS codes are 3 to 10 letters and numbers"
        )
    return code


def clean_email(value: str | None) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    if len(text) > EMAIL_MAX:
        raise InvalidValue(f"the email address must be {EMAIL_MAX} characters or fewer")
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidValue(f"'{text}' is not an email address") from None
    return result.normalized.lower()


def clean_phone(value: str | None) -> str | None:
    text = tidy(value)
    if not text:
        return None
    if len(text) > PHONE_MAX or not PHONE_RE.match(text) or not any(c.isdigit() for c in text):
        raise InvalidValue(f"'{text}' is not a phone number")
    return text


def clean_website(value: str | None) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    if "://" not in text:
        # People paste "www.example.org"; links need a scheme.
        text = f"https://{text}"
    if len(text) > WEBSITE_MAX or not WEBSITE_RE.match(text):
        raise InvalidValue(f"'{value}' is not a website address")
    return text


def clean_score(value: str | int | None) -> int:
    """Influence and interest: 1 (lowest) to 5 (highest)."""
    text = str(value if value is not None else "").strip()
    if text.isdigit() and 1 <= int(text) <= 5:
        return int(text)
    raise InvalidValue(f"'{text}' is not a whole number from 1 to 5")


def clean_yes_no(value: str | None) -> bool:
    word = (value or "").strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS or word == "":
        return False
    raise InvalidValue(f"'{value}' is not yes or no")


def _choice(value: str | None, enum_type: type[E], labels: Mapping[E, str], what: str) -> E:
    key = tidy(value).lower()
    for member in enum_type:
        if key in {member.value, labels[member].lower()}:
            return member
    raise InvalidValue(f"'{tidy(value)}' is not {what}")


def clean_org_type(value: str | None) -> OrganisationType:
    return _choice(value, OrganisationType, ORGANISATION_TYPE_LABELS, "an organisation type")


def clean_professional_group(value: str | None) -> ProfessionalGroup:
    return _choice(value, ProfessionalGroup, PROFESSIONAL_GROUP_LABELS, "a professional group")


def clean_channel(value: str | None) -> Channel | None:
    if not tidy(value):
        return None
    return _choice(value, Channel, CHANNEL_LABELS, "a briefing channel")
