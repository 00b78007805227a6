"""Fixtures for the registers: records made straight through the services, signed-in clients."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from tests.conftest import AuthActions, UserInfo
from tracker.extensions import db
from tracker.models import Organisation, Person, Role
from tracker.services import organisations as organisation_service
from tracker.services import people as people_service
from tracker.services.actor import Actor


@pytest.fixture
def make_org(app: Flask) -> Callable[..., int]:
    def factory(name: str = "Northshire ICB", org_type: str = "icb", **fields: Any) -> int:
        archived = fields.pop("is_archived", False)
        with app.app_context():
            organisation = organisation_service.create(
                Actor.job(),
                organisation_service.OrganisationData(name=name, org_type=org_type, **fields),
            )
            organisation.is_archived = archived
            db.session.commit()
            return organisation.id

    return factory


@pytest.fixture
def make_person(app: Flask, make_org: Callable[..., int]) -> Callable[..., int]:
    def factory(
        full_name: str = "Sam Jones", organisation_id: int | None = None, **fields: Any
    ) -> int:
        archived = fields.pop("is_archived", False)
        user_id = fields.pop("user_id", None)
        pa_ids = fields.pop("pa_ids", [])
        if organisation_id is None:
            with app.app_context():
                existing = organisation_service.get_by_name("Northshire ICB")
                organisation_id = existing.id if existing else None
            if organisation_id is None:
                organisation_id = make_org()
        with app.app_context():
            person = people_service.create(
                Actor.job(),
                people_service.PersonData(
                    full_name=full_name, organisation_id=organisation_id, **fields
                ),
            )
            person.is_archived = archived
            if user_id is not None:
                people_service.set_linked_user(Actor.job(), person, user_id)
            if pa_ids:
                people_service.set_pas(Actor.job(), person, pa_ids)
            db.session.commit()
            return person.id

    return factory


@pytest.fixture
def sign_in(app: Flask, make_user: Callable[..., UserInfo]) -> Callable[..., AuthActions]:
    """A fresh client signed in with a new user of the given role."""

    def factory(role: Role | str = Role.LEADER, **kwargs: Any) -> AuthActions:
        auth = AuthActions(app.test_client())
        auth.login_as(make_user(role, **kwargs))
        return auth

    return factory


@pytest.fixture
def load(app: Flask) -> Callable[[type, int], Any]:
    """Load a record in a short app context (attributes loaded, detached) for assertions."""

    def loader(model: type[Organisation] | type[Person], record_id: int) -> Any:
        with app.app_context():
            record = db.session.get(model, record_id)
            if record is not None:
                db.session.refresh(record)
                db.session.expunge(record)
            return record

    return loader
