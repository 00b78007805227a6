"""Personal access tokens: create, list, revoke, and authenticate API requests.

A token is its owner's alone: `create_token`, `tokens_of`, `get_own` and `revoke` act
for the actor's own tokens, and someone else's token is `NotFound` (as if it did not
exist). Tokens act with their user's role and visibility; the API's actor is
`Actor.of(token.user, via=Via.API, token_id=token.id)`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from tracker.domain.errors import InvalidInput, NotFound
from tracker.extensions import db
from tracker.models import ApiToken, utcnow
from tracker.services import audit, unit_of_work
from tracker.services.actor import Who, as_actor

# "nst_" (No Surprises token) makes leaked tokens easy to spot in logs and secret scanners.
TOKEN_PREFIX = "nst_"  # noqa: S105  (a public marker, not a secret)
PREFIX_LENGTH = len(TOKEN_PREFIX) + 8
NAME_MAX = 100
# last_used_at is a hint for people, not an audit log: writing it on every request would
# turn every read into a write, so it is refreshed at most this often per token.
LAST_USED_RESOLUTION = timedelta(minutes=1)
NO_SUCH_TOKEN = "There is no API token with this id."  # noqa: S105  (a message, not a secret)


class TokenError(InvalidInput):
    """A token change the rules refuse."""


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(who: Who, name: str) -> tuple[ApiToken, str]:
    """A new token for the actor; the secret is returned once and never stored."""
    user = as_actor(who).require_user()
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


def tokens_of(who: Who) -> list[ApiToken]:
    """The actor's tokens, newest first, revoked ones included (they are history)."""
    user = as_actor(who).require_user()
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id)
        )
    )


def get_own(who: Who, token_id: int) -> ApiToken:
    """One of the actor's own tokens; someone else's token is `NotFound`, like a missing one."""
    user = as_actor(who).require_user()
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id)
    )
    if token is None:
        raise NotFound(NO_SUCH_TOKEN)
    return token


def revoke(who: Who, token: ApiToken | int) -> ApiToken:
    """Revoke one of the actor's own tokens (revoking it again changes nothing)."""
    actor = as_actor(who)
    token = get_own(actor, token if isinstance(token, int) else token.id)
    if token.revoked_at is not None:
        return token
    token.revoked_at = utcnow()
    audit.record(
        actor=actor.require_user(),
        entity_type="api_token",
        entity_id=token.id,
        action="revoked",
        changes={"revoked_at": [None, token.revoked_at]},
        summary=f"API token “{token.name}” revoked",
    )
    db.session.flush()
    return token


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


def record_use(token: ApiToken, now: datetime | None = None) -> None:
    """Note that the token was used, in the request's unit of work.

    The write stands even if the request fails (`unit_of_work.keep_on_rollback`): a
    token that is used only for refused requests still shows when it was last used.
    """
    now = now or utcnow()
    token_id = token.id
    if touch(token, now):
        unit_of_work.keep_on_rollback(lambda: touch_by_id(token_id, now))


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
