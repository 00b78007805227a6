"""Personal access tokens: create, list, revoke, and authenticate API requests."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from tracker.domain.errors import InvalidInput
from tracker.extensions import db
from tracker.models import ApiToken, User, utcnow
from tracker.services import audit

# "nst_" (No Surprises token) makes leaked tokens easy to spot in logs and secret scanners.
TOKEN_PREFIX = "nst_"  # noqa: S105  (a public marker, not a secret)
PREFIX_LENGTH = len(TOKEN_PREFIX) + 8
NAME_MAX = 100
# last_used_at is a hint for people, not an audit log: writing it on every request would
# turn every read into a write, so it is refreshed at most this often per token.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenError(InvalidInput):
    """A token change the rules refuse."""


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; the secret is returned once and never stored."""
    name = " ".join((name or "").split())
    if not name:
        raise TokenError("Enter a name for the token", "name")
    if len(name) > NAME_MAX:
        raise TokenError(f"The name must be {NAME_MAX} characters or fewer", "name")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=hash_secret(secret),
        prefix=secret[:PREFIX_LENGTH],
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        actor=user,
        entity_type="api_token",
        entity_id=token.id,
        action="created",
        changes={"name": [None, name], "prefix": [None, token.prefix]},
        summary=f"API token “{name}” created",
    )
    return token, secret


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens, newest first, revoked ones included (they are history)."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id)
        )
    )


def get_own(user: User, token_id: int) -> ApiToken | None:
    """One of the user's own tokens; someone else's token is None (the caller answers 404)."""
    return db.session.scalar(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id)
    )


def revoke(actor: User, token: ApiToken) -> None:
    if token.revoked_at is not None:
        return
    token.revoked_at = utcnow()
    audit.record(
        actor=actor,
        entity_type="api_token",
        entity_id=token.id,
        action="revoked",
        changes={"revoked_at": [None, token.revoked_at]},
        summary=f"API token “{token.name}” revoked",
    )
    db.session.flush()


def authenticate(secret: str) -> ApiToken | None:
    """The live token with this secret whose user is active, or None. See also `touch`."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    digest = hash_secret(secret)
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == digest).options(joinedload(ApiToken.user))
    )
    # The lookup is by hash, so timing reveals nothing about the secret; the comparison
    # below only guards against a database collation surprise.
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    if token.revoked_at is not None or not token.user.is_active:
        return None
    return token


def touch_by_id(token_id: int, now: datetime) -> None:
    """`touch` again after the request's transaction was rolled back."""
    token = db.session.get(ApiToken, token_id)
    if token is not None:
        touch(token, now)


def touch(token: ApiToken, now: datetime) -> bool:
    """Record use, at most once per LAST_USED_RESOLUTION; True when a write happened.

    A conditional UPDATE, so concurrent requests on one token write once, not once each.
    """
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return False
    threshold = now - LAST_USED_RESOLUTION
    result = db.session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token.id,
            (ApiToken.last_used_at.is_(None)) | (ApiToken.last_used_at < threshold),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    # Already written by the UPDATE: keep the object in step without a second write.
    set_committed_value(token, "last_used_at", now)
    return bool(result.rowcount)  # type: ignore[attr-defined]
