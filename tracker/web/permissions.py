"""Role checks for views. Anything not allowed is a 403 (or a 404 for hidden objects)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from tracker.models import Role


def roles_required(*roles: Role) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    allowed = {role.value for role in roles}

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


# The registers are shared contacts. Admins and leaders do everything; PAs add and edit
# organisations and people on their leaders' behalf (and import them), but do not archive,
# restore or delete records, nor change who assists whom or which account a person uses.
# Managers and viewers read and export.
REGISTER_EDITORS = (Role.ADMIN, Role.LEADER, Role.PA)
REGISTER_CURATORS = (Role.ADMIN, Role.LEADER)


def _has_role(user: Any, roles: tuple[Role, ...]) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in {r.value for r in roles}


def can_edit_registers(user: Any) -> bool:
    return _has_role(user, REGISTER_EDITORS)


def can_curate_registers(user: Any) -> bool:
    """Archive, restore, delete, and manage PA and user-account links."""
    return _has_role(user, REGISTER_CURATORS)
