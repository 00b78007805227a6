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
