"""Every route that accepts a body refuses one larger than MAX_CONTENT_LENGTH with 413."""

from __future__ import annotations

import io

import pytest

from tests.conftest import AuthActions, csrf_token_from
from tests.security.helpers import api_client_for, build_world, posting_role, snapshot
from tests.security.route_matrix import ANONYMOUS, ROUTES, RouteCase

LIMIT = 2048


@pytest.mark.parametrize(
    "case",
    [c for c in ROUTES if c.post is not None and c.auth == "session"],
    ids=lambda case: case.endpoint,
)
@pytest.mark.parametrize("encoding", ["form", "multipart-file"])
def test_oversized_post_is_refused(make_app, make_user, case: RouteCase, encoding: str):
    small = make_app(MAX_CONTENT_LENGTH=LIMIT)
    world = build_world(small, make_user)
    role = posting_role(case)
    client = small.test_client()
    if role != ANONYMOUS:
        AuthActions(client).login_as(world.users[role])
    page = "/sign-in" if role == ANONYMOUS else "/accessibility"
    token = csrf_token_from(client.get(page).get_data(as_text=True))
    data: dict[str, object] = {**(case.form(world) if case.form else {}), "csrf_token": token}
    if encoding == "form":
        data["padding"] = "x" * (LIMIT * 2)
    else:
        data["file"] = (io.BytesIO(b"a,b\n" * LIMIT), "big.csv")
    before = snapshot(small)

    response = client.post(case.url(world), data=data)

    assert response.status_code == 413, f"{case.endpoint}: got {response.status_code}"
    assert "too large" in response.get_data(as_text=True)
    assert snapshot(small) == before


@pytest.mark.parametrize(
    "case",
    [c for c in ROUTES if c.auth == "bearer" and (c.post or c.patch)],
    ids=lambda case: case.endpoint,
)
def test_oversized_api_body_is_refused(make_app, make_user, case: RouteCase):
    small = make_app(MAX_CONTENT_LENGTH=LIMIT)
    world = build_world(small, make_user)
    client = api_client_for(world, "admin")
    body = {**(case.json(world) if case.json else {}), "padding": "x" * (LIMIT * 2)}
    before = snapshot(small)

    response = client.open(case.url(world), method="POST" if case.post else "PATCH", json=body)

    assert response.status_code == 413, f"{case.endpoint}: got {response.status_code}"
    assert response.mimetype == "application/json"
    assert snapshot(small) == before
