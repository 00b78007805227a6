"""Every route that accepts a body refuses one larger than MAX_CONTENT_LENGTH with 413."""

from __future__ import annotations

import io

import pytest

from tests.conftest import AuthActions, csrf_token_from
from tests.security.helpers import build_world, posting_role, snapshot
from tests.security.route_matrix import ANONYMOUS, ROUTES, RouteCase

LIMIT = 2048


@pytest.mark.parametrize(
    "case", [c for c in ROUTES if c.post is not None], ids=lambda case: case.endpoint
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
