"""Personal access tokens: only bearer tokens authenticate; cookies never do."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import csrf_token_from
from tracker.extensions import db
from tracker.models import ApiToken, Organisation, Role, User
from tracker.services import api_tokens, users


def _token_row(app, secret: str) -> ApiToken:
    with app.app_context():
        token = (
            db.session.query(ApiToken).filter_by(token_hash=api_tokens.hash_secret(secret)).one()
        )
        db.session.expunge(token)
        return token


def test_a_token_acts_as_its_user(client, make_user, make_token):
    user = make_user(Role.MANAGER)
    secret = make_token(user, "Power BI")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert response.json["email"] == user.email
    assert response.json["role"] == "manager"
    assert response.json["token_name"] == "Power BI"
    assert secret.startswith(response.json["token_prefix"])
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "application/json"


def test_only_the_hash_of_the_secret_is_stored(app, make_user, make_token):
    secret = make_token(make_user())
    token = _token_row(app, secret)
    assert token.token_hash == api_tokens.hash_secret(secret)
    assert secret not in (token.token_hash, token.prefix)
    assert len(token.prefix) < len(secret) // 2


def test_missing_malformed_and_unknown_tokens_are_401(client, make_user, make_token):
    make_token(make_user())
    for headers in (
        {},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer nst_not-a-real-token"},
        {"Authorization": "Bearer something-else"},
    ):
        response = client.get("/api/v1/decisions", headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.json["error"]["code"] in {"unauthorized", "invalid_token"}


def test_revoked_tokens_stop_working(app, client, make_user, make_token):
    user = make_user()
    secret = make_token(user)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    with app.app_context():
        owner = db.session.get(User, user.id)
        token = api_tokens.tokens_of(owner)[0]
        api_tokens.revoke(owner, token)
        db.session.commit()
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "invalid_token"
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_disabled_users_tokens_stop_working(app, client, make_user, make_token):
    admin = make_user(Role.ADMIN)
    user = make_user()
    secret = make_token(user)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    with app.app_context():
        users.set_active(
            db.session.get(User, admin.id), db.session.get(User, user.id), is_active=False
        )
        db.session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_a_session_cookie_never_authenticates_the_api(client, auth, make_user):
    user = make_user(Role.ADMIN)
    auth.login_as(user)
    assert client.get("/").status_code == 200  # signed in on the web
    for method, path in (
        ("get", "/api/v1/me"),
        ("get", "/api/v1/decisions"),
        ("post", "/api/v1/organisations"),
    ):
        response = getattr(client, method)(path, json={"name": "X", "org_type": "icb"})
        assert response.status_code == 401, path
        assert response.json["error"]["code"] == "unauthorized"


def test_last_used_is_written_at_most_once_a_minute(app, client, make_user, make_token):
    secret = make_token(make_user())
    headers = {"Authorization": f"Bearer {secret}"}
    assert _token_row(app, secret).last_used_at is None
    client.get("/api/v1/me", headers=headers)
    first = _token_row(app, secret).last_used_at
    assert first is not None
    client.get("/api/v1/me", headers=headers)
    assert _token_row(app, secret).last_used_at == first
    with app.app_context():
        token = db.session.get(ApiToken, _token_row(app, secret).id)
        assert api_tokens.touch(token, first + timedelta(seconds=30)) is False
        assert api_tokens.touch(token, first + timedelta(seconds=61)) is True
        db.session.commit()
    assert _token_row(app, secret).last_used_at == first + timedelta(seconds=61)


def test_last_used_is_kept_when_the_request_fails(app, client, make_user, make_token):
    # The token's use is part of the request's unit of work, yet a failed request (rolled
    # back) still records it: a token used only for refused requests shows its last use.
    secret = make_token(make_user(Role.VIEWER))
    headers = {"Authorization": f"Bearer {secret}"}
    refused = client.post(
        "/api/v1/organisations", headers=headers, json={"name": "X", "org_type": "icb"}
    )
    assert refused.status_code == 403
    assert _token_row(app, secret).last_used_at is not None
    with app.app_context():
        assert db.session.query(Organisation).filter_by(name="X").count() == 0


def test_create_token_command_prints_the_token_once(app, runner, make_user):
    user = make_user(email="lee@example.org")
    result = runner.invoke(args=["create-token", "--email", "LEE@example.org", "--name", "Excel"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip()
    assert secret.startswith(api_tokens.TOKEN_PREFIX)
    client = app.test_client()
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.json["id"] == user.id
    assert me.json["token_name"] == "Excel"

    missing = runner.invoke(args=["create-token", "--email", "nobody@example.org"])
    assert missing.exit_code != 0
    assert "no user" in missing.output


def test_account_page_creates_lists_and_revokes_tokens(app, client, auth, make_user):
    user = make_user()
    other = make_user()
    auth.login_as(user)
    page = client.get("/account/tokens")
    assert page.status_code == 200
    assert "You have no API tokens" in page.get_data(as_text=True)

    # Blank names are refused with the NHS error summary.
    refused = auth.post("/account/tokens", data={"name": " "})
    assert refused.status_code == 200
    assert "<title>Error:" in refused.get_data(as_text=True)

    created = auth.post("/account/tokens", data={"name": "Power BI"})
    html = created.get_data(as_text=True)
    assert created.status_code == 200
    assert created.headers["Cache-Control"] == "no-store"
    secret = html.split('id="api-token">', 1)[1].split("<", 1)[0]
    assert secret.startswith(api_tokens.TOKEN_PREFIX)

    listing = client.get("/account/tokens").get_data(as_text=True)
    assert "Power BI" in listing
    assert secret not in listing  # shown once only
    assert secret[: api_tokens.PREFIX_LENGTH] in listing
    assert "Never" in listing

    api = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    assert api.get("/api/v1/me", headers=headers).status_code == 200

    with app.app_context():
        token_id = api_tokens.tokens_of(db.session.get(User, user.id))[0].id
    confirm = client.get(f"/account/tokens/{token_id}/revoke")
    assert "Revoke the token" in confirm.get_data(as_text=True)
    token = csrf_token_from(confirm.get_data(as_text=True))
    done = client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": token})
    assert done.status_code == 302
    assert api.get("/api/v1/me", headers=headers).status_code == 401
    assert "Revoked" in client.get("/account/tokens").get_data(as_text=True)

    # Someone else's token does not exist, as far as this user can tell.
    auth.logout()
    auth.login_as(other)
    assert client.get(f"/account/tokens/{token_id}/revoke").status_code == 404


def test_api_docs_page_is_for_signed_in_users(client, auth, make_user):
    assert client.get("/api/docs").status_code == 302
    auth.login_as(make_user(Role.VIEWER))
    page = client.get("/api/docs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "/api/v1/decisions/{decision_id}/partners" in html
    assert "Authorization: Bearer" in html
    # Rendered here, from our own template: nothing loaded from a CDN (the CSP forbids it).
    assert "swagger" not in html.lower()
    assert 'src="http' not in html


def test_openapi_document_is_public_and_complete(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json
    assert document["openapi"].startswith("3.")
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            codes = set(operation["responses"])
            assert {"401", "429"} <= codes, (method, path)
            if method in {"post", "patch"}:
                assert "415" in codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)


def test_the_token_service_serves_only_the_owner(app, make_user, make_token):
    from tracker.domain.errors import NotFound

    owner = make_user()
    other = make_user(Role.ADMIN)  # not even an admin may reach someone else's token
    make_token(owner)
    with app.app_context():
        token = api_tokens.tokens_of(db.session.get(User, owner.id))[0]
        someone = db.session.get(User, other.id)
        assert api_tokens.tokens_of(someone) == []
        with pytest.raises(NotFound):
            api_tokens.get_own(someone, token.id)
        with pytest.raises(NotFound):
            api_tokens.revoke(someone, token.id)
        with pytest.raises(NotFound):
            api_tokens.revoke(someone, token)
        assert token.revoked_at is None
        with pytest.raises(NotFound):
            api_tokens.get_own(db.session.get(User, owner.id), 9999)
        revoked = api_tokens.revoke(db.session.get(User, owner.id), token.id)
        assert revoked.revoked_at is not None
        db.session.rollback()


def test_a_token_is_created_for_the_actor_itself(app, make_user):
    owner = make_user()
    with app.app_context():
        token, secret = api_tokens.create_token(db.session.get(User, owner.id), "Mine")
        assert token.user_id == owner.id
        assert api_tokens.authenticate(secret) is token
        db.session.rollback()
