"""A whole journey over HTTP with a token, through the same services as the web pages."""

from __future__ import annotations

from datetime import date, timedelta

from tests.integration.api.conftest import in_days, iso
from tracker.domain.brief_by import brief_by_date, event_local_date
from tracker.domain.working_days import WorkingCalendar
from tracker.extensions import db
from tracker.models import AuditEvent, Role, utcnow
from tracker.services.actor import Actor


def test_register_decide_brief_and_read_back_outcomes(app, make_user, api_as):
    leader = make_user(Role.LEADER, display_name="Lee Leader")
    api = api_as(leader)

    # Who am I? A leader who may log decisions and briefings.
    me = api.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json["role"] == "leader"
    assert me.json["permissions"]["create_decisions"] is True

    # Registers: an organisation and two people in it, and the leader's own record.
    response = api.post(
        "/api/v1/organisations",
        json={"name": "Northshire  County Council", "org_type": "la_county", "ods_code": "e10"},
    )
    assert response.status_code == 201, response.json
    council = response.json
    assert council["name"] == "Northshire County Council"  # the domain rules tidy it
    assert council["ods_code"] == "E10"
    icb = api.post("/api/v1/organisations", json={"name": "Northshire ICB", "org_type": "icb"})
    assert icb.status_code == 201

    sam = api.post(
        "/api/v1/people",
        json={
            "full_name": "Sam Patel",
            "organisation_id": council["id"],
            "email": "Sam.Patel@Northshire.gov.uk",
            "influence": 5,
            "is_main_contact": True,
        },
    )
    assert sam.status_code == 201, sam.json
    assert sam.json["email"] == "sam.patel@northshire.gov.uk"
    kim = api.post(
        "/api/v1/people", json={"full_name": "Kim Jones", "organisation_id": council["id"]}
    )
    assert kim.status_code == 201
    listed = api.get(f"/api/v1/people?organisation_id={council['id']}")
    assert [p["full_name"] for p in listed.json["items"]] == ["Sam Patel", "Kim Jones"]

    # The leader's own person record is linked to their account (an admin job on the web).
    with app.app_context():
        from tracker.services import people

        own = people.create(
            Actor.job(), people.PersonData(full_name="Lee Leader", organisation_id=icb.json["id"])
        )
        people.set_linked_user(Actor.job(), own, leader.id)
        db.session.commit()
        own_id = own.id

    # A decision three weeks away, with both council people affected.
    event_at = in_days(21)
    created = api.post(
        "/api/v1/decisions",
        json={
            "title": "Close Ward 7 at the community hospital",
            "kind": "service_change",
            "event_at": iso(event_at),
            "lead_time": 5,
            "partners": [
                {"person_id": sam.json["id"], "reason": "Runs adult social care"},
                {"person_id": kim.json["id"], "lead_time_override": 10},
            ],
        },
    )
    assert created.status_code == 201, created.json
    decision = created.json
    assert created.headers["Location"].endswith(f"/api/v1/decisions/{decision['id']}")
    assert decision["owner_person_id"] == own_id  # defaults to the leader's own record
    assert decision["state"] == "on_track"

    # Brief-by dates: the Nth English working day before the event's London date.
    calendar = WorkingCalendar.england()
    event_day = event_local_date(event_at)
    read = api.get(f"/api/v1/decisions/{decision['id']}").json
    by_person = {p["person_id"]: p for p in read["partners"]}
    assert (
        by_person[sam.json["id"]]["brief_by"] == brief_by_date(event_day, 5, calendar).isoformat()
    )
    assert (
        by_person[kim.json["id"]]["brief_by"] == brief_by_date(event_day, 10, calendar).isoformat()
    )
    assert by_person[kim.json["id"]]["lead_time"] == 10
    assert {p["status"] for p in read["partners"]} == {"pending"}
    assert {p["outcome"] for p in read["partners"]} == {"pending"}

    # A briefing with Sam today: on time, so Sam's requirement is briefed.
    briefed_at = utcnow() - timedelta(minutes=1)
    logged = api.post(
        "/api/v1/briefings",
        json={
            "occurred_at": briefed_at.isoformat(),
            "channel": "teams",
            "person_ids": [sam.json["id"]],
            "decision_ids": [decision["id"]],
            "summary": "Talked through the options.",
        },
    )
    assert logged.status_code == 201, logged.json
    sam_requirement = by_person[sam.json["id"]]["id"]
    assert logged.json["requirements_marked"] == [sam_requirement]
    assert logged.json["briefed_by_person_id"] == own_id
    assert logged.json["on_behalf_of_person_id"] is None

    # Outcomes read back: Sam on time, Kim still to brief.
    read = api.get(f"/api/v1/decisions/{decision['id']}").json
    by_person = {p["person_id"]: p for p in read["partners"]}
    assert by_person[sam.json["id"]]["status"] == "briefed"
    assert by_person[sam.json["id"]]["outcome"] == "on_time"
    assert by_person[kim.json["id"]]["outcome"] == "pending"
    assert read["state"] == "on_track"

    # The briefing is listed for the decision and for Sam; and it is in the audit trail.
    by_decision = api.get(f"/api/v1/briefings?decision_id={decision['id']}").json
    assert [b["id"] for b in by_decision["items"]] == [logged.json["id"]]
    assert api.get(f"/api/v1/briefings?person_id={kim.json['id']}").json["items"] == []
    with app.app_context():
        actions = {
            (event.entity_type, event.action)
            for event in db.session.query(AuditEvent).filter_by(decision_id=decision["id"])
        }
    assert {("decision", "created"), ("requirement", "created"), ("briefing", "created")} <= actions
    assert ("requirement", "briefed") in actions

    # Moving the event recomputes Kim's pending brief-by date, as on the web.
    moved = api.patch(
        f"/api/v1/decisions/{decision['id']}", json={"event_at": iso(event_at + timedelta(days=7))}
    )
    assert moved.status_code == 200, moved.json
    kim_after = next(p for p in moved.json["partners"] if p["person_id"] == kim.json["id"])
    new_day = event_local_date(event_at + timedelta(days=7))
    assert kim_after["brief_by"] == brief_by_date(new_day, 10, calendar).isoformat()
    # Sam was already briefed, so Sam must now hear about the change.
    updates = [p for p in moved.json["partners"] if p["update_round"] > 0]
    assert [p["person_id"] for p in updates] == [sam.json["id"]]

    # Filters: by status and by event date range (London days, inclusive).
    day = date.fromisoformat(moved.json["event_at"][:10])
    found = api.get(f"/api/v1/decisions?status=planned&event_from={day}&event_to={day}").json
    assert [d["id"] for d in found["items"]] == [decision["id"]]
    assert api.get(f"/api/v1/decisions?event_to={day - timedelta(days=1)}").json["items"] == []
