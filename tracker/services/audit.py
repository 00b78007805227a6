"""The audit trail: record who changed what, with old and new values."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select

from tracker.extensions import db
from tracker.models import AuditEvent, Decision
from tracker.services import visibility
from tracker.services.actor import Who, as_actor


def _plain(value: Any) -> Any:
    """JSON-safe form of a stored value."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(_plain(v) for v in value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for every field whose value changed."""
    return {
        name: [before.get(name), after.get(name)]
        for name in after
        if before.get(name) != after.get(name)
    }


def record(
    *,
    actor: Who | None,
    entity_type: str,
    entity_id: int,
    action: str,
    decision_id: int | None = None,
    changes: Mapping[str, Any] | None = None,
    summary: str | None = None,
) -> AuditEvent:
    event = AuditEvent(
        actor_user_id=as_actor(actor).user_id,
        entity_type=entity_type,
        entity_id=entity_id,
        decision_id=decision_id,
        action=action,
        summary=summary[:300] if summary else None,
        changes={key: _plain(value) for key, value in (changes or {}).items()},
    )
    db.session.add(event)
    return event


def history_for_decision(who: Who, decision: Decision) -> list[AuditEvent]:
    """A decision's history as the actor may see it, newest first.

    `NotFound` if the actor may not see the decision. Entries about a briefing that also
    covered a decision hidden from the actor are left out: such a briefing is as
    confidential as that decision.
    """
    visibility.ensure_visible(who, decision)
    hidden = visibility.hidden_briefing_ids(who)
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.decision_id == decision.id,
                or_(AuditEvent.entity_type != "briefing", AuditEvent.entity_id.not_in(hidden)),
            )
            .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        )
    )
