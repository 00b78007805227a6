"""The web's actor: the signed-in user, once per request, as the services want it."""

from __future__ import annotations

from flask import g
from flask_login import current_user

from tracker.services.actor import Actor


def current_actor() -> Actor:
    """The signed-in user (or nobody) acting through their browser session.

    Kept for the request, so the circle it looks up once serves every part of the page.
    """
    user = current_user._get_current_object() if current_user.is_authenticated else None
    actor: Actor | None = g.get("web_actor")
    if actor is None or actor.user is not user:
        actor = Actor.of(user) if user is not None else Actor(user=None)
        g.web_actor = actor
    return actor
