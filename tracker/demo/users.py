"""The demo users, one per role, all with the demo password."""

from __future__ import annotations

from dataclasses import dataclass

from tracker.domain.vocabulary import Role
from tracker.models import User
from tracker.services import users as user_service


@dataclass(frozen=True)
class DemoUser:
    email: str
    display_name: str
    role: Role


DEMO_USERS = (
    DemoUser("admin@example.org", "Alex Admin", Role.ADMIN),
    DemoUser("leader@example.org", "Lee Leader", Role.LEADER),
    DemoUser("pa@example.org", "Pat Assistant", Role.PA),
    DemoUser("manager@example.org", "Morgan Manager", Role.MANAGER),
    DemoUser("viewer@example.org", "Vic Viewer", Role.VIEWER),
)


def ensure_demo_users(password: str) -> list[User]:
    """Create the demo users that do not exist yet; leave existing ones untouched."""
    users = []
    for demo in DEMO_USERS:
        user = user_service.get_by_email(demo.email)
        if user is None:
            user = user_service.create_user(
                email=demo.email, display_name=demo.display_name, role=demo.role, password=password
            )
        users.append(user)
    return users
