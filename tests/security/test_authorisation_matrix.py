"""Every route × every role × (public and restricted objects): allowed statuses only.

The routes come from `app.url_map`, so a new route without an entry in
`tests/security/route_matrix.py` fails `test_every_route_is_in_the_matrix`.
"""

from __future__ import annotations

import pytest
from flask import Flask
from werkzeug.exceptions import HTTPException

from tests.security.helpers import (
    any_csrf_token,
    api_client_for,
    assert_kind,
    assert_no_hidden_markers,
    assert_no_store,
    assert_same_site_redirect,
    assert_security_headers,
    build_world,
    check_status,
    client_for,
    snapshot,
)
from tests.security.route_matrix import (
    ANONYMOUS,
    CASES_BY_ENDPOINT,
    EXCLUDED,
    ROLES,
    ROUTES,
    RouteCase,
    World,
)
from tracker.api.errors import API_PREFIX

SUPPORTED_METHODS = {"GET", "POST", "PATCH"}
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _placeholder_world(app: Flask) -> World:
    return World(app=app, users={}, target_user_id=1)


def _rule_problems(rule) -> list[str]:
    """What is wrong between one route and its RouteCase."""
    methods = set(rule.methods or ()) - IGNORED_METHODS
    case = CASES_BY_ENDPOINT.get(rule.endpoint)
    if case is None:
        return [
            f"route {rule.rule} (endpoint {rule.endpoint!r}, {sorted(methods)}) has no "
            "RouteCase in tests/security/route_matrix.py: add one saying who may use it"
        ]
    problems = []
    if unsupported := methods - SUPPORTED_METHODS:
        problems.append(
            f"{rule.endpoint}: the matrix only knows GET, POST and PATCH, "
            f"extend it for {sorted(unsupported)}"
        )
    is_api = rule.rule.startswith(API_PREFIX + "/")
    if is_api != (case.auth == "bearer"):
        problems.append(
            f"{rule.endpoint}: routes under {API_PREFIX} (and only those) are bearer routes"
        )
    for method, declared in (("GET", case.get), ("POST", case.post), ("PATCH", case.patch)):
        if (method in methods) != (declared is not None):
            problems.append(
                f"{rule.endpoint}: the route {'accepts' if method in methods else 'refuses'} "
                f"{method} but its RouteCase {'omits' if declared is None else 'declares'} it"
            )
    return problems


def _case_problems(app: Flask, case: RouteCase, adapter) -> list[str]:
    """What is wrong with one RouteCase: roles it leaves out, a url that routes elsewhere."""
    problems = []
    for name, declared in (("get", case.get), ("post", case.post), ("patch", case.patch)):
        if declared is not None and set(declared) != set(ROLES):
            problems.append(f"{case.endpoint}.{name} must give a status for {ROLES}")
    url = case.url(_placeholder_world(app))
    method = "GET" if case.get is not None else "POST"
    try:
        matched, _ = adapter.match(url.split("?")[0], method=method)
    except HTTPException as error:
        problems.append(f"{case.endpoint}: its url {url} does not route ({error})")
    else:
        if matched != case.endpoint:
            problems.append(f"{case.endpoint}: its url {url} routes to {matched}")
    return problems


def test_every_route_is_in_the_matrix(app):
    adapter = app.url_map.bind("localhost")
    rules = list(app.url_map.iter_rules())
    endpoints = {rule.endpoint for rule in rules}
    problems: list[str] = []
    for rule in rules:
        if rule.endpoint not in EXCLUDED:
            problems.extend(_rule_problems(rule))
    for case in ROUTES:
        if case.endpoint not in endpoints:
            problems.append(f"RouteCase {case.endpoint!r} matches no route: remove or rename it")
        else:
            problems.extend(_case_problems(app, case, adapter))
    problems.extend(
        f"EXCLUDED endpoint {name!r} no longer exists" for name in EXCLUDED if name not in endpoints
    )
    assert not problems, "\n".join(problems)


def _case_id(case: RouteCase) -> str:
    return case.endpoint


