"""What the organisations and people registers share: their errors, and who may change them.

The registers are shared contacts. Who may do what is decided here, once, from the roles
in `tracker.services.permissions`: admins, leaders and PAs add, edit and import records
(`REGISTER_EDITORS`); only admins and leaders archive, restore and delete them, and change
who assists whom or which account a person uses (`REGISTER_CURATORS`). Every change in
`services.organisations`, `services.people` and `services.csv_import` takes the actor and
refuses with `Forbidden`, whoever calls it.

System work that acts for nobody (the demo data, `flask import`, test set-up) passes
`Actor.job()`. A web page or an API call never holds one: theirs comes from the session or
the token (`tracker.web.actor`, `tracker.api.auth`), and an actor with no user that is not
a job (`as_actor(None)`, a signed-out visitor) is refused like a viewer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

from tracker.domain.errors import Conflict, Forbidden, InvalidInput
from tracker.domain.vocabulary import Role
from tracker.extensions import db
from tracker.services import unit_of_work
from tracker.services.actor import Actor, Via, Who, as_actor
from tracker.services.permissions import REGISTER_CURATORS, REGISTER_EDITORS

if TYPE_CHECKING:
    from tracker.models import Organisation, Person

R = TypeVar("R", "Organisation", "Person")

# Two people saving the same name or email at the same moment: the database refuses one.
CONCURRENT_CHANGE = (
    "Someone else saved a record with the same details a moment ago, so this was not saved. "
    "Check the list, then try again"
)


class RegisterError(InvalidInput):
    """A change the register rules refuse; `field` names the form field at fault."""


class DuplicateError(RegisterError, Conflict):
    """The record would clash with `existing`; the message is shown with a link to it."""

    def __init__(self, message: str, field: str, existing: Organisation | Person) -> None:
        super().__init__(message, field)
        self.existing = existing


class HasHistoryError(RegisterError):
    pass


# --- who may ------------------------------------------------------------------------------


def _allowed(who: Who | None, roles: tuple[Role, ...]) -> bool:
    actor = as_actor(who)
    if actor.via is Via.JOB and actor.user is None:
        return True  # system work: the demo data, the CLI
    return actor.has_role(*roles)


def may_edit(who: Who | None) -> bool:
    """Add and edit organisations and people, and import them."""
    return _allowed(who, REGISTER_EDITORS)


def may_curate(who: Who | None) -> bool:
    """Archive, restore and delete records; change PAs and account links."""
    return _allowed(who, REGISTER_CURATORS)


def require_editor(who: Who | None, what: str = "change the registers") -> Actor:
    """The actor, if they may add and edit records; otherwise `Forbidden`."""
    if not may_edit(who):
        raise Forbidden(f"Your role cannot {what}.")
    return as_actor(who)


def require_curator(who: Who | None, what: str = "change the registers") -> Actor:
    """The actor, if they may archive, restore and delete records; otherwise `Forbidden`."""
    if not may_curate(who):
        raise Forbidden(f"Your role cannot {what}.")
    return as_actor(who)


# --- changes both registers make -------------------------------------------------------------


@contextmanager
def saving() -> Iterator[None]:
    """Flush a checked change; a clash the checks could not see becomes a `Conflict`."""
    with unit_of_work.conflict_as(CONCURRENT_CHANGE):
        yield


def set_archived(who: Who, record: Organisation | Person, archived: bool, plural: str) -> None:
    """Archive or restore a record (curators only); its history is kept either way."""
    require_curator(who, f"archive or restore {plural}")
    record.is_archived = archived
    db.session.flush()


def delete(
    who: Who,
    record: R,
    plural: str,
    has_history: Callable[[R], bool],
    refusal: Callable[[R], str],
) -> None:
    """Delete a record nothing refers to (curators only); `refusal` says why not otherwise."""
    require_curator(who, f"delete {plural}")
    if has_history(record):
        raise HasHistoryError(refusal(record))
    db.session.delete(record)
    db.session.flush()
