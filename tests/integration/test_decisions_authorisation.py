"""Who may do what, on every decisions, briefings, my-week and admin-policy route.

Each route is tried by every role (and anonymously) on the server: a GET, then a POST
carrying a valid CSRF token and valid data. Refused POSTs must change nothing (no audit
row, no stored change); allowed ones must redirect and record what they did.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask

from tests.factories import Cast, log_briefing, requirement_for
from tests.pages import audit_count, date_fields, signed_in
from tracker.extensions import db
from tracker.models import ClosureDay, utcnow

ROLES = ["admin", "owner", "pa", "team_member", "other_leader", "other_pa", "manager", "viewer"]
EDITORS = {"admin", "owner", "pa", "team_member"}
LOGGERS = {"admin", "owner", "pa", "team_member", "other_leader", "other_pa"}  # leader/pa roles


@dataclass
class World:
    cast: Cast
    decision_id: int
    requirement_id: int
    briefing_id: int
    closure_id: int


@pytest.fixture
def world(app: Flask, make_user) -> World:
    """An internal decision owned by `owner` (team: team_member), Alice pending, Bob briefed."""
    with app.app_context():
        cast = Cast(make_user)
        decision = cast.decision(
            title="Merge the two community hospitals",
            partners=[cast.alice_id, cast.bob_id],
            team=[cast.team_member],
        )
        briefing = log_briefing(
            actor=cast.owner,
            people=[cast.bob_id],
            decisions=[decision.id],
            briefed_by=cast.owner_person_id,
        )
        closure = ClosureDay(day=date(2027, 12, 29), reason="Winter closure")
        db.session.add(closure)
        db.session.commit()
        return World(
            cast=cast,
            decision_id=decision.id,
            requirement_id=requirement_for(decision.id, cast.alice_id).id,
            briefing_id=briefing.id,
            closure_id=closure.id,
        )


def _decision_form(world: World, title: str) -> dict[str, Any]:
    event = (utcnow() + timedelta(days=40)).date()
    return {
        "title": title,
        "kind": "announcement",
        "owner_person_id": str(world.cast.owner_person_id),
        **date_fields("event_date", event),
        "event_time": "10:00",
        "sensitivity": "internal",
        "status": "planned",
        "lead_time": "5",
        "team_user_ids": [str(world.cast.team_member.id)],
    }


def _new_decision_form(world: World, role: str) -> dict[str, Any]:
    form = _decision_form(world, f"Made by {role}")
    if role == "other_pa":
        # A PA logs decisions for the leaders they assist, so Otto logs one for Uma.
        form["owner_person_id"] = str(world.cast.other_person_id)
    return form


def _briefing_form(world: World) -> dict[str, Any]:
    yesterday = (utcnow() - timedelta(days=1)).date()
    return {
        "person_ids": [str(world.cast.alice_id)],
        "decision_ids": [str(world.decision_id)],
        "briefed_by_person_id": str(world.cast.owner_person_id),
        **date_fields("occurred_date", yesterday),
        "occurred_time": "11:00",
        "channel": "call",
    }


@dataclass(frozen=True)
class Route:
    name: str
    path: str
    allowed: frozenset[str]  # roles that get 200 on GET and succeed on POST
    post: Any = None  # (world, role) -> form data, or None for GET-only routes


def _status_data(world: World, role: str) -> dict[str, str]:
    status = "waived" if role in {"admin", "manager"} else "not_required"
    return {"status": status, "reason": "Agreed at the system leadership meeting"}


ROUTES = [
    Route("decisions list", "/decisions/", frozenset(ROLES)),
    Route(
        "new decision",
        "/decisions/new",
        frozenset(LOGGERS | {"admin"}),
        lambda w, role: _new_decision_form(w, role),
    ),
    Route("show decision", "/decisions/{d}", frozenset(ROLES)),
    Route(
        "edit decision",
        "/decisions/{d}/edit",
        frozenset(EDITORS),
        lambda w, role: _decision_form(w, f"Renamed by {role}"),
    ),
    Route("choose organisations", "/decisions/{d}/partners", frozenset(EDITORS)),
    Route(
        "add partners",
        "/decisions/{d}/partners/people?organisation_ids={org}",
        frozenset(EDITORS),
        lambda w, role: {"person_ids": [str(w.cast.cara_id)]},
    ),
    Route(
        "edit requirement",
        "/decisions/{d}/requirements/{r}/edit",
        frozenset(EDITORS),
        lambda w, role: {"reason": "Runs the community beds", "lead_time_override": "7"},
    ),
    Route(
        "requirement status",
        "/decisions/{d}/requirements/{r}/status",
        frozenset(EDITORS | {"manager"}),
        _status_data,
    ),
    Route(
        "remove requirement",
        "/decisions/{d}/requirements/{r}/remove",
        frozenset(EDITORS),
        lambda w, role: {},
    ),
    Route(
        "report surprise",
        "/decisions/{d}/surprises/new",
        frozenset(EDITORS | {"manager"}),
        lambda w, role: {
            "person_id": str(w.cast.alice_id),
            **date_fields("reported_date", utcnow().date()),
            "what_they_said": "We read about it in the local paper.",
        },
    ),
    Route("choose briefing context", "/briefings/new", frozenset(LOGGERS)),
    Route(
        "log briefing from decision",
        "/briefings/new?decision={d}",
        frozenset(EDITORS),
        lambda w, role: _briefing_form(w),
    ),
    Route("show briefing", "/briefings/{b}", frozenset(ROLES)),
    Route(
        "correct briefing",
        "/briefings/{b}/edit",
        frozenset({"admin", "owner"}),  # admins, and whoever logged it
        lambda w, role: {
            **date_fields("occurred_date", (utcnow() - timedelta(days=2)).date()),
            "occurred_time": "09:30",
            "channel": "teams",
        },
    ),
    Route("my week", "/my-week", frozenset(ROLES)),
    Route(
        "lead-time policy",
        "/admin/lead-times",
        frozenset({"admin"}),
        lambda w, role: {
            "announcement": "8",
            "meeting": "5",
            "decision": "5",
            "consultation": "10",
            "media_release": "3",
            "service_change": "15",
            "other": "5",
        },
    ),
    Route(
        "closure days",
        "/admin/closure-days",
        frozenset({"admin"}),
        lambda w, role: {**date_fields("day", date(2027, 12, 30)), "reason": "Winter closure"},
    ),
    Route(
        "remove closure day",
        "/admin/closure-days/{c}/remove",
        frozenset({"admin"}),
        lambda w, role: {},
    ),
]


def _url(route: Route, world: World) -> str:
    return route.path.format(
        d=world.decision_id,
        r=world.requirement_id,
        b=world.briefing_id,
        c=world.closure_id,
        org=world.cast.partner_org_id,
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_every_role_on_every_route(app: Flask, world: World, route: Route, role: str) -> None:
    auth = signed_in(app, world.cast.by_role(role))
    url = _url(route, world)
    allowed = role in route.allowed
    assert auth.client.get(url).status_code == (200 if allowed else 403)
    if route.post is None:
        return
    before = audit_count(app)
    response = auth.post(url, route.post(world, role))
    if allowed:
        assert response.status_code == 302, response.get_data(as_text=True)
        assert audit_count(app) > before
    else:
        assert response.status_code == 403
        assert audit_count(app) == before


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_anonymous_is_sent_to_sign_in(app: Flask, world: World, route: Route) -> None:
    client = app.test_client()
    url = _url(route, world)
    response = client.get(url)
    assert response.status_code == 302
    assert response.location.startswith("/sign-in")
    if route.post is None:
        return
    # A POST without a session (so without a CSRF token) is refused and changes nothing.
    before = audit_count(app)
    assert client.post(url, data={}).status_code in (302, 400)
    assert audit_count(app) == before


def test_edit_by_a_refused_role_changes_nothing(app: Flask, world: World) -> None:
    for role in ("manager", "viewer", "other_leader", "other_pa"):
        auth = signed_in(app, world.cast.by_role(role))
        auth.post(f"/decisions/{world.decision_id}/edit", _decision_form(world, "Hijacked"))
    owner = signed_in(app, world.cast.owner)
    page = owner.client.get(f"/decisions/{world.decision_id}").get_data(as_text=True)
    assert "Merge the two community hospitals" in page
    assert "Hijacked" not in page


def test_manager_may_waive_but_not_mark_not_required(app: Flask, world: World) -> None:
    manager = signed_in(app, world.cast.manager)
    url = f"/decisions/{world.decision_id}/requirements/{world.requirement_id}/status"
    page = manager.client.get(url).get_data(as_text=True)
    assert 'value="waived"' in page
    assert 'value="not_required"' not in page
    response = manager.post(url, {"status": "not_required", "reason": "Not needed"})
    assert response.status_code == 200  # not a choice for managers: the form refuses it
    with app.app_context():
        assert requirement_for(world.decision_id, world.cast.alice_id).status == "pending"


def test_editor_may_mark_not_required_but_not_waive(app: Flask, world: World) -> None:
    owner = signed_in(app, world.cast.owner)
    url = f"/decisions/{world.decision_id}/requirements/{world.requirement_id}/status"
    page = owner.client.get(url).get_data(as_text=True)
    assert 'value="not_required"' in page
    assert 'value="waived"' not in page
    assert owner.post(url, {"status": "waived", "reason": "Because"}).status_code == 200
    with app.app_context():
        assert requirement_for(world.decision_id, world.cast.alice_id).status == "pending"


def test_decision_page_shows_edit_controls_only_to_editors(app: Flask, world: World) -> None:
    for role in ROLES:
        auth = signed_in(app, world.cast.by_role(role))
        page = auth.client.get(f"/decisions/{world.decision_id}").get_data(as_text=True)
        assert ("Edit decision" in page) is (role in EDITORS), role
        assert ("Log briefing" in page) is (role in EDITORS), role


def test_new_decision_links_only_for_creators(app: Flask, world: World) -> None:
    for role in ROLES:
        auth = signed_in(app, world.cast.by_role(role))
        page = auth.client.get("/decisions/").get_data(as_text=True)
        assert ("Log a decision" in page) is (role in LOGGERS | {"admin"}), role


def test_a_leader_logging_for_someone_else_joins_the_team(app: Flask, world: World) -> None:
    other = signed_in(app, world.cast.other_leader)
    response = other.post("/decisions/new", _decision_form(world, "Logged for Olu"))
    assert response.status_code == 302
    decision_path = response.location.removesuffix("/partners")
    assert other.client.get(f"{decision_path}/edit").status_code == 200


def test_a_pa_cannot_log_a_decision_for_a_leader_they_do_not_assist(
    app: Flask, world: World
) -> None:
    auth = signed_in(app, world.cast.other_pa)
    before = audit_count(app)
    response = auth.post("/decisions/new", _decision_form(world, "Not for Olu"))
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert audit_count(app) == before
