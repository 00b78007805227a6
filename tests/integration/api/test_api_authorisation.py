"""A token can read and change exactly what its user can, no more.

Restricted decisions are invisible (404, never 403) to anyone outside their circle:
in lists, on their own, for changes, for partners and through their briefings.
"""

from __future__ import annotations

import pytest

from tests.integration.api.conftest import in_days, iso
from tracker.models import utcnow


@pytest.fixture
def restricted(world, api_as):
    """A restricted decision owned by the leader, with a partner and a briefing."""
    owner = api_as(world.leader)
    decision = owner.post(
        "/api/v1/decisions",
        json={
            "title": "Merger of the two acute trusts",
            "kind": "announcement",
            "event_at": iso(in_days(30)),
            "sensitivity": "restricted",
            "partners": [{"person_id": world.partner_ids[0]}],
        },
    )
    assert decision.status_code == 201, decision.json
    briefing = owner.post(
        "/api/v1/briefings",
        json={
            "occurred_at": utcnow().replace(microsecond=0).isoformat(),
            "channel": "meeting",
            "person_ids": [world.partner_ids[0]],
            "decision_ids": [decision.json["id"]],
            "summary": "Confidential: the merger",
        },
    )
    assert briefing.status_code == 201, briefing.json
    return decision.json["id"], briefing.json["id"]


@pytest.fixture
def public_decision(world, api_as):
    response = api_as(world.leader).post(
        "/api/v1/decisions",
        json={"title": "Winter plan", "kind": "meeting", "event_at": iso(in_days(20))},
    )
    assert response.status_code == 201, response.json
    return response.json["id"]


@pytest.mark.parametrize("who", ["viewer", "manager", "other_leader"])
def test_restricted_decisions_do_not_exist_for_outsiders(world, api_as, restricted, who):
    decision_id, briefing_id = restricted
    api = api_as(getattr(world, who))

    assert api.get("/api/v1/decisions").json["items"] == []
    assert api.get("/api/v1/decisions").json["pagination"]["total_items"] == 0

    responses = [
        api.get(f"/api/v1/decisions/{decision_id}"),
        api.patch(f"/api/v1/decisions/{decision_id}", json={"title": "Leaked"}),
        api.post(
            f"/api/v1/decisions/{decision_id}/partners",
            json={"partners": [{"person_id": world.partner_ids[1]}]},
        ),
        api.get(f"/api/v1/briefings/{briefing_id}"),
        api.patch(f"/api/v1/briefings/{briefing_id}", json={"summary": "Leaked"}),
    ]
    for response in responses:
        assert response.status_code == 404, (response.request.path, response.json)
        assert response.json["error"]["code"] == "not_found"
    # Exactly the same answer as for an id that was never used.
    never = api.get("/api/v1/decisions/999999")
    assert responses[0].json == never.json

    assert api.get("/api/v1/briefings").json["items"] == []
    assert api.get(f"/api/v1/briefings?decision_id={decision_id}").json["items"] == []
    assert api.get(f"/api/v1/briefings?person_id={world.partner_ids[0]}").json["items"] == []


def test_outsiders_cannot_log_briefings_about_restricted_decisions(world, api_as, restricted):
    decision_id, _ = restricted
    response = api_as(world.other_leader).post(
        "/api/v1/briefings",
        json={
            "occurred_at": utcnow().isoformat(),
            "channel": "call",
            "person_ids": [world.partner_ids[0]],
            "decision_ids": [decision_id],
        },
    )
    # Named like an id that does not exist: the refusal reveals nothing.
    assert response.status_code == 422
    assert response.json["error"]["fields"]["decision_ids"] == [
        f"There is no decision with id {decision_id}."
    ]


@pytest.mark.parametrize("who", ["leader", "pa", "admin"])
def test_the_circle_and_admins_see_restricted_decisions(world, api_as, restricted, who):
    decision_id, briefing_id = restricted
    api = api_as(getattr(world, who))
    assert [d["id"] for d in api.get("/api/v1/decisions").json["items"]] == [decision_id]
    assert api.get(f"/api/v1/decisions/{decision_id}").status_code == 200
    assert api.get(f"/api/v1/briefings/{briefing_id}").status_code == 200


def test_reading_a_confidential_decision_is_recorded(app, world, api_as, restricted):
    from tracker.extensions import db
    from tracker.models import DecisionAccess

    decision_id, _ = restricted
    api_as(world.pa).get(f"/api/v1/decisions/{decision_id}")
    with app.app_context():
        access = db.session.query(DecisionAccess).filter_by(decision_id=decision_id).one()
        assert access.user_id == world.pa.id


