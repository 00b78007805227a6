"""Role checks for views. Anything not allowed is a 403 (or a 404 for hidden objects).

The rules themselves live in `tracker.services.permissions`, shared with the API.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from tracker.domain.vocabulary import Role
from tracker.services.permissions import (
    REGISTER_CURATORS,
    REGISTER_EDITORS,
    can_curate_registers,
    can_edit_registers,
)

__all__ = [
    "REGISTER_CURATORS",
    "REGISTER_EDITORS",
    "can_curate_registers",
    "can_edit_registers",
    "roles_required",
]


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