def _refused(expected, case: RouteCase) -> bool:
    """Whether the expected answer to a write means nothing may have been stored."""
    status = expected[0] if isinstance(expected, tuple) else expected
    if case.auth == "bearer":  # the API answers 200 or 201 when it did what was asked
        return status >= 400
    if status == 200 and case.post_stores_on_200:
        return False
    # 200 to a form POST is the form again, with what was wrong.
    return status in {200, 401, 403, 404} or (
        isinstance(expected, tuple) and expected[1].startswith("/sign-in?next=")
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", ROUTES, ids=_case_id)
def test_route_for_role(app, make_user, case: RouteCase, role: str):
    world = build_world(app, make_user)
    bearer = case.auth == "bearer"
    client = api_client_for(world, role) if bearer else client_for(world, role)
    url = case.url(world)

    if case.get is not None:
        what = f"GET {url} as {role}"
        response = client.get(url)
        check_status(response, case.get[role], what)
        assert_security_headers(response, what)
        assert_same_site_redirect(response, what)
        if response.status_code == 200:
            assert_kind(response, case.kind, what)
        if response.mimetype == "text/html":
            assert_no_store(response, what)
        if bearer and response.status_code >= 400:
            assert response.mimetype == "application/json", f"{what}: API errors are JSON"
        assert_no_hidden_markers(world, role, response.get_data(as_text=True), what)

    if bearer:
        _check_api_writes(app, world, client, case, role, url)
    else:
        _check_form_post(app, world, client, case, role, url)

    if case.restricted_url is not None:
        for obj in world.restricted:
            hidden_url = case.restricted_url(world, obj)
            if hidden_url is None:  # an object of a kind this route does not show
                continue
            response = client.get(hidden_url)
            what = f"GET {hidden_url} (restricted object {obj.id}) as {role}"
            body = response.get_data(as_text=True)
            if role in obj.visible_to:
                assert response.status_code != 404, f"{what}: allowed role gets 404"
            elif role == ANONYMOUS:
                assert response.status_code == (401 if bearer else 302), what
            else:
                assert response.status_code == 404, f"{what}: must be a 404 for {role}"
            assert_no_hidden_markers(world, role, body, what)


def _check_form_post(app, world, client, case: RouteCase, role: str, url: str) -> None:
    token = any_csrf_token(client, role)
    what = f"POST {url} as {role}"
    if case.post is None:
        response = client.post(url, data={"csrf_token": token})
        assert response.status_code == 405, f"{what}: expected 405, got {response.status_code}"
        assert_security_headers(response, what)
        return
    before = snapshot(app)
    data = case.form(world) if case.form else {}
    response = client.post(url, data={**data, "csrf_token": token})
    expected = case.post[role]
    check_status(response, expected, what)
    assert_security_headers(response, what)
    assert_same_site_redirect(response, what)
    assert_no_hidden_markers(world, role, response.get_data(as_text=True), what)
    if _refused(expected, case):
        assert snapshot(app) == before, f"{what} was refused but changed stored data"


def _check_api_writes(app, world, client, case: RouteCase, role: str, url: str) -> None:
    """POST and PATCH with the route's JSON body; methods it does not take are 405."""
    body = case.json(world) if case.json else None
    for method, declared in (("POST", case.post), ("PATCH", case.patch)):
        what = f"{method} {url} as {role}"
        before = snapshot(app)
        response = client.open(url, method=method, json=body)
        if declared is None:
            assert response.status_code == 405, f"{what}: expected 405, got {response.status_code}"
        else:
            check_status(response, declared[role], what)
            if _refused(declared[role], case):
                assert snapshot(app) == before, f"{what} was refused but changed stored data"
        assert response.mimetype == "application/json", f"{what}: API answers are JSON"
        assert_security_headers(response, what)
        assert_no_hidden_markers(world, role, response.get_data(as_text=True), what)


def test_restricted_objects_are_shown_to_those_who_may_see_them(app, make_user):
    """The leak checks above mean something only if the markers are really on the pages."""
    world = build_world(app, make_user)
    decisions = [obj for obj in world.restricted if obj.kind == "decision"]
    briefings = [obj for obj in world.restricted if obj.kind == "briefing"]
    assert decisions
    assert briefings
    for role in ROLES:
        client = client_for(world, role)
        lists = client.get("/decisions/?when=all").get_data(as_text=True)
        my_week = client.get("/my-week").get_data(as_text=True)
        public_page = client.get(f"/decisions/{world.decision_id}").get_data(as_text=True)
        for obj in decisions:
            if role in obj.visible_to:
                assert obj.marker in lists, f"{role} should see restricted decision {obj.id}"
            if role in obj.visible_to and role in {"leader", "pa"}:
                assert obj.marker in my_week, f"{role}'s week should list decision {obj.id}"
        for obj in briefings:
            if role in obj.visible_to:
                assert obj.marker in public_page, f"{role} should see briefing {obj.id}"
    # The same markers reach the circle through the history pages and the API.
    leader = client_for(world, "leader")
    history = leader.get(f"/organisations/{world.organisation_id}/history").get_data(as_text=True)
    api = api_client_for(world, "leader")
    api_decisions = api.get("/api/v1/decisions?per_page=100").get_data(as_text=True)
    api_briefings = api.get("/api/v1/briefings?per_page=100").get_data(as_text=True)
    for obj in decisions:
        assert obj.marker in api_decisions, f"the leader should see decision {obj.id} in the API"
    for obj in briefings:
        assert obj.marker in history, f"the leader should see briefing {obj.id} in the history"
        assert obj.marker in api_briefings, f"the leader should see briefing {obj.id} in the API"


def test_each_calendar_feed_holds_only_what_its_user_may_see(app, make_user):
    """The feed needs no sign-in: its address is the key, so it must hold exactly what
    its own user may see. The leader owns the restricted decisions and the PA assists."""
    world = build_world(app, make_user)
    decisions = [obj for obj in world.restricted if obj.kind == "decision"]
    anonymous = app.test_client()
    for role, token in world.calendar_tokens.items():
        response = anonymous.get(f"/calendar/{token}.ics")
        what = f"{role}'s calendar feed"
        assert response.status_code == 200, what
        assert_kind(response, "ics", what)
        body = response.get_data(as_text=True).replace("\r\n ", "")  # unfolded
        assert_no_hidden_markers(world, role, body, what)
        if role in {"leader", "pa"}:
            for obj in decisions:
                assert obj.marker in body, f"{what} should list decision {obj.id}"
    assert anonymous.get("/calendar/not-a-real-token.ics").status_code == 404
