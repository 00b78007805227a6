"""Role rules shared by the web pages, the API and the services, so all refuse the same things.

Decision visibility and editing live in `tracker.services.visibility`; these are the
rules for the registers, for logging briefings and for the admin areas.
"""

from __future__ import annotations

from typing import Any

from tracker.domain.errors import Forbidden
from tracker.domain.vocabulary import Role
from tracker.services.actor import Actor, Who, as_actor

# The registers are shared contacts. Admins and leaders do everything; PAs add and edit
# organisations and people on their leaders' behalf (and import them), but do not archive,
# restore or delete records, nor change who assists whom or which account a person uses.
# Managers and viewers read and export.
REGISTER_EDITORS = (Role.ADMIN, Role.LEADER, Role.PA)
REGISTER_CURATORS = (Role.ADMIN, Role.LEADER)
# Who logs briefings: the people who do them and the PAs who log them on their behalf.
BRIEFING_LOGGERS = (Role.ADMIN, Role.LEADER, Role.PA)


def has_role(user: Any, roles: tuple[Role, ...]) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in {r.value for r in roles}


def can_edit_registers(user: Any) -> bool:
    return has_role(user, REGISTER_EDITORS)


def can_curate_registers(user: Any) -> bool:
    """Archive, restore, delete, and manage PA and user-account links."""
    return has_role(user, REGISTER_CURATORS)


def can_log_briefings(user: Any) -> bool:
    return has_role(user, BRIEFING_LOGGERS)


def can_edit_briefing(user: Any, logged_by_user_id: int | None) -> bool:
    """Admins, and whoever logged the briefing (while their role still logs briefings)."""
    if has_role(user, (Role.ADMIN,)):
        return True
    return can_log_briefings(user) and logged_by_user_id == user.id


def require_admin(who: Who, message: str) -> Actor:
    """The actor, if they are an active admin; otherwise `Forbidden` with `message`.

    For the admin areas (users, lead-time policy, closure days): the web's admin-only page
    guard is not the only check, so the CLI or any other caller is refused too.
    """
    actor = as_actor(who)
    if not actor.is_admin:
        raise Forbidden(message)
    return actor
