"""The header navigation: the areas that exist, for the signed-in user's role."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_login import current_user

from tracker.domain.vocabulary import Role
from tracker.services import health, reminders
from tracker.web.actor import current_actor

ADMIN_AREAS = ("admin_home.", "admin_users.", "admin_policy.", "admin_outbox.")


def items(user: Any, endpoint: str | None) -> list[dict[str, Any]]:
    if not getattr(user, "is_authenticated", False):
        return []
    endpoint = endpoint or ""
    entries = [("Home", "main.home", endpoint == "main.home")]
    if user.role in (Role.LEADER.value, Role.PA.value):
        entries.append(("My week", "my_week.index", endpoint == "my_week.index"))
    entries += [
        ("Decisions", "decisions.index", endpoint.startswith(("decisions.", "briefings."))),
        ("Organisations", "organisations.index", endpoint.startswith("organisations.")),
        ("People", "people.index", endpoint.startswith("people.")),
        # Every role has a dashboard: managers and admins see every decision they may
        # see, everyone else their own (see services/compliance.py).
        ("Insight", "insight.index", endpoint.startswith(("insight.", "stakeholders."))),
    ]
    if user.is_admin:
        # One entry keeps the header short enough to read at 400% zoom.
        entries.append(("Admin", "admin_home.index", endpoint.startswith(ADMIN_AREAS)))
    return [
        {"text": text, "href": url_for(target), "current": current}
        for text, target, current in entries
    ]


def unread_notifications() -> int:
    """The header's unread count: one indexed COUNT, for signed-in users only.

    The header must never be what breaks a page (the error page included): if the
    database fails, it shows no count.
    """
    if not getattr(current_user, "is_authenticated", False):
        return 0
    return health.unless_database_fails(lambda: reminders.unread_count(current_actor()), 0)
