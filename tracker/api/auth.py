"""Bearer-token authentication. The API never looks at the session cookie.

That is what makes exempting the API from CSRF safe: a browser attaches cookies to a
forged cross-site request, but it cannot attach someone's bearer token.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import g, request
from flask_smorest import abort

from tracker.api.errors import AUTHENTICATE
from tracker.services import api_tokens
from tracker.services.actor import Actor, Via

if TYPE_CHECKING:
    from tracker.models import ApiToken, User

_UNSET = object()


def bearer_secret() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def current_token() -> ApiToken | None:
    """The request's live token, looked up once per request (the rate limiter asks first)."""
    cached = g.get("api_token", _UNSET)
    if cached is not _UNSET:
        return cached  # type: ignore[return-value]
    secret = bearer_secret()
    token = api_tokens.authenticate(secret) if secret else None
    if token is not None:
        # Part of the request's unit of work, and kept even when the request fails.
        api_tokens.record_use(token)
    g.api_token = token
    return token


def require_token() -> None:
    """before_request for every API blueprint: a valid token, or 401."""
    if current_token() is None:
        presented = bearer_secret() is not None
        abort(
            401,
            code="invalid_token" if presented else "unauthorized",
            message=(
                "The API token is not valid: it may be mistyped, revoked, or its user disabled."
                if presented
                else "Send an API token: Authorization: Bearer <token>."
            ),
            headers={
                "WWW-Authenticate": AUTHENTICATE + (', error="invalid_token"' if presented else "")
            },
        )


def current_user() -> User:
    token = current_token()
    if token is None:  # require_token ran first; this is a programming error
        raise RuntimeError("API view reached without an authenticated token")
    return token.user


def current_actor() -> Actor:
    """The token's user, acting through the token: what the services are given."""
    actor = g.get("api_actor")
    if actor is None:
        token = current_token()
        if token is None:  # require_token ran first; this is a programming error
            raise RuntimeError("API view reached without an authenticated token")
        actor = Actor.of(token.user, via=Via.API, token_id=token.id)
        g.api_actor = actor
    return actor


def rate_limit_key() -> str:
    """Per token when there is one; per address otherwise, so guessing tokens is limited too."""
    token = current_token()
    if token is not None:
        return f"api-token:{token.id}"
    return f"api-anonymous:{request.remote_addr or 'unknown'}"
