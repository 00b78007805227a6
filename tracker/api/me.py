"""/api/v1/me: who the token acts as, and what they may do."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from tracker.api import auth, schemas
from tracker.api.blueprint import ApiBlueprint
from tracker.services import people, permissions, visibility

bp = ApiBlueprint(
    "me",
    __name__,
    path="/me",
    description="The user the token acts for: their role and what it allows.",
)


@bp.route("")
class Me(MethodView):
    @bp.response(200, schemas.MeSchema)
    @bp.errors()
    def get(self) -> dict[str, Any]:
        """The token's user. Tokens act with their user's role and visibility."""
        user = auth.current_user()
        token = auth.current_token()
        assert token is not None
        own = people.person_for_user(user)
        return {
            "id": user.id,
            "email": user.email,
            "display_name": user.display_name,
            "role": user.role,
            "person_id": own.id if own else None,
            "assists_person_ids": [person.id for person in people.people_assisted_by(user)],
            "permissions": {
                "create_decisions": visibility.can_create(user),
                "log_briefings": permissions.can_log_briefings(user),
                "edit_registers": permissions.can_edit_registers(user),
                "curate_registers": permissions.can_curate_registers(user),
                "waive_requirements": visibility.can_waive(user),
            },
            "token_name": token.name,
            "token_prefix": token.prefix,
        }
