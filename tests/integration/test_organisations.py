"""Organisations: forms and their errors, duplicates, archiving rules, search and export."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from tests.helpers import error_summary, error_summary_links, inline_error, input_value, title
from tracker.extensions import db
from tracker.models import Organisation, Role
from tracker.services import organisations as service
from tracker.services.actor import Actor

VALID = {
    "name": "Northshire Hospitals NHS FT",
    "org_type": "trust_acute",
    "ods_code": "",
    "website": "",
    "notes": "",
}


@pytest.fixture
def leader(sign_in):
    return sign_in(Role.LEADER)


def test_add_organisation(app, leader):
    response = leader.post(
        "/organisations/new",
        {
            **VALID,
            "name": "  Northshire   Hospitals NHS FT ",
            "ods_code": " rxq ",
            "website": "www.nh.example.org",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        organisation = service.get_by_name("northshire hospitals nhs ft")
        assert organisation.name == "Northshire Hospitals NHS FT"
        assert organisation.name_key == "northshire hospitals nhs ft"
        assert organisation.ods_code == "RXQ"
        assert organisation.website == "https://www.nh.example.org"
        assert response.location == f"/organisations/{organisation.id}"
    page = leader.client.get(response.location).get_data(as_text=True)
    assert "Northshire Hospitals NHS FT has been added." in page
    assert "NHS trust: acute" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "Enter the organisation’s name"),
        ({"name": "x" * 201}, "name", "The name must be 200 characters or fewer"),
        ({"org_type": ""}, "org_type", "Select the type of organisation"),
        ({"org_type": "hospital"}, "org_type", "Select the type of organisation from the list"),
        (
            {"ods_code": "R!"},
            "ods_code",
            "'R!' is not an ODS code. ODS codes are 3 to 10 letters and numbers",
        ),
        (
            {"ods_code": "AB"},
            "ods_code",
            "'AB' is not an ODS code. ODS codes are 3 to 10 letters and numbers",
        ),
        ({"website": "not a site"}, "website", "'not a site' is not a website address"),
        ({"notes": "n" * 5001}, "notes", "Notes must be 5000 characters or fewer"),
    ],
)
def test_form_errors(app, leader, data, field, message):
    response = leader.post("/organisations/new", {**VALID, **data})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert title(page).startswith("Error: ")
    assert error_summary(page) == [message]
    assert error_summary_links(page) == [f"#{field}"]
    assert inline_error(page, field) == message
    # What was typed is kept.
    assert input_value(page, "name") == (data.get("name", VALID["name"]))
    with app.app_context():
        assert db.session.scalar(select(Organisation)) is None


def test_duplicate_name_links_to_the_existing_one(app, leader, make_org):
    existing = make_org("Wexley Borough Council", "la_unitary")
    response = leader.post("/organisations/new", {**VALID, "name": "WEXLEY borough council"})
    page = response.get_data(as_text=True)
    assert error_summary(page) == [
        "An organisation with this name already exists. Go to Wexley Borough Council"
    ]
    assert f'<a href="/organisations/{existing}">Go to Wexley Borough Council</a>' in page
    assert error_summary_links(page) == ["#name", f"/organisations/{existing}"]
    assert inline_error(page, "name") == (
        "An organisation with this name already exists. Go to Wexley Borough Council"
    )


def test_duplicate_ods_code_and_archived_name(app, leader, make_org):
    coded = make_org("Coded Trust", "trust_acute", ods_code="RXQ")
    make_org("Old Council", "la_district", is_archived=True)
    page = leader.post("/organisations/new", {**VALID, "ods_code": "rxq"}).get_data(as_text=True)
    assert error_summary(page) == ["Coded Trust already has the ODS code RXQ. Go to Coded Trust"]
    assert f'href="/organisations/{coded}"' in page
    page = leader.post("/organisations/new", {**VALID, "name": "old council"}).get_data(
        as_text=True
    )
    assert error_summary(page) == [
        "An archived organisation with this name already exists. Go to Old Council"
    ]


def test_names_typed_by_users_are_escaped_in_duplicate_links(app, leader, make_org):
    make_org("<script>alert(1)</script> Trust", "other")
    page = leader.post(
        "/organisations/new", {**VALID, "name": "<script>alert(1)</script> trust"}
    ).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "Go to &lt;script&gt;alert(1)&lt;/script&gt; Trust" in page


def test_edit_keeps_its_own_name_and_refuses_another(app, leader, make_org, load):
    first = make_org("First Trust", "trust_acute", ods_code="AAA")
    make_org("Second Trust", "trust_acute")
    page = leader.client.get(f"/organisations/{first}/edit").get_data(as_text=True)
    assert input_value(page, "name") == "First Trust"
    assert input_value(page, "ods_code") == "AAA"
    response = leader.post(
        f"/organisations/{first}/edit", {**VALID, "name": "FIRST trust", "ods_code": "AAA"}
    )
    assert response.status_code == 302
    assert load(Organisation, first).name == "FIRST trust"
    page = leader.post(f"/organisations/{first}/edit", {**VALID, "name": "second TRUST"}).get_data(
        as_text=True
    )
    assert error_summary(page) == [
        "An organisation with this name already exists. Go to Second Trust"
    ]
    assert load(Organisation, first).name == "FIRST trust"


def test_pa_can_add_and_edit(app, sign_in, make_org, load):
    pa = sign_in(Role.PA)
    assert pa.post("/organisations/new", VALID).status_code == 302
    org = make_org("Edit Me", "other")
    assert pa.post(f"/organisations/{org}/edit", {**VALID, "name": "Edited"}).status_code == 302
    assert load(Organisation, org).name == "Edited"


def test_archive_and_restore(app, leader, make_org, make_person, load):
    org = make_org("Closing Trust", "trust_community")
    make_person("Someone There", org)
    page = leader.client.get(f"/organisations/{org}/archive").get_data(as_text=True)
    assert "Archive Closing Trust?" in page
    assert load(Organisation, org).is_archived is False  # GET changes nothing
    response = leader.post(f"/organisations/{org}/archive")
    assert response.status_code == 302
    assert load(Organisation, org).is_archived is True
    assert "Closing Trust has been archived" in leader.client.get(response.location).get_data(
        as_text=True
    )
    # Gone from the default list and from the people form's picker, shown when asked for.
    assert "Closing Trust" not in leader.client.get("/organisations/").get_data(as_text=True)
    assert "Closing Trust" in leader.client.get("/organisations/?archived=y").get_data(as_text=True)
    assert "Closing Trust" not in leader.client.get("/people/new").get_data(as_text=True)
    # Already archived: the archive page just goes back.
    assert leader.client.get(f"/organisations/{org}/archive").status_code == 302
    response = leader.post(f"/organisations/{org}/restore")
    assert response.status_code == 302
    assert load(Organisation, org).is_archived is False
    leader.client.get(response.location)
    assert "Closing Trust" in leader.client.get("/organisations/").get_data(as_text=True)
    assert leader.client.get(f"/organisations/{org}/restore").status_code == 302


def test_delete_only_without_history(app, leader, make_org, make_person, load):
    empty = make_org("Typo Trust", "other")
    used = make_org("Busy Trust", "other")
    make_person("Busy Person", used)
    with app.app_context():
        assert service.has_history(db.session.get(Organisation, used))
        assert not service.has_history(db.session.get(Organisation, empty))

    page = leader.client.get(f"/organisations/{used}/delete").get_data(as_text=True)
    assert "Busy Trust cannot be deleted" in page
    assert "Delete organisation" not in page
    response = leader.post(f"/organisations/{used}/delete")
    assert error_summary(response.get_data(as_text=True)) == [
        "Busy Trust cannot be deleted because it has history"
    ]
    assert load(Organisation, used) is not None
    show = leader.client.get(f"/organisations/{used}").get_data(as_text=True)
    assert f"/organisations/{used}/delete" not in show

    page = leader.client.get(f"/organisations/{empty}/delete").get_data(as_text=True)
    assert "Delete Typo Trust?" in page
    assert load(Organisation, empty) is not None
    response = leader.post(f"/organisations/{empty}/delete")
    assert response.status_code == 302
    assert load(Organisation, empty) is None
    with app.app_context(), pytest.raises(service.HasHistoryError):
        service.delete(Actor.job(), db.session.get(Organisation, used))


def test_unknown_organisation_is_404(leader):
    for path in ("/organisations/999", "/organisations/999/edit", "/organisations/999/archive"):
        assert leader.client.get(path).status_code == 404


@pytest.fixture
def many(app):
    with app.app_context():
        for n in range(1, 31):
            service.create(
                Actor.job(),
                service.OrganisationData(
                    name=f"Org {n:02d}",
                    org_type="vcse" if n % 3 == 0 else "la_district",
                    ods_code=f"Q{n:02d}" if n % 2 else None,
                ),
            )
        db.session.commit()


def _names(page: str) -> list[str]:
    import re

    return re.findall(r'<a href="/organisations/\d+">([^<]+)</a>', page)


def test_search_filter_sort_and_paginate(app, sign_in, many):
    viewer = sign_in(Role.VIEWER)
    page = viewer.client.get("/organisations/").get_data(as_text=True)
    assert "Showing 1 to 25 of 30 organisations" in page
    assert _names(page)[:2] == ["Org 01", "Org 02"]
    assert 'aria-sort="ascending"' in page
    assert 'class="nhsuk-pagination' in page
    second = viewer.client.get("/organisations/?page=2").get_data(as_text=True)
    assert _names(second) == [f"Org {n}" for n in range(26, 31)]
    assert "Showing 26 to 30 of 30" in second
    # Out-of-range pages show the last page rather than an empty one.
    assert (
        _names(viewer.client.get("/organisations/?page=99").get_data(as_text=True))[-1] == "Org 30"
    )

    desc = viewer.client.get("/organisations/?sort=name&order=desc").get_data(as_text=True)
    assert _names(desc)[0] == "Org 30"
    assert 'aria-sort="descending"' in desc

    by_type = viewer.client.get("/organisations/?type=vcse").get_data(as_text=True)
    assert "10 organisations" in by_type
    assert set(_names(by_type)) == {f"Org {n:02d}" for n in range(3, 31, 3)}

    search = viewer.client.get("/organisations/?q=org+0").get_data(as_text=True)
    # Every word must match the name or the ODS code.
    assert _names(search) == [f"Org {n:02d}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 30)]
    by_code = viewer.client.get("/organisations/?q=q07").get_data(as_text=True)
    assert _names(by_code) == ["Org 07"]
    none = viewer.client.get("/organisations/?q=nothing-like-this").get_data(as_text=True)
    assert "No organisations match." in none
    # Nonsense in the query string is ignored, never an error.
    assert viewer.client.get("/organisations/?type=x&sort=y&page=z").status_code == 200
    # Searching for a LIKE wildcard finds nothing rather than everything.
    assert "No organisations match." in viewer.client.get("/organisations/?q=%25").get_data(
        as_text=True
    )


def test_sort_links_keep_filters_and_pagination_keeps_sort(app, sign_in, many):
    viewer = sign_in(Role.VIEWER)
    page = viewer.client.get("/organisations/?type=la_district&sort=ods").get_data(as_text=True)
    assert 'href="/organisations/?type=la_district&amp;sort=name"' in page
    assert 'href="/organisations/?type=la_district&amp;sort=ods&amp;order=desc"' in page
    assert "Download these 20 as CSV" in page
    assert 'href="/organisations/export.csv?type=la_district&amp;sort=ods"' in page


def test_search_service_pages_in_sql(app, many):
    with app.app_context():
        page = service.search(service.OrganisationFilters(sort="ods"), page=1, per_page=5)
        assert page.total == 30
        assert page.pages == 6
        assert [item.organisation.ods_code for item in page.items] == [
            "Q01",
            "Q03",
            "Q05",
            "Q07",
            "Q09",
        ]
        assert all(item.people_count == 0 for item in page.items)


def _csv(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_export_respects_filters(app, sign_in, many, make_org):
    make_org("Gone Org", "other", is_archived=True)
    manager = sign_in(Role.MANAGER)
    response = manager.client.get("/organisations/export.csv?type=vcse")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="organisations-20')
    assert disposition.endswith('.csv"')
    rows = _csv(response)
    assert rows[0] == ["Name", "Type", "ODS code", "Website", "Notes", "Archived"]
    assert len(rows) == 11
    assert rows[1] == [
        "Org 03",
        "Voluntary, community and social enterprise (VCSE)",
        "Q03",
        "",
        "",
        "No",
    ]
    everything = _csv(manager.client.get("/organisations/export.csv?archived=y"))
    assert ["Gone Org", "Other", "", "", "", "Yes"] in everything
    assert "Gone Org" not in {
        row[0] for row in _csv(manager.client.get("/organisations/export.csv"))
    }


def test_show_lists_people_including_archived(app, sign_in, make_org, make_person):
    org = make_org("People Trust", "trust_acute")
    make_person("Active Person", org, job_title="Chief Nurse", is_main_contact=True)
    make_person("Archived Person", org, is_archived=True)
    page = sign_in(Role.VIEWER).client.get(f"/organisations/{org}").get_data(as_text=True)
    assert "Active Person" in page
    assert "Chief Nurse" in page
    assert "Main contact" in page
    assert "Archived Person" in page


def test_a_clash_at_the_database_is_explained_not_a_crash(app, leader, make_org, monkeypatch):
    # Someone else saves the same name after the service checked it: the unique index
    # refuses the insert, and the service explains it.
    make_org(VALID["name"], VALID["org_type"])
    monkeypatch.setattr(service, "_check_unique", lambda *_args, **_kwargs: None)
    response = leader.post("/organisations/new", VALID)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert error_summary(page) == [
        "Someone else saved a record with the same details a moment ago, so this was not "
        "saved. Check the list, then try again"
    ]
    assert input_value(page, "name") == VALID["name"]
