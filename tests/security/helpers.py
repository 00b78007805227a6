"""Helpers shared by the security suite: worlds, sign-in per role, stored-state snapshots."""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from tests.conftest import AuthActions, csrf_token_from
from tests.security.route_matrix import (
    ANONYMOUS,
    RESTRICTED_FACTORIES,
    ROLES,
    SIGNED_IN_ROLES,
    Expect,
    RouteCase,
    World,
    future_working_day,
    import_csv,
)
from tracker.extensions import db
from tracker.models import Base, ClosureDay, Organisation, Person, Role, User, utcnow
from tracker.models.reminder import KNOWN_KINDS, Reminder, ReminderStatus
from tracker.services import api_tokens, calendar_feeds, csv_import
from tracker.services import briefings as briefing_service
from tracker.services import decisions as decision_service
from tracker.services.briefings import BriefingInput
from tracker.services.decisions import DecisionInput, PartnerInput

CONTENT_TYPES = {
    "html": "text/html",
    "json": "application/json",
    "csv": "text/csv",
    "ics": "text/calendar",
}


def build_world(app: Flask, make_user: Callable[..., Any]) -> World:
    users = {role: make_user(Role(role)) for role in sorted(SIGNED_IN_ROLES)}
    target = make_user(Role.VIEWER, display_name="Target Person")
    world = World(app=app, users=users, target_user_id=target.id)
    with app.app_context():
        _store_registers_and_decisions(world)
        _store_account_things(world)
        db.session.remove()
    world.restricted = [factory(world) for factory in RESTRICTED_FACTORIES]
    return world


def _organisation(name: str, **fields: Any) -> Organisation:
    organisation = Organisation(name=name, name_key=name.lower(), **fields)
    db.session.add(organisation)
    return organisation


def _person(name: str, organisation: Organisation, **fields: Any) -> Person:
    person = Person(full_name=name, name_key=name.lower(), organisation=organisation, **fields)
    db.session.add(person)
    return person


def _store_registers_and_decisions(world: World) -> None:
    """The public objects of the world (see `World`), through the services where it matters.

    A test may build a second world (when a form used up the first one's object): its
    names, emails and days then differ, as the database wants them unique.
    """
    leader = db.session.get(User, world.users[Role.LEADER.value].id)
    pa = db.session.get(User, world.users[Role.PA.value].id)
    assert leader is not None
    assert pa is not None
    number = 1 + (
        db.session.scalar(
            select(func.count()).where(Organisation.name_key.startswith("matrix partner council"))
        )
        or 0
    )
    suffix = "" if number == 1 else f" {number}"
    icb = _organisation(f"Matrix Integrated Care Board{suffix}", org_type="icb")
    partner = _organisation(f"Matrix Partner Council{suffix}", org_type="la_county")
    spare_organisation = _organisation(f"Matrix Spare Hospice{suffix}", org_type="vcse")
    archived_organisation = _organisation(
        f"Matrix Archived Federation{suffix}", org_type="pcn_gp_federation", is_archived=True
    )
    leader_person = _person("Lee Matrix", icb, user_id=leader.id, job_title="Chief executive")
    leader_person.pas = [pa]
    person = _person(
        "Alex Partner", partner, is_main_contact=True, email=f"alex.partner{number}@example.org"
    )
    colleague = _person("Casey Colleague", partner, job_title="Director of adult social care")
    spare_person = _person("Sam Spare", partner)
    archived_person = _person("Ari Archived", partner, is_archived=True)
    closure = ClosureDay(day=future_working_day(90 + 7 * number), reason="Matrix closure day")
    db.session.add(closure)
    db.session.flush()

    decision = decision_service.create_decision(
        leader,
        DecisionInput(
            title="Public plan for winter beds",
            kind="decision",
            owner_person_id=leader_person.id,
            event_at=(utcnow() + timedelta(days=8)).replace(microsecond=0),
            lead_time=5,
            sensitivity="internal",
        ),
    )
    [requirement] = decision_service.add_partners(
        leader, decision, [PartnerInput(person_id=person.id, reason="They run the beds")]
    )
    # A general relationship contact (no decision), so the requirement stays pending.
    briefing, _ = briefing_service.log_briefing(
        leader,
        BriefingInput(
            occurred_at=(utcnow() - timedelta(days=3)).replace(microsecond=0),
            channel="call",
            person_ids=[person.id],
            briefed_by_person_id=leader_person.id,
            summary="Catch-up on winter pressures",
        ),
    )
    world.organisation_name = partner.name
    tokens = {
        kind: csv_import.store_upload(
            leader, kind, f"{kind}.csv", import_csv(world, kind, f"Matrix Previewed {kind}")
        ).token
        for kind in ("organisations", "people")
    }
    db.session.commit()

    world.organisation_id = partner.id
    world.person_id = person.id
    world.colleague_id = colleague.id
    world.leader_person_id = leader_person.id
    world.spare_organisation_id = spare_organisation.id
    world.spare_person_id = spare_person.id
    world.archived_organisation_id = archived_organisation.id
    world.archived_person_id = archived_person.id
    world.decision_id = decision.id
    world.requirement_id = requirement.id
    world.briefing_id = briefing.id
    world.closure_id = closure.id
    world.import_tokens = tokens


