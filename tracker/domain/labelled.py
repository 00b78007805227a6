"""String enums whose members carry their own words.

`NAME = "value", "Label"` (and optionally a one-sentence description) keeps each member
and what people read about it on one line, instead of an enum and a dictionary of labels
that must be kept in step.
"""

from __future__ import annotations

import enum
from typing import Self, TypeVar


class LabelledEnum(enum.StrEnum):
    label: str
    description: str

    def __new__(cls, value: str, label: str = "", description: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value
        member.description = description
        return member


L = TypeVar("L", bound=LabelledEnum)


def labels(enum_class: type[L]) -> dict[L, str]:
    """{member: label}, in the enum's order (for choices and look-ups)."""
    return {member: member.label for member in enum_class}
