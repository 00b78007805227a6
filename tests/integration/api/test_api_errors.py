"""Every API error is JSON with a code and a message, never an HTML page or a 500."""

from __future__ import annotations

import pytest

from tests.integration.api.conftest import ApiClient, in_days, iso
from tracker.models import Role


@pytest.fixture
def api(make_user, api_as) -> ApiClient:
    return api_as(make_user(Role.ADMIN))


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    body = response.json["error"]
    assert body["code"] == code
    assert body["message"]
    return body


def test_400_for_malformed_json(api):
    response = api.post(
        "/api/v1/organisations", data='{"name": "x",', content_type="application/json"
    )
    _error(response, 400, "malformed_json")


def test_401_without_a_token(client):
    body = _error(client.get("/api/v1/organisations"), 401, "unauthorized")
    assert "Bearer" in body["message"]


def test_404_for_unknown_ids_and_paths(api):
    _error(api.get("/api/v1/organisations/424242"), 404, "not_found")
    _error(api.get("/api/v1/organisations/0"), 404, "not_found")
    _error(api.get("/api/v1/organisations/99999999999999999999"), 404, "not_found")
    _error(api.get("/api/v1/no-such-thing"), 404, "not_found")


def test_405_names_the_allowed_methods(api):
    response = api.client.delete(
        "/api/v1/organisations/1", headers={"Authorization": f"Bearer {api.token}"}
    )
    _error(response, 405, "method_not_allowed")
    assert "PATCH" in response.headers["Allow"]


def test_413_for_bodies_over_the_limit(make_app, make_user, make_token):
    small = make_app(MAX_CONTENT_LENGTH=1024)
    secret = make_token(make_user(Role.ADMIN))
    response = small.test_client().post(
        "/api/v1/organisations",
        headers={"Authorization": f"Bearer {secret}"},
        json={"name": "x" * 2000, "org_type": "icb"},
    )
    _error(response, 413, "payload_too_large")


def test_415_for_bodies_that_are_not_json(api):
    for kwargs in (
        {"data": {"name": "x", "org_type": "icb"}},  # a form post
        {"data": "name=x", "content_type": "text/plain"},
        {},  # no body at all where one is needed
    ):
        _error(api.post("/api/v1/organisations", **kwargs), 415, "unsupported_media_type")
    _error(
        api.post("/api/v1/organisations/1/archive", data="x", content_type="text/plain"),
        415,
        "unsupported_media_type",
    )


def test_422_names_each_field(api):
    body = _error(
        api.post(
            "/api/v1/decisions",
            json={
                "title": "",
                "kind": "party",
                "event_at": "2027-03-01T10:00:00",
                "lead_time": 61,
                "surprise": True,
            },
        ),
        422,
        "validation_failed",
    )
    fields = body["fields"]
    assert set(fields) == {"title", "kind", "event_at", "lead_time", "surprise"}
    assert "UTC offset" in fields["event_at"][0]
    assert "event_at" in body["message"]


def test_422_for_nested_and_domain_rules(api_as, world):
    api = api_as(world.leader)
    nested = _error(
        api.post(
            "/api/v1/decisions",
            json={
                "title": "T",
                "kind": "other",
                "event_at": iso(in_days(10)),
                "partners": [{"person_id": "seven"}],
            },
        ),
        422,
        "validation_failed",
    )
    assert "partners.0.person_id" in nested["fields"]

    domain = _error(
        api.post(
            "/api/v1/organisations",
            json={"name": "Somewhere", "org_type": "icb", "ods_code": "not an ods code!"},
        ),
        422,
        "validation_failed",
    )
    assert "ODS code" in domain["fields"]["ods_code"][0]

    duplicate = _error(
        api.post("/api/v1/organisations", json={"name": "northshire icb", "org_type": "icb"}),
        422,
        "validation_failed",
    )
    assert "already exists" in duplicate["fields"]["name"][0]

    embargo = _error(
        api.post(
            "/api/v1/decisions",
            json={
                "title": "Budget",
                "kind": "announcement",
                "event_at": iso(in_days(10)),
                "sensitivity": "embargoed",
            },
        ),
        422,
        "validation_failed",
    )
    assert "embargo_lifts_at" in embargo["fields"]

    future = _error(
        api.post(
            "/api/v1/briefings",
            json={
                "occurred_at": iso(in_days(2)),
                "channel": "call",
                "person_ids": [world.partner_ids[0]],
            },
        ),
        422,
        "validation_failed",
    )
    assert future["fields"]["occurred_at"] == ["The briefing must have already happened"]


def test_422_for_bad_query_parameters(api):
    body = _error(
        api.get("/api/v1/decisions?per_page=201&page=0&event_from=yesterday&colour=red"),
        422,
        "validation_failed",
    )
    assert set(body["fields"]) == {"per_page", "page", "event_from", "colour"}


def test_text_postgresql_cannot_store_is_refused_not_a_500(api):
    body = _error(
        api.post("/api/v1/organisations", json={"name": "Nul\x00Body", "org_type": "icb"}),
        422,
        "validation_failed",
    )
    assert "name" in body["fields"]
    _error(api.get("/api/v1/organisations?q=a%00b"), 422, "validation_failed")


def test_429_when_the_token_is_over_its_limit(make_app, make_user, make_token):
    limited = make_app(API_RATE_LIMIT="3 per minute")
    user = make_user()
    secret, other = make_token(user), make_token(user, "Other")
    client = limited.test_client()
    for _ in range(3):
        assert (
            client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code
            == 200
        )
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    _error(response, 429, "rate_limited")
    assert "Retry-After" in response.headers
    # The budget is per token, across every resource.
    assert (
        client.get("/api/v1/decisions", headers={"Authorization": f"Bearer {secret}"}).status_code
        == 429
    )
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {other}"}).status_code == 200


def test_web_pages_keep_their_html_error_pages(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_server_errors_are_json_too(app, api, monkeypatch):
    from tracker.api import me

    def explode(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(me.people, "person_for_user", explode)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        _error(api.get("/api/v1/me"), 500, "server_error")
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
