"""Helpers shared by the security suite: worlds, sign-in per role, stored-state snapshots."""

from __future__ import annotations

import re
from collections.abc import Callable
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
)
from tracker.extensions import db
from tracker.models import Base, Role

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
    world.restricted = [factory(world) for factory in RESTRICTED_FACTORIES]
    return world


def client_for(world: World, role: str) -> FlaskClient:
    """A test client signed in as the world's user with `role` (or not signed in)."""
    client = world.app.test_client()
    if role != ANONYMOUS:
        AuthActions(client).login_as(world.users[role])
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
    assert response.headers.get("Cache-Control") == "no-store", (
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
