"""The audit trail: who changed what, old and new values, shown as the decision's history.

The trail is append-only: across a whole working session through the pages, no audit row
is ever updated or deleted, and the count only grows.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, select

from tests.factories import Cast
from tests.pages import date_fields, signed_in, text_of
from tracker.domain.localtime import LONDON
from tracker.extensions import db
from tracker.models import AuditEvent, Briefing, utcnow


@pytest.fixture
def cast(app: Flask, make_user) -> Cast:
    with app.app_context():
        return Cast(make_user)


@pytest.fixture
def audit_writes() -> Iterator[list[str]]:
    """Every UPDATE or DELETE the ORM issues against audit rows."""
    seen: list[str] = []

    def on_update(mapper: Any, connection: Any, target: AuditEvent) -> None:
        seen.append(f"update {target.id}")

    def on_delete(mapper: Any, connection: Any, target: AuditEvent) -> None:
        seen.append(f"delete {target.id}")

    event.listen(AuditEvent, "before_update", on_update)
    event.listen(AuditEvent, "before_delete", on_delete)
    yield seen
    event.remove(AuditEvent, "before_update", on_update)
    event.remove(AuditEvent, "before_delete", on_delete)


def snapshot(app: Flask) -> dict[int, tuple[Any, ...]]:
    with app.app_context():
        return {
            row.id: (row.action, row.entity_type, row.entity_id, row.changes, row.occurred_at)
            for row in db.session.scalars(select(AuditEvent))
        }


def decision_form(cast: Cast, **changes: Any) -> dict[str, Any]:
    event_day = changes.pop("event_day", date(2027, 3, 31))
    return {
        "title": "Move stroke services to the new hub",
        "kind": "service_change",
        "owner_person_id": str(cast.owner_person_id),
        **date_fields("event_date", event_day),
        "event_time": "10:00",
        "sensitivity": "internal",
        "status": "planned",
        "lead_time": "5",
        **changes,
    }


def test_a_working_session_leaves_a_full_append_only_history(
    app: Flask, cast: Cast, audit_writes: list[str]
) -> None:
    owner = signed_in(app, cast.owner)
    history: dict[int, tuple[Any, ...]] = {}

    def step(response: Any) -> None:
        assert response.status_code == 302, response.get_data(as_text=True)
        nonlocal history
        now = snapshot(app)
        assert len(now) > len(history)
        for row_id, values in history.items():
            assert now[row_id] == values, f"audit row {row_id} changed"
        history = now

    created = owner.post("/decisions/new", decision_form(cast))
    step(created)
    decision_id = int(created.location.split("/")[2])
    step(
        owner.post(
            f"/decisions/{decision_id}/partners/people?organisation_ids={cast.partner_org_id}",
            {"person_ids": [str(cast.alice_id), str(cast.bob_id)], "reason": "Runs the wards"},
        )
    )
    yesterday = (utcnow() - timedelta(days=1)).astimezone(LONDON)
    step(
        owner.post(
            f"/briefings/new?decision={decision_id}",
            {
                "person_ids": [str(cast.bob_id)],
                "decision_ids": [str(decision_id)],
                "briefed_by_person_id": str(cast.owner_person_id),
                **date_fields("occurred_date", yesterday.date()),
                "occurred_time": "11:00",
                "channel": "call",
            },
        )
    )
    step(
        owner.post(
            f"/decisions/{decision_id}/edit",
            decision_form(
                cast, title="Move stroke services to the Riverside hub", event_day=date(2027, 4, 14)
            ),
        )
    )
    with app.app_context():
        briefing_id = db.session.scalar(select(Briefing.id))
        alice_requirement = db.session.scalar(
            select(AuditEvent.entity_id).where(
                AuditEvent.action == "created",
                AuditEvent.entity_type == "requirement",
                AuditEvent.summary.like("Alice%"),
            )
        )
    step(
        owner.post(
            f"/decisions/{decision_id}/requirements/{alice_requirement}/status",
            {"status": "not_required", "reason": "Retired last week"},
        )
    )
    step(
        owner.post(
            f"/briefings/{briefing_id}/edit",
            {
                **date_fields("occurred_date", yesterday.date()),
                "occurred_time": "09:15",
                "channel": "teams",
            },
        )
    )
    assert audit_writes == []

    with app.app_context():
        rows = list(
            db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.decision_id == decision_id)
                .order_by(AuditEvent.id)
            )
        )
        by_action: dict[tuple[str, str], list[AuditEvent]] = {}
        for row in rows:
            by_action.setdefault((row.entity_type, row.action), []).append(row)
            assert row.actor_user_id == cast.owner.id
        (decision_created,) = by_action[("decision", "created")]
        assert decision_created.changes["title"] == [None, "Move stroke services to the new hub"]
        assert decision_created.changes["lead_time"] == [None, 5]
        assert len(by_action[("requirement", "created")]) == 2
        (briefed,) = by_action[("requirement", "briefed")]
        assert briefed.changes["status"] == ["pending", "briefed"]
        (updated,) = by_action[("decision", "updated")]
        assert updated.changes["title"] == [
            "Move stroke services to the new hub",
            "Move stroke services to the Riverside hub",
        ]
        assert updated.changes["event_at"] == [
            "2027-03-31T09:00:00+00:00",
            "2027-04-14T09:00:00+00:00",
        ]
        (recomputed,) = by_action[("requirement", "recomputed")]
        assert recomputed.changes == {"brief_by": ["2027-03-22", "2027-04-07"]}
        (update_created,) = by_action[("requirement", "update_created")]
        assert update_created.changes["brief_by"] == [None, "2027-04-13"]
        (status_changed,) = by_action[("requirement", "status_changed")]
        assert status_changed.changes["status"] == ["pending", "not_required"]
        (briefing_updated,) = by_action[("briefing", "updated")]
        assert briefing_updated.changes["channel"] == ["call", "teams"]

    page = text_of(owner.client.get(f"/decisions/{decision_id}"))
    history_text = page.split("History", 1)[1]
    for line in (
        "Created “Move stroke services to the new hub” by Olu Owner",
        "Alice Partner added as an affected partner by Olu Owner",
        "Bob Partner briefed by Olu Owner",
        "Briefing logged (Phone call) by Olu Owner",
        "Title: Move stroke services to the new hub → Move stroke services to the Riverside hub",
        "Brief-by date for Alice Partner recomputed by Olu Owner",
        "Brief by: Mon 22 Mar 2027 → Wed 7 Apr 2027",
        "Bob Partner must hear about the change by Olu Owner",
        "Alice Partner: Not required by Olu Owner",
        "Status: pending → not_required",
        "Status reason: (none) → Retired last week",
        "Briefing changed by Olu Owner",
    ):
        assert line in history_text, line
