"""The base form every page uses, and helpers shared between areas."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import g
from flask_wtf import FlaskForm
from wtforms import Field, StringField, TextAreaField, ValidationError

from tracker.domain.registers import InvalidValue

EXPIRED_MESSAGE = (
    "This page timed out to keep your information secure. "
    "Check your answers and submit the form again."
)


# C0 and C1 control characters: never typed, only pasted or forged. PostgreSQL cannot store
# NUL at all. Text areas may keep tabs and line breaks.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_CHARACTERS_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_characters(field: Field) -> bool:
    pattern = (
        _CONTROL_CHARACTERS_MULTILINE if isinstance(field, TextAreaField) else _CONTROL_CHARACTERS
    )
    return any(isinstance(raw, str) and pattern.search(raw) for raw in field.raw_data or [])


class NhsForm(FlaskForm):
    """FlaskForm that records failures for the page title and explains expired tokens."""

    def validate_on_submit(self, extra_validators: Any = None) -> bool:
        if not self.is_submitted():
            return False
        if g.get("csrf_error"):
            # Re-rendered by the CSRF error handler: keep the input, do nothing with it.
            self.form_errors.append(EXPIRED_MESSAGE)
            g.form_errors_shown = True
            return False
        return self.validate(extra_validators=extra_validators)

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators=extra_validators)
        for field in self:
            if isinstance(field, StringField) and has_control_characters(field):
                # Checked after the field's own validators, whose message may be clearer.
                if not field.errors:
                    field.errors = [
                        f"{field.label.text} contains characters that are not allowed. "
                        "Type it in again rather than pasting it"
                    ]
                valid = False
        if not valid:
            csrf_field = self._fields.get("csrf_token")
            if csrf_field is not None and csrf_field.errors:
                self.form_errors.append(EXPIRED_MESSAGE)
            g.form_errors_shown = True
        return valid

    def add_error(self, field_name: str | None, message: str) -> None:
        """Add an error found by a service after validation (duplicate email, wrong password)."""
        if field_name is None or field_name not in self._fields:
            self.form_errors.append(message)
        else:
            field = self._fields[field_name]
            field.errors = [*field.errors, message]
        g.form_errors_shown = True


def sentence(message: str) -> str:
    """Domain messages complete a sentence; on a form they start one."""
    return message[:1].upper() + message[1:] if message else message


def domain_rule(clean: Callable[[Any], object]) -> Callable[[Any, Field], None]:
    """A WTForms validator that applies a tracker.domain rule, so forms and imports agree."""

    def validate(_form: Any, field: Field) -> None:
        try:
            clean(field.data)
        except InvalidValue as error:
            raise ValidationError(sentence(str(error))) from None

    return validate
