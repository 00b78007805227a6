"""The errors services raise, and what the web pages and the API make of them.

A service decides who may do what and says so with one of these; views and the API only
translate: `NotFound` is a 404 (also for what exists but the actor may not see, so a
restricted decision is indistinguishable from a missing one), `Forbidden` a 403 (the
actor may see it but not do this), `InvalidInput` a form error or a 422 naming the field,
`Conflict` the same for a clash with stored data (a duplicate, a record changed by
someone else).
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """Nothing there, or nothing the actor may see: the caller answers 404."""


class Forbidden(DomainError):
    """The actor may see it but not do this: the caller answers 403."""


class InvalidInput(DomainError, ValueError):
    """A value the rules refuse; `field` names the form field or API field at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Conflict(InvalidInput):
    """The change clashes with what is stored (a unique value already taken)."""
