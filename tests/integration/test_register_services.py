"""The register services decide who may change the registers, whoever calls them.

Called directly (no page, no API), as a CLI command or a job would: viewers and managers
may not add or change records, PAs may add and edit but not archive, restore, delete or
change PAs and account links, and nobody may open someone else's import.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tracker.domain.errors import Forbidden, NotFound
from tracker.extensions import db
from tracker.models import ImportBatch, Organisation, Person, Role, User
from tracker.services import csv_import, registers
from tracker.services import organisations as organisation_service
from tracker.services import people as people_service
from tracker.services.actor import Actor, Via

ORGANISATION = organisation_service.OrganisationData(name="Refused Trust", org_type="icb")
CSV = b"Name,Type\nImported Trust,ICB\n"


def _user(info) -> User:
    user = db.session.get(User, info.id)
    assert user is not None
    return user


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize("role", [Role.VIEWER, Role.MANAGER])
def test_viewers_and_managers_may_not_add_or_change(app, make_user, make_org, role):
    org_id = make_org("Kept Trust", "icb")
    info = make_user(role)
    with app.app_context():
        user = _user(info)
        organisation = db.session.get(Organisation, org_id)
        with pytest.raises(Forbidden, match=r"Your role cannot add organisations\."):
            organisation_service.create(user, ORGANISATION)
        with pytest.raises(Forbidden, match=r"Your role cannot change organisations\."):
            organisation_service.update(user, organisation, ORGANISATION)
        person = people_service.PersonData(full_name="Refused Person", organisation_id=org_id)
        with pytest.raises(Forbidden, match=r"Your role cannot add people\."):
            people_service.create(Actor.of(user), person)
        plan = csv_import.plan_import("organisations", CSV)
        with pytest.raises(Forbidden):
            csv_import.apply_plan(user, plan)
        with pytest.raises(Forbidden):
            csv_import.store_upload(user, "organisations", "o.csv", CSV)
        # Refused before anything changed.
        assert organisation.name == "Kept Trust"
        assert (_count(Organisation), _count(Person), _count(ImportBatch)) == (1, 0, 0)


def test_pas_add_and_edit_but_do_not_curate(app, make_user, make_org, make_person):
    org_id = make_org("PA Trust", "icb")
    other_pa = make_user(Role.PA)
    leader = make_user(Role.LEADER)
    person_id = make_person("Chief Exec", org_id)
    info = make_user(Role.PA)
    with app.app_context():
        pa = _user(info)
        organisation = db.session.get(Organisation, org_id)
        person = db.session.get(Person, person_id)
        # Adding and editing is theirs to do.
        added = organisation_service.create(pa, ORGANISATION)
        people_service.update(
            pa,
            person,
            people_service.PersonData(full_name="Chief Executive", organisation_id=org_id),
        )
        for refused in (
            lambda: organisation_service.archive(pa, organisation),
            lambda: organisation_service.restore(pa, organisation),
            lambda: organisation_service.delete(pa, added),
            lambda: people_service.archive(pa, person),
            lambda: people_service.delete(pa, person),
            lambda: people_service.set_pas(pa, person, [other_pa.id]),
            lambda: people_service.set_linked_user(pa, person, leader.id),
        ):
            with pytest.raises(Forbidden):
                refused()
        assert not organisation.is_archived
        assert not person.is_archived
        assert person.pas == []
        assert person.user_id is None
        assert db.session.get(Organisation, added.id) is not None


def test_leaders_curate(app, make_user, make_org, make_person):
    org_id = make_org("Leader Trust", "icb")
    pa_info = make_user(Role.PA)
    person_id = make_person("Director", org_id)
    info = make_user(Role.LEADER)
    with app.app_context():
        leader = _user(info)
        person = db.session.get(Person, person_id)
        people_service.set_pas(leader, person, [pa_info.id])
        people_service.archive(leader, person)
        assert [user.id for user in person.pas] == [pa_info.id]
        assert person.is_archived


def test_nobody_signed_in_is_refused_and_only_a_job_acts_for_the_system(app, make_org):
    org_id = make_org("System Trust", "icb")
    with app.app_context():
        organisation = db.session.get(Organisation, org_id)
        for nobody in (None, Actor(user=None), Actor(user=None, via=Via.API)):
            assert not registers.may_edit(nobody)
            with pytest.raises(Forbidden):
                organisation_service.archive(nobody, organisation)  # type: ignore[arg-type]
        organisation_service.archive(Actor.job(), organisation)
        assert organisation.is_archived


def test_an_upload_is_its_uploaders_alone(app, make_user):
    owner_info = make_user(Role.PA)
    other_info = make_user(Role.ADMIN)
    with app.app_context():
        owner, other = _user(owner_info), _user(other_info)
        batch = csv_import.store_upload(owner, "organisations", "o.csv", CSV)
        assert csv_import.get_upload(owner, "organisations", batch.token) is batch
        with pytest.raises(NotFound):
            csv_import.get_upload(other, "organisations", batch.token)
        with pytest.raises(NotFound):
            csv_import.get_upload(owner, "people", batch.token)
        with pytest.raises(NotFound):
            csv_import.discard_upload(other, batch)
        with pytest.raises(NotFound):
            csv_import.discard_upload(Actor.job(), batch)
        csv_import.discard_upload(owner, batch)
        assert _count(ImportBatch) == 0


def test_an_import_applies_for_an_editor(app, make_user):
    info = make_user(Role.PA)
    with app.app_context():
        plan = csv_import.plan_import("organisations", CSV)
        result = csv_import.apply_plan(_user(info), plan)
        assert result.created == 1
        assert organisation_service.get_by_name("Imported Trust") is not None


def test_people_join_organisations_that_are_not_archived(app, make_user, make_org, make_person):
    """The rule the pickers follow, in the service: a new person, or a move, goes to an
    organisation that is not archived; someone already in an archived one may stay."""
    archived = make_org("Closed Trust", "icb", is_archived=True)
    person_id = make_person("Stays Put", make_org("Open Trust", "icb"))
    info = make_user(Role.LEADER)
    with app.app_context():
        leader = _user(info)
        person = db.session.get(Person, person_id)
        joining = people_service.PersonData(full_name="New Joiner", organisation_id=archived)
        with pytest.raises(people_service.RegisterError) as refused:
            people_service.create(leader, joining)
        assert refused.value.field == "organisation_id"
        moving = people_service.PersonData(full_name="Stays Put", organisation_id=archived)
        with pytest.raises(people_service.RegisterError):
            people_service.update(leader, person, moving)
        missing = people_service.PersonData(full_name="Nowhere", organisation_id=999_999)
        with pytest.raises(people_service.RegisterError):
            people_service.create(leader, missing)
        person.organisation_id = archived  # the organisation was archived around them
        db.session.flush()
        people_service.update(leader, person, moving)
        assert person.full_name == "Stays Put"
