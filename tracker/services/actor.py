"""The actor: whoever a service acts for.

Every service that reads or changes a decision, requirement, briefing, reminder, token or
import batch takes the actor and decides, itself, what the actor may see and do. Views,
the API, CLI commands and jobs only say who is acting:

- `Actor.of(user)` for a signed-in user (the web keeps one per request);
- `Actor.of(user, via=Via.API, token_id=...)` for an API token's user;
- `Actor.job()` for the scheduler and CLI jobs, which act for nobody in particular and
  check visibility against each recipient instead.

Services accept a `User` where an `Actor` is expected (`as_actor`), so callers that only
have the user (tests, the CLI) need no ceremony.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from tracker.domain.visibility import ViewerFacts
from tracker.domain.vocabulary import Role
from tracker.extensions import db
from tracker.models import Person, User, person_pa

_GENERATION = "tracker_flush_generation"


class Via(enum.StrEnum):
    SESSION = "session"
    API = "api"
    JOB = "job"


@dataclass(eq=False)
class Actor:
    user: User | None
    via: Via = Via.SESSION
    token_id: int | None = None
    _circle: tuple[int, frozenset[int]] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, user: User | Actor, via: Via = Via.SESSION, token_id: int | None = None) -> Actor:
        if isinstance(user, Actor):
            return user
        return cls(user=user, via=via, token_id=token_id)

    @classmethod
    def job(cls) -> Actor:
        return cls(user=None, via=Via.JOB)

    # --- who ----------------------------------------------------------------------------

    @property
    def is_signed_in(self) -> bool:
        return self.user is not None and bool(self.user.is_active)

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user is not None else None

    @property
    def role(self) -> str | None:
        return self.user.role if self.user is not None else None

    def has_role(self, *roles: Role) -> bool:
        return self.is_signed_in and self.role in {r.value for r in roles}

    @property
    def is_admin(self) -> bool:
        return self.has_role(Role.ADMIN)

    def require_user(self) -> User:
        """The user behind this actor; jobs act for nobody and may not call this."""
        if self.user is None:
            raise RuntimeError("this service needs a user to act for")
        return self.user

    # --- the circle -----------------------------------------------------------------------

    def circle_person_ids(self) -> frozenset[int]:
        """The people this actor acts as: their own Person record and, while their role
        is PA, the leaders they assist.

        Several parts of one page ask (lists, counts, the header); the answer is kept
        until the session next flushes (a flush may change who assists whom).
        """
        if self.user is None or not self.user.is_active:
            return frozenset()
        generation = _generation(db.session())
        if self._circle is not None and self._circle[0] == generation:
            return self._circle[1]
        own = select(Person.id).where(Person.user_id == self.user.id)
        statement: Any = own
        if self.user.role == Role.PA.value:
            assisted = select(person_pa.c.person_id).where(person_pa.c.user_id == self.user.id)
            statement = own.union(assisted)
        ids = frozenset(db.session.scalars(statement))
        self._circle = (generation, ids)
        return ids

    def viewer_facts(self) -> ViewerFacts | None:
        if self.user is None:
            return None
        return ViewerFacts(
            user_id=self.user.id,
            role=self.user.role,
            is_active=bool(self.user.is_active),
            circle_person_ids=self.circle_person_ids(),
        )


Who = User | Actor


_ACTORS = "tracker_actors"


def as_actor(who: Who | None) -> Actor:
    """The actor for `who`. A plain user gets the same Actor for as long as the session
    lives, so what it looked up once (its circle, its systems) serves every call."""
    if who is None:
        return Actor(user=None)
    if isinstance(who, Actor):
        return who
    user = getattr(who, "_get_current_object", lambda: who)()
    actors: dict[int, Actor] = db.session.info.setdefault(_ACTORS, {})
    actor = actors.get(id(user))
    if actor is None or actor.user is not user:
        actor = Actor.of(user)
        actors[id(user)] = actor
    return actor


def _generation(session: Session) -> int:
    return int(session.info.get(_GENERATION, 0))


@event.listens_for(Session, "after_flush")
def _count_flushes(session: Session, _context: object) -> None:
    session.info[_GENERATION] = _generation(session) + 1


@event.listens_for(Session, "after_rollback")
def _count_rollbacks(session: Session) -> None:
    session.info[_GENERATION] = _generation(session) + 1