def test_viewers_and_managers_cannot_create_or_change(world, api_as, public_decision):
    for who in (world.viewer, world.manager):
        api = api_as(who)
        attempts = [
            api.post("/api/v1/organisations", json={"name": "New body", "org_type": "vcse"}),
            api.patch(f"/api/v1/organisations/{world.council_id}", json={"notes": "x"}),
            api.post(f"/api/v1/organisations/{world.council_id}/archive"),
            api.post(
                "/api/v1/people", json={"full_name": "New Person", "organisation_id": world.icb_id}
            ),
            api.patch(f"/api/v1/people/{world.partner_ids[0]}", json={"job_title": "x"}),
            api.post(
                "/api/v1/decisions",
                json={"title": "Mine", "kind": "other", "event_at": iso(in_days(9))},
            ),
            api.patch(f"/api/v1/decisions/{public_decision}", json={"title": "Changed"}),
            api.post(
                f"/api/v1/decisions/{public_decision}/partners",
                json={"partners": [{"person_id": world.partner_ids[1]}]},
            ),
            api.post(
                "/api/v1/briefings",
                json={
                    "occurred_at": utcnow().isoformat(),
                    "channel": "call",
                    "person_ids": [world.partner_ids[0]],
                },
            ),
        ]
        for response in attempts:
            assert response.status_code == 403, (response.request.path, response.json)
            assert response.json["error"]["code"] == "forbidden"
        # They can read what is not confidential.
        assert api.get(f"/api/v1/decisions/{public_decision}").status_code == 200


def test_other_leaders_can_read_but_not_change_someone_elses_decision(
    world, api_as, public_decision
):
    api = api_as(world.other_leader)
    assert api.get(f"/api/v1/decisions/{public_decision}").status_code == 200
    assert api.patch(f"/api/v1/decisions/{public_decision}", json={"title": "x"}).status_code == 403
    briefing = api.post(
        "/api/v1/briefings",
        json={
            "occurred_at": utcnow().isoformat(),
            "channel": "call",
            "person_ids": [world.partner_ids[0]],
            "decision_ids": [public_decision],
        },
    )
    assert briefing.status_code == 403


def test_pas_edit_registers_but_do_not_archive(world, api_as):
    api = api_as(world.pa)
    assert (
        api.patch(
            f"/api/v1/people/{world.partner_ids[0]}", json={"phone": "01234 567890"}
        ).status_code
        == 200
    )
    assert api.post(f"/api/v1/people/{world.partner_ids[0]}/archive").status_code == 403
    leader = api_as(world.leader)
    archived = leader.post(f"/api/v1/people/{world.partner_ids[0]}/archive")
    assert archived.status_code == 200
    assert archived.json["is_archived"] is True
    listed = [p["id"] for p in leader.get("/api/v1/people").json["items"]]
    assert world.partner_ids[0] not in listed
    with_archived = leader.get("/api/v1/people?include_archived=true").json["items"]
    assert world.partner_ids[0] in [p["id"] for p in with_archived]
    assert (
        leader.post(f"/api/v1/people/{world.partner_ids[0]}/restore").json["is_archived"] is False
    )


def test_a_pa_logs_briefings_on_their_leaders_behalf(world, api_as, public_decision):
    api = api_as(world.leader)
    api.post(
        f"/api/v1/decisions/{public_decision}/partners",
        json={"partners": [{"person_id": world.partner_ids[1]}]},
    )
    logged = api_as(world.pa).post(
        "/api/v1/briefings",
        json={
            "occurred_at": utcnow().isoformat(),
            "channel": "email",
            "person_ids": [world.partner_ids[1]],
            "decision_ids": [public_decision],
        },
    )
    assert logged.status_code == 201, logged.json
    assert logged.json["briefed_by_person_id"] == world.leader_person_id
    assert logged.json["on_behalf_of_person_id"] == world.leader_person_id
    assert logged.json["logged_by_user_id"] == world.pa.id
    # Only whoever logged it (or an admin) may correct it.
    briefing_id = logged.json["id"]
    assert (
        api.patch(f"/api/v1/briefings/{briefing_id}", json={"acknowledged": True}).status_code
        == 403
    )
    fixed = api_as(world.pa).patch(f"/api/v1/briefings/{briefing_id}", json={"acknowledged": True})
    assert fixed.status_code == 200
    assert fixed.json["acknowledged"] is True