def _store_account_things(world: World) -> None:
    """An API token and a calendar address per role, a spare token of the leader's, and a
    failed reminder email (to the admin, about the world's requirement) for the outbox."""
    users = {role: db.session.get(User, info.id) for role, info in world.users.items()}
    for role, user in users.items():
        assert user is not None
        _token, world.api_tokens[role] = api_tokens.create_token(user, f"Matrix {role}")
        world.calendar_tokens[role] = calendar_feeds.create_or_rotate(
            user, world.app.config["SECRET_KEY"]
        )
    spare, _secret = api_tokens.create_token(users[Role.LEADER.value], "Matrix spare")
    now = utcnow()
    reminder = Reminder(
        requirement_id=world.requirement_id,
        decision_id=world.decision_id,
        recipient_user_id=world.users[Role.ADMIN.value].id,
        kind=KNOWN_KINDS[0],
        for_day=now.date() - timedelta(days=400),  # not a day the scheduler uses
        send_at=now - timedelta(hours=1),
        status=ReminderStatus.FAILED.value,
        attempts=5,
        last_error="Matrix: the mail server refused the connection",
    )
    db.session.add(reminder)
    db.session.commit()
    world.revocable_token_id = spare.id
    world.reminder_id = reminder.id


def upload_file(kind: str, content: bytes) -> Path:
    """`content` in a file that lives as long as the test run (uploads open it by path)."""
    folder = Path(tempfile.gettempdir()) / "no-surprises-matrix-uploads"
    folder.mkdir(exist_ok=True)
    path = folder / f"{kind}-{hashlib.sha256(content).hexdigest()[:16]}.csv"
    if not path.exists():
        path.write_bytes(content)
    return path


def client_for(world: World, role: str) -> FlaskClient:
    """A test client signed in as the world's user with `role` (or not signed in)."""
    client = world.app.test_client()
    if role != ANONYMOUS:
        AuthActions(client).login_as(world.users[role])
    return client


def api_client_for(world: World, role: str) -> FlaskClient:
    """A client sending the role's API token on every request (none when anonymous).

    It has no session: cookies never authenticate the API anyway.
    """
    client = world.app.test_client()
    if role != ANONYMOUS:
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {world.api_tokens[role]}"
        # Its first use records the token's last-used time: done here, so the snapshots
        # taken around refused writes compare like with like.
        assert client.get("/api/v1/me").status_code == 200
    return client


def any_csrf_token(client: FlaskClient, role: str) -> str:
    """A valid token for this client's session, from a page every such user can open."""
    page = "/sign-in" if role == ANONYMOUS else "/accessibility"
    return csrf_token_from(client.get(page).get_data(as_text=True))


