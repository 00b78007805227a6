"""Moving, postponing and cancelling a decision: recomputed dates and "update" requirements.

"Today" comes from the real clock, so "as soon as possible" dates are worked out here with
the same calendar functions the app uses, not hard-coded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests.factories import Cast, log_briefing, london, requirement_for, requirements_of
from tests.pages import date_fields, signed_in, text_of
from tracker.domain.localtime import LONDON, london_date
from tracker.domain.working_days import WorkingCalendar
from tracker.extensions import db
from tracker.models import AuditEvent, User, utcnow
from tracker.services import decisions as decision_service


@dataclass
class Moving:
    cast: Cast
    decision_id: int


@pytest.fixture
def moving(app: Flask, make_user) -> Moving:
    """31 March 2027 10:00, lead time 5; Alice still to brief, Bob briefed yesterday."""
    with app.app_context():
        cast = Cast(make_user)
        decision = cast.decision(
            title="Reconfigure stroke services",
            event_at=london(date(2027, 3, 31), "10:00"),
            lead_time=5,
            partners=[cast.alice_id, cast.bob_id],
        )
        log_briefing(
            actor=cast.owner,
            people=[cast.bob_id],
            decisions=[decision.id],
            occurred_at=utcnow() - timedelta(days=1),
            briefed_by=cast.owner_person_id,
        )
        assert requirement_for(decision.id, cast.alice_id).brief_by == date(2027, 3, 22)
        return Moving(cast=cast, decision_id=decision.id)


def edit_form(cast: Cast, **changes: Any) -> dict[str, Any]:
    event_day = changes.pop("event_day", date(2027, 3, 31))
    data = {
        "title": "Reconfigure stroke services",
        "kind": "announcement",
        "owner_person_id": str(cast.owner_person_id),
        **date_fields("event_date", event_day),
        "event_time": "10:00",
        "sensitivity": "internal",
        "status": "planned",
        "lead_time": "5",
    }
    data.update(changes)
    return data


def edit(app: Flask, moving: Moving, **changes: Any) -> str:
    owner = signed_in(app, moving.cast.owner)
    response = owner.post(
        f"/decisions/{moving.decision_id}/edit",
        edit_form(moving.cast, **changes),
        follow_redirects=True,
    )
    assert response.status_code == 200
    return text_of(response)


def as_soon_as_possible() -> date:
    return WorkingCalendar.england().working_day_on_or_after(london_date(utcnow()))


def audit_rows(decision_id: int, action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.decision_id == decision_id, AuditEvent.action == action)
            .order_by(AuditEvent.id)
        )
    )


def test_moving_the_date_recomputes_pending_and_tells_the_briefed(
    app: Flask, moving: Moving
) -> None:
    page = edit(app, moving, event_day=date(2027, 4, 14))
    assert "Your changes have been saved. 1 brief-by date(s) were recalculated." in page
    assert "1 partner(s) already briefed must now hear about the change." in page
    assert "Update: Date moved from 31 Mar 2027 to 14 Apr 2027" in page
    with app.app_context():
        alice = requirement_for(moving.decision_id, moving.cast.alice_id)
        assert alice.brief_by == date(2027, 4, 7)
        bob = requirement_for(moving.decision_id, moving.cast.bob_id)
        assert bob.status == "briefed"
        assert bob.brief_by == date(2027, 3, 22)  # settled: judged against the old date
        update = requirement_for(moving.decision_id, moving.cast.bob_id, update_round=1)
        assert update.status == "pending"
        assert update.brief_by == date(2027, 4, 13)  # one working day before the new date
        assert update.update_note == "Date moved from 31 Mar 2027 to 14 Apr 2027"
        recomputed = audit_rows(moving.decision_id, "recomputed")
        assert [row.changes for row in recomputed] == [{"brief_by": ["2027-03-22", "2027-04-07"]}]
        (updated,) = audit_rows(moving.decision_id, "updated")
        assert updated.changes["event_at"] == [
            "2027-03-31T09:00:00+00:00",
            "2027-04-14T09:00:00+00:00",
        ]
        (created,) = audit_rows(moving.decision_id, "update_created")
        assert created.changes["brief_by"] == [None, "2027-04-13"]


def test_a_second_move_replaces_the_first_rounds_pending_update(app: Flask, moving: Moving) -> None:
    edit(app, moving, event_day=date(2027, 4, 14))
    page = edit(app, moving, event_day=date(2027, 4, 21))
    assert "Update: Date moved from 14 Apr 2027 to 21 Apr 2027" in page
    assert "Replaced by a later change" in page
    with app.app_context():
        first = requirement_for(moving.decision_id, moving.cast.bob_id, update_round=1)
        assert first.status == "not_required"
        assert first.status_reason == "Replaced by a later change"
        (replaced,) = audit_rows(moving.decision_id, "status_changed")
        assert replaced.entity_id == first.id
        assert replaced.changes == {
            "status": ["pending", "not_required"],
            "status_reason": [None, "Replaced by a later change"],
        }
        second = requirement_for(moving.decision_id, moving.cast.bob_id, update_round=2)
        assert second.status == "pending"
        assert second.brief_by == date(2027, 4, 20)
        assert requirement_for(moving.decision_id, moving.cast.alice_id).brief_by == date(
            2027, 4, 14
        )
        # Alice was never briefed, so she gets no update: her own date simply moved.
        rounds = [
            r.update_round
            for r in requirements_of(moving.decision_id)
            if r.person_id == moving.cast.alice_id
        ]
        assert rounds == [0]


@pytest.mark.parametrize(
    ("status", "note"), [("postponed", "Postponed"), ("cancelled", "Cancelled")]
)
def test_postponing_or_cancelling_needs_updates_as_soon_as_possible(
    app: Flask, moving: Moving, status: str, note: str
) -> None:
    page = edit(app, moving, status=status)
    assert f"Update: {note}" in page
    assert "1 partner(s) already briefed must now hear about the change." in page
    with app.app_context():
        update = requirement_for(moving.decision_id, moving.cast.bob_id, update_round=1)
        assert update.status == "pending"
        assert update.update_note == note
        assert update.brief_by == as_soon_as_possible()
        status_rows = audit_rows(moving.decision_id, "updated")
        assert status_rows[-1].changes["status"] == ["planned", status]
    # It appears on the owner's week even though the decision is no longer planned.
    week = text_of(signed_in(app, moving.cast.owner).client.get("/my-week"))
    assert "Reconfigure stroke services" in week
    assert f"update: {note}" in week


def test_changing_the_lead_time_recomputes_pending_only(app: Flask, moving: Moving) -> None:
    page = edit(app, moving, lead_time="10")
    assert "1 brief-by date(s) were recalculated." in page
    assert "must now hear about the change" not in page
    with app.app_context():
        assert requirement_for(moving.decision_id, moving.cast.alice_id).brief_by == date(
            2027, 3, 15
        )
        assert requirement_for(moving.decision_id, moving.cast.bob_id).brief_by == date(2027, 3, 22)
        assert len(requirements_of(moving.decision_id)) == 2


def test_changing_the_kind_takes_its_policy_lead_time_and_recomputes(
    app: Flask, moving: Moving
) -> None:
    with app.app_context():
        admin = db.session.get(User, moving.cast.admin.id)
        decision_service.set_lead_time_policy(admin, {"service_change": 10})
        db.session.commit()
    page = edit(app, moving, kind="service_change", lead_time="")
    assert "1 brief-by date(s) were recalculated." in page
    with app.app_context():
        assert requirement_for(moving.decision_id, moving.cast.alice_id).brief_by == date(
            2027, 3, 15
        )
        (updated,) = audit_rows(moving.decision_id, "updated")
        assert updated.changes["kind"] == ["announcement", "service_change"]
        assert updated.changes["lead_time"] == [5, 10]


def test_moving_only_the_time_of_day_creates_no_updates(app: Flask, moving: Moving) -> None:
    page = edit(app, moving, event_time="15:30")
    assert "must now hear about the change" not in page
    with app.app_context():
        assert len(requirements_of(moving.decision_id)) == 2
        assert requirement_for(moving.decision_id, moving.cast.alice_id).brief_by == date(
            2027, 3, 22
        )


def test_saving_without_changes_records_nothing(app: Flask, moving: Moving) -> None:
    with app.app_context():
        before = len(list(db.session.scalars(select(AuditEvent))))
    page = edit(app, moving)
    assert "Your changes have been saved." in page
    with app.app_context():
        assert len(list(db.session.scalars(select(AuditEvent)))) == before


def test_an_update_is_satisfied_only_by_a_briefing_after_the_change(
    app: Flask, moving: Moving
) -> None:
    edit(app, moving, status="postponed")
    owner = signed_in(app, moving.cast.owner)
    url = f"/briefings/new?decision={moving.decision_id}&person={moving.cast.bob_id}"
    # A briefing dated before the change does not tell Bob about the postponement.
    yesterday = (utcnow() - timedelta(days=1)).astimezone(LONDON)
    earlier = owner.post(url, briefing_form(moving, yesterday.date(), yesterday.strftime("%H:%M")))
    assert earlier.status_code == 302
    with app.app_context():
        update = requirement_for(moving.decision_id, moving.cast.bob_id, update_round=1)
        assert update.status == "pending"
    # Logged straight after the change, with the time the form offers (to the minute).
    now_local = utcnow().astimezone(LONDON)
    later = owner.post(url, briefing_form(moving, now_local.date(), now_local.strftime("%H:%M")))
    assert later.status_code == 302
    with app.app_context():
        update = requirement_for(moving.decision_id, moving.cast.bob_id, update_round=1)
        assert update.status == "briefed"
        assert update.first_briefed_at is not None


def briefing_form(moving: Moving, day: date, at: str) -> dict[str, Any]:
    return {
        "person_ids": [str(moving.cast.bob_id)],
        "decision_ids": [str(moving.decision_id)],
        "briefed_by_person_id": str(moving.cast.owner_person_id),
        **date_fields("occurred_date", day),
        "occurred_time": at,
        "channel": "call",
    }
