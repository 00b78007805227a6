"""Fixtures for the API: tokens, a token-carrying client, and a small world of records."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import UserInfo
from tracker.extensions import db
from tracker.models import Role, User, utcnow
from tracker.services import api_tokens, people
from tracker.services import organisations as organisation_service
from tracker.services.actor import Actor


@dataclass
class ApiClient:
    """A test client that sends a bearer token (and never a cookie it did not get)."""

    client: FlaskClient
    token: str

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **(extra or {})}

    def get(self, path: str, headers: dict[str, str] | None = None, **kw: Any) -> TestResponse:
        return self.client.get(path, headers=self._headers(headers), **kw)

    def post(self, path: str, headers: dict[str, str] | None = None, **kw: Any) -> TestResponse:
        return self.client.post(path, headers=self._headers(headers), **kw)

    def patch(self, path: str, headers: dict[str, str] | None = None, **kw: Any) -> TestResponse:
        return self.client.patch(path, headers=self._headers(headers), **kw)


@pytest.fixture
def make_token(app: Flask) -> Callable[..., str]:
    def factory(user: UserInfo, name: str = "Test token") -> str:
        with app.app_context():
            owner = db.session.get(User, user.id)
            assert owner is not None
            _, secret = api_tokens.create_token(owner, name)
            db.session.commit()
            return secret

    return factory


@pytest.fixture
def api_as(app: Flask, make_token: Callable[..., str]) -> Callable[[UserInfo], ApiClient]:
    def factory(user: UserInfo) -> ApiClient:
        return ApiClient(app.test_client(), make_token(user))

    return factory


@dataclass
class World:
    admin: UserInfo
    leader: UserInfo
    pa: UserInfo
    manager: UserInfo
    viewer: UserInfo
    other_leader: UserInfo
    icb_id: int
    council_id: int
    leader_person_id: int
    other_leader_person_id: int
    partner_ids: list[int]


@pytest.fixture
def world(app: Flask, make_user: Callable[..., UserInfo]) -> World:
    """An ICB leader (with a PA), another leader, a manager, a viewer, and council partners."""
    admin = make_user(Role.ADMIN)
    leader = make_user(Role.LEADER)
    pa = make_user(Role.PA)
    manager = make_user(Role.MANAGER)
    viewer = make_user(Role.VIEWER)
    other_leader = make_user(Role.LEADER)
    system = Actor.job()  # records someone set up earlier
    with app.app_context():
        icb = organisation_service.create(
            system, organisation_service.OrganisationData(name="Northshire ICB", org_type="icb")
        )
        council = organisation_service.create(
            system,
            organisation_service.OrganisationData(
                name="Northshire County Council", org_type="la_county"
            ),
        )
        lead = people.create(
            system, people.PersonData(full_name="Lee Leader", organisation_id=icb.id)
        )
        people.set_linked_user(system, lead, leader.id)
        people.set_pas(system, lead, [pa.id])
        other = people.create(
            system, people.PersonData(full_name="Olu Other", organisation_id=icb.id)
        )
        people.set_linked_user(system, other, other_leader.id)
        partners = [
            people.create(system, people.PersonData(full_name=name, organisation_id=council.id))
            for name in ("Sam Patel", "Kim Jones")
        ]
        db.session.commit()
        return World(
            admin=admin,
            leader=leader,
            pa=pa,
            manager=manager,
            viewer=viewer,
            other_leader=other_leader,
            icb_id=icb.id,
            council_id=council.id,
            leader_person_id=lead.id,
            other_leader_person_id=other.id,
            partner_ids=[p.id for p in partners],
        )


def iso(value: datetime) -> str:
    return value.isoformat()


def in_days(days: int, hour: int = 10) -> datetime:
    return (utcnow() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)
