"""People: forms and their errors, duplicates, PAs and account links, archiving, search, export."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import func, select

from tests.helpers import error_summary, error_summary_links, inline_error, input_value, title
from tracker.extensions import db
from tracker.models import Person, Role, User
from tracker.services import people as service
from tracker.services.actor import Actor


@pytest.fixture
def org(make_org):
    return make_org("Northshire ICB", "icb")


@pytest.fixture
def valid(org):
    return {
        "full_name": "Dr Aisha Patel",
        "job_title": "Chief Medical Officer",
        "organisation_id": str(org),
        "email": "",
        "phone": "",
        "professional_group": "clinical",
        "preferred_channel": "",
        "influence": "4",
        "interest": "5",
        "notes": "",
    }


@pytest.fixture
def leader(sign_in):
    return sign_in(Role.LEADER)


def test_add_person(app, leader, valid, org):
    response = leader.post(
        "/people/new",
        {
            **valid,
            "email": " Aisha.Patel@Example.NHS.uk ",
            "phone": "01632 960 001",
            "preferred_channel": "teams",
            "is_main_contact": "y",
            "notes": "Prefers early mornings.\nAsk her PA first.",
        },
    )
    assert response.status_code == 302, error_summary(response.get_data(as_text=True))
    with app.app_context():
        person = db.session.scalar(select(Person))
        assert person.full_name == "Dr Aisha Patel"
        assert person.name_key == "dr aisha patel"
        assert person.email == "aisha.patel@example.nhs.uk"
        assert person.organisation_id == org
        assert (person.influence, person.interest) == (4, 5)
        assert person.preferred_channel == "teams"
        assert person.is_main_contact
        assert person.notes == "Prefers early mornings.\nAsk her PA first."
    page = leader.client.get(response.location).get_data(as_text=True)
    assert "Dr Aisha Patel has been added." in page
    assert "Microsoft Teams" in page
    assert "4 – high" in page


def test_new_person_form_preselects_organisation(leader, org):
    page = leader.client.get(f"/people/new?organisation={org}").get_data(as_text=True)
    assert f'<option value="{org}" selected' in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"full_name": ""}, "full_name", "Enter the person’s full name"),
        ({"full_name": "n" * 201}, "full_name", "The name must be 200 characters or fewer"),
        ({"organisation_id": ""}, "organisation_id", "Select the organisation they work for"),
        ({"organisation_id": "9999"}, "organisation_id", "Select an organisation from the list"),
        ({"email": "bob@"}, "email", "'bob@' is not an email address"),
        ({"phone": "call me"}, "phone", "'call me' is not a phone number"),
        ({"job_title": "j" * 201}, "job_title", "The job title must be 200 characters or fewer"),
        (
            {"professional_group": "wizard"},
            "professional_group",
            "Select a professional group from the list",
        ),
        (
            {"preferred_channel": "pigeon"},
            "preferred_channel",
            "Select a briefing channel from the list",
        ),
        ({"influence": ""}, "influence", "Select how much influence they have, from 1 to 5"),
        ({"influence": "9"}, "influence", "Select how much influence they have, from 1 to 5"),
        ({"interest": "0"}, "interest", "Select how interested they are, from 1 to 5"),
        ({"notes": "n" * 5001}, "notes", "Notes must be 5000 characters or fewer"),
    ],
)
def test_form_errors(app, leader, valid, data, field, message):
    response = leader.post("/people/new", {**valid, **data})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert title(page).startswith("Error: ")
    assert error_summary(page) == [message]
    assert error_summary_links(page) == [f"#{field}"]
    assert inline_error(page, field) == message
    assert input_value(page, "full_name") == data.get("full_name", valid["full_name"])
    assert input_value(page, "email") == data.get("email", valid["email"])
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Person)) == 0


def test_duplicate_email_links_to_the_existing_person(app, leader, valid, make_person, org):
    existing = make_person("Bob Smith", org, email="bob@example.org")
    page = leader.post("/people/new", {**valid, "email": "BOB@example.org"}).get_data(as_text=True)
    assert error_summary(page) == ["Bob Smith already has this email address. Go to Bob Smith"]
    assert error_summary_links(page) == ["#email", f"/people/{existing}"]
    assert (
        inline_error(page, "email") == "Bob Smith already has this email address. Go to Bob Smith"
    )


def test_duplicate_name_in_the_same_organisation(app, leader, valid, make_person, make_org, org):
    existing = make_person("Dr Aisha Patel", org, is_archived=True)
    page = leader.post("/people/new", {**valid, "full_name": "DR AISHA PATEL"}).get_data(
        as_text=True
    )
    assert error_summary(page) == [
        "There is already an archived person with this name in this organisation. "
        "Go to Dr Aisha Patel"
    ]
    assert f'href="/people/{existing}"' in page
    # The same name elsewhere is a different person.
    other = make_org("Wexley Council", "la_unitary")
    response = leader.post("/people/new", {**valid, "organisation_id": str(other)})
    assert response.status_code == 302


def test_edit_person(app, leader, valid, make_person, org, load):
    person = make_person("Sam Jones", org, email="sam@example.org", influence=2)
    page = leader.client.get(f"/people/{person}/edit").get_data(as_text=True)
    assert input_value(page, "full_name") == "Sam Jones"
    assert input_value(page, "email") == "sam@example.org"
    assert 'value="2" checked' in page
    response = leader.post(
        f"/people/{person}/edit",
        {**valid, "full_name": "Sam Jones-Smith", "email": "sam@example.org"},
    )
    assert response.status_code == 302
    assert load(Person, person).full_name == "Sam Jones-Smith"
    assert load(Person, person).name_key == "sam jones-smith"


def test_pas_and_account_link(app, sign_in, make_user, valid, make_person, org, load):
    admin = sign_in(Role.ADMIN)
    pa_one = make_user(Role.PA, display_name="Pat One")
    pa_two = make_user(Role.PA, display_name="Pat Two")
    make_user(Role.PA, display_name="Disabled PA", is_active=False)
    leader_user = make_user(Role.LEADER, display_name="Lee Leader")
    person = make_person("Lee Leader", org)

    page = admin.client.get(f"/people/{person}/edit").get_data(as_text=True)
    assert "Pat One" in page
    assert "Pat Two" in page
    assert "Disabled PA" not in page
    response = admin.post(
        f"/people/{person}/edit",
        {
            **valid,
            "full_name": "Lee Leader",
            "user_id": str(leader_user.id),
            "pa_ids": [str(pa_one.id), str(pa_two.id)],
        },
    )
    assert response.status_code == 302, error_summary(response.get_data(as_text=True))
    page = admin.client.get(f"/people/{person}").get_data(as_text=True)
    assert re.search(r"PAs\s*</dt>\s*<dd[^>]*>\s*Pat One, Pat Two", page)
    assert "Lee Leader (leader" in page

    with app.app_context():
        pa = db.session.get(User, pa_one.id)
        leader_person = db.session.get(Person, person)
        assert [p.id for p in service.people_assisted_by(pa)] == [person]
        assert service.is_pa_for(pa, leader_person)
        assert not service.is_pa_for(db.session.get(User, leader_user.id), leader_person)
        assert service.has_history(leader_person)

    # A second person cannot be linked to the same account.
    second = make_person("Someone Else", org)
    page = admin.post(
        f"/people/{second}/edit",
        {**valid, "full_name": "Someone Else", "user_id": str(leader_user.id)},
    ).get_data(as_text=True)
    # The account is not offered, and a forged choice is refused.
    assert error_summary(page) == ["Select an account from the list"]
    assert load(Person, second).user_id is None

    # Only PA users can be chosen as PAs.
    page = admin.post(
        f"/people/{second}/edit",
        {**valid, "full_name": "Someone Else", "pa_ids": [str(leader_user.id)]},
    ).get_data(as_text=True)
    assert error_summary(page) == ["Select PAs from the list"]


def test_account_already_linked_is_refused_with_a_link(app, make_user, make_person, org):
    user = make_user(Role.LEADER, display_name="Lee Leader")
    first = make_person("Lee Leader", org, user_id=user.id)
    second = make_person("Not Lee", org)
    with app.app_context():
        with pytest.raises(service.DuplicateError) as raised:
            service.set_linked_user(Actor.job(), db.session.get(Person, second), user.id)
        assert raised.value.existing.id == first
        assert str(raised.value) == "Lee Leader’s account is already linked to Lee Leader"
        db.session.rollback()
        # Users linked elsewhere are not offered.
        offered = [u.id for u in service.linkable_users(db.session.get(Person, second))]
        assert user.id not in offered
        assert user.id in [u.id for u in service.linkable_users(db.session.get(Person, first))]


def test_pa_home_page_lists_people_they_assist(app, sign_in, make_user, make_person, org):
    auth = sign_in(Role.PA, display_name="Pat Assistant")
    with app.app_context():
        pa = db.session.scalar(select(User).where(User.role == "pa"))
        pa_id = pa.id
    make_person("Chief Executive Person", org, pa_ids=[pa_id], job_title="Chief Executive")
    make_person("Not Assisted", org)
    page = auth.client.get("/").get_data(as_text=True)
    assert "People you assist" in page
    assert "Chief Executive Person" in page
    assert "Not Assisted" not in page


def test_archive_restore_delete(app, leader, make_user, make_person, org, load):
    plain = make_person("No History", org)
    pa = make_user(Role.PA)
    linked = make_person("With PA", org, pa_ids=[pa.id])

    page = leader.client.get(f"/people/{linked}/delete").get_data(as_text=True)
    assert "With PA cannot be deleted" in page
    leader.post(f"/people/{linked}/delete")
    assert load(Person, linked) is not None

    assert leader.post(f"/people/{linked}/archive").status_code == 302
    assert load(Person, linked).is_archived
    leader.client.get(f"/people/{linked}")  # shows (and so clears) the flash message
    listing = leader.client.get("/people/").get_data(as_text=True)
    assert "With PA" not in listing
    assert "With PA" in leader.client.get("/people/?archived=y").get_data(as_text=True)
    with app.app_context():
        assert service.people_assisted_by(db.session.get(User, pa.id)) == []
    assert leader.post(f"/people/{linked}/restore").status_code == 302
    assert not load(Person, linked).is_archived

    assert "Delete No History?" in leader.client.get(f"/people/{plain}/delete").get_data(
        as_text=True
    )
    assert load(Person, plain) is not None
    assert leader.post(f"/people/{plain}/delete").status_code == 302
    assert load(Person, plain) is None


@pytest.fixture
def crowd(app, make_org):
    icb = make_org("Northshire ICB", "icb")
    council = make_org("Wexley Council", "la_unitary")
    with app.app_context():
        for n in range(1, 28):
            service.create(
                Actor.job(),
                service.PersonData(
                    full_name=f"Person {n:02d}",
                    organisation_id=icb if n % 2 else council,
                    job_title="Director of Finance" if n % 5 == 0 else f"Role {n}",
                    email=f"p{n}@example.org",
                    professional_group="finance" if n % 5 == 0 else "executive",
                ),
            )
        db.session.commit()
    return icb, council


def _names(page: str) -> list[str]:
    return re.findall(r'<a href="/people/\d+">([^<]+)</a>', page)


def test_search_filter_sort_paginate(app, sign_in, crowd):
    _icb, council = crowd
    viewer = sign_in(Role.VIEWER)
    page = viewer.client.get("/people/").get_data(as_text=True)
    assert "Showing 1 to 25 of 27 people" in page
    assert _names(page)[0] == "Person 01"
    assert _names(viewer.client.get("/people/?page=2").get_data(as_text=True)) == [
        "Person 26",
        "Person 27",
    ]

    finance = viewer.client.get("/people/?group=finance").get_data(as_text=True)
    assert _names(finance) == ["Person 05", "Person 10", "Person 15", "Person 20", "Person 25"]
    at_council = viewer.client.get(f"/people/?organisation={council}").get_data(as_text=True)
    assert "13 people" in at_council
    # Search covers name, job title, organisation and email.
    assert _names(viewer.client.get("/people/?q=finance+wexley").get_data(as_text=True)) == [
        "Person 10",
        "Person 20",
    ]
    assert _names(viewer.client.get("/people/?q=p7%40").get_data(as_text=True)) == ["Person 07"]
    by_org = viewer.client.get("/people/?sort=organisation&order=desc").get_data(as_text=True)
    assert _names(by_org)[0] == "Person 02"  # Wexley first, then by name
    assert 'aria-sort="descending"' in by_org
    assert "Download these 27 as CSV" in page


def test_export_people(app, sign_in, crowd, make_person):
    icb, _ = crowd
    make_person("=cmd|' /C calc'!A0", icb, phone="+44 1632 960000", job_title="@SUM(1)")
    viewer = sign_in(Role.VIEWER)
    response = viewer.client.get(f"/people/export.csv?organisation={icb}&q=calc")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="people-')
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Full name", "Organisation", "Job title", "Email"]
    assert rows[1][0] == "'=cmd|' /C calc'!A0"
    assert rows[1][2] == "'@SUM(1)"
    assert rows[1][4] == "'+44 1632 960000"
    assert len(rows) == 2


def test_form_ids_are_unique_so_error_links_land_on_the_field(app, sign_in, make_user, valid):
    make_user(Role.PA, display_name="Pat One")
    make_user(Role.PA, display_name="Pat Two")
    admin = sign_in(Role.ADMIN)
    page = admin.post("/people/new", {**valid, "influence": ""}).get_data(as_text=True)
    ids = re.findall(r'\bid="([^"]+)"', page)
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert duplicates == set()
    assert 'id="influence" name="influence" type="radio"' in page
    assert 'id="pa_ids-2"' in page


def test_lists_do_not_query_per_row(app, sign_in, make_org):
    """The list pages cost the same number of queries for 3 rows as for 25 (no N+1)."""
    from sqlalchemy import event

    viewer = sign_in(Role.VIEWER)

    def queries(path: str) -> int:
        statements: list[str] = []

        def record(*args):
            statements.append(args[2])

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            assert viewer.client.get(path).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", record)
        return len(statements)

    def add(count: int, start: int) -> None:
        with app.app_context():
            from tracker.services import organisations as organisation_service

            for n in range(start, start + count):
                organisation = organisation_service.create(
                    Actor.job(),
                    organisation_service.OrganisationData(name=f"Org {n}", org_type="other"),
                )
                service.create(
                    Actor.job(),
                    service.PersonData(full_name=f"P {n}", organisation_id=organisation.id),
                )
            db.session.commit()

    add(3, 0)
    few = (queries("/people/"), queries("/organisations/"))
    add(25, 3)
    assert (queries("/people/"), queries("/organisations/")) == few