def snapshot(app: Flask) -> dict[str, list[str]]:
    """Every stored row of every table, to prove a refused request changed nothing."""
    with app.app_context():
        state = {
            table.name: sorted(repr(tuple(row)) for row in db.session.execute(select(table)))
            for table in Base.metadata.sorted_tables
        }
        db.session.remove()
    return state


def row_counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        counts = {
            table.name: db.session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }
        db.session.remove()
    return counts


def check_status(response: TestResponse, expected: Expect, what: str) -> None:
    status, location = expected if isinstance(expected, tuple) else (expected, None)
    body = response.get_data(as_text=True)
    assert response.status_code == status, (
        f"{what}: expected {status}, got {response.status_code}\n{body[:500]}"
    )
    if location is not None:
        assert response.location.startswith(location), (
            f"{what}: expected a redirect to {location}…, got {response.location}"
        )


def assert_same_site_redirect(response: TestResponse, what: str) -> None:
    if 300 <= response.status_code < 400:
        location = response.location
        assert location.startswith("/"), f"{what}: redirect leaves the site: {location!r}"
        assert not location.startswith("//"), f"{what}: redirect leaves the site: {location!r}"


def assert_security_headers(response: TestResponse, what: str) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp, f"{what}: CSP without frame-ancestors: {csp!r}"
    match = re.search(r"script-src ([^;]+)", csp)
    assert match, f"{what}: CSP without script-src: {csp!r}"
    assert "'unsafe-inline'" not in match.group(1), f"{what}: CSP allows inline scripts"
    assert re.search(r"'nonce-[A-Za-z0-9_-]{20,}'", match.group(1)), f"{what}: no CSP nonce"
    assert "object-src 'none'" in csp, f"{what}: CSP allows plugins"
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    assert headers.get("Referrer-Policy") == "strict-origin-when-cross-origin", what
    assert headers.get("X-Frame-Options") == "DENY", what
    assert headers.get("Cross-Origin-Opener-Policy") == "same-origin", what
    assert "camera=()" in headers.get("Permissions-Policy", ""), what


def assert_no_store(response: TestResponse, what: str) -> None:
    directives = {
        part.strip().lower() for part in response.headers.get("Cache-Control", "").split(",")
    }
    # "no-store", optionally with "private" (calendar feeds say both), never "public".
    assert directives in ({"no-store"}, {"no-store", "private"}), (
        f"{what}: pages can hold confidential material and must not be cached, "
        f"got Cache-Control {response.headers.get('Cache-Control')!r}"
    )


def assert_kind(response: TestResponse, kind: str, what: str) -> None:
    """A successful response is what the route declares (and downloads are attachments)."""
    expected = CONTENT_TYPES[kind]
    assert response.mimetype == expected, f"{what}: expected {expected}, got {response.mimetype}"
    if kind in {"csv", "ics"} and response.status_code == 200:
        disposition = response.headers.get("Content-Disposition", "")
        assert disposition.startswith("attachment"), (
            f"{what}: downloads need Content-Disposition: attachment, got {disposition!r}"
        )


def assert_no_hidden_markers(world: World, role: str, body: str, what: str) -> None:
    # Calendar files fold long lines (RFC 5545): unfold, so a marker split by a fold counts.
    body = body.replace("\r\n ", "").replace("\r\n\t", "")
    for obj in world.restricted:
        if role not in obj.visible_to:
            assert obj.marker not in body, (
                f"{what}: {role} may not see restricted object {obj.id}, "
                f"but its marker {obj.marker!r} is in the response"
            )


def posting_role(case: RouteCase) -> str:
    """A role whose valid POST to the route succeeds, preferring one that can open its form."""
    assert case.post is not None, f"{case.endpoint} takes no POST"

    def succeeds(expected: Expect) -> bool:
        status, location = expected if isinstance(expected, tuple) else (expected, "")
        return status in {200, 302} and not location.startswith("/sign-in?next=")

    allowed = [role for role in ROLES if succeeds(case.post[role])]
    assert allowed, f"{case.endpoint}: no role may POST to it"
    with_form = [role for role in allowed if case.get is not None and case.get[role] == 200]
    return (with_form or allowed)[0]
