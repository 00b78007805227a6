"""CSV import: encodings, headings, problems, the preview, and all-or-nothing writing."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.helpers import error_summary, title
from tracker.domain.errors import Conflict
from tracker.extensions import db
from tracker.models import ImportBatch, Organisation, Person, Role
from tracker.services import csv_import
from tracker.services.actor import Actor


@pytest.fixture
def leader(sign_in):
    return sign_in(Role.LEADER)


def upload(auth, kind: str, content: bytes, filename: str = "register.csv"):
    token = auth.csrf_token(f"/{kind}/import")
    # Encoded in memory: the test client would spool big bodies to a file it never closes.
    boundary, body = encode_multipart(
        {"csrf_token": token, "file": FileStorage(io.BytesIO(content), filename)}
    )
    return auth.client.post(
        f"/{kind}/import", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def confirm(auth, location: str, create_missing: str = ""):
    token = auth.csrf_token(location)
    return auth.client.post(location, data={"csrf_token": token, "create_missing": create_missing})


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


ORGS_CSV = (
    "Organisation,Organisation type,ODS,Website\r\n"
    "Northshire ICB,Integrated care board,qnw,www.northshire-icb.example.org\r\n"
    "Wexley Council,la_unitary,,\r\n"
    ",,,\r\n"
    ",,,\r\n"
)


def test_organisations_upload_preview_confirm(app, leader):
    response = upload(leader, "organisations", ORGS_CSV.encode())
    assert response.status_code == 302
    preview_url = response.location
    assert re.fullmatch(r"/organisations/import/[\w-]{40,}", preview_url)
    page = leader.client.get(preview_url).get_data(as_text=True)
    assert "Check your import of organisations" in page
    assert "Import 2 rows" in page
    assert "Northshire ICB" in page
    assert count(app, Organisation) == 0  # nothing until confirmed

    response = confirm(leader, preview_url)
    assert response.status_code == 302
    assert response.location == "/organisations/"
    page = leader.client.get("/organisations/").get_data(as_text=True)
    assert "Import complete: 2 organisations added, 0 organisations updated." in page
    with app.app_context():
        icb = db.session.scalar(
            select(Organisation).where(Organisation.name_key == "northshire icb")
        )
        assert icb.ods_code == "QNW"
        assert icb.org_type == "icb"
        assert icb.website == "https://www.northshire-icb.example.org"
        assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0
    # The batch is gone once used.
    assert leader.client.get(preview_url).status_code == 404


def test_updates_are_matched_by_ods_code_then_name(app, leader, make_org, load):
    by_code = make_org("Old Name Trust", "trust_acute", ods_code="RX1")
    by_name = make_org("Wexley Council", "la_district")
    unchanged = make_org("Same Trust", "trust_community", ods_code="RX2")
    content = (
        b"Name,Type,ODS code\n"
        b"New Name Trust,,RX1\n"
        b"WEXLEY COUNCIL,Local authority: unitary,\n"
        b"Same Trust,NHS trust: community,RX2\n"
    )
    location = upload(leader, "organisations", content).location
    page = leader.client.get(location).get_data(as_text=True)
    assert re.search(r"To update\s*</dt>\s*<dd[^>]*>\s*2", page)
    assert re.search(r"Unchanged\s*</dt>\s*<dd[^>]*>\s*1", page)
    # What changes for RX1 (after the cell's heading for narrow screens).
    assert re.search(r"Changes </span><span>\s*Name, Type\s*</span></td>", page)
    confirm(leader, location)
    assert load(Organisation, by_code).name == "New Name Trust"
    assert load(Organisation, by_code).name_key == "new name trust"
    assert load(Organisation, by_code).org_type == "trust_acute"  # blank cell: unchanged
    assert load(Organisation, by_name).name == "WEXLEY COUNCIL"
    assert load(Organisation, by_name).org_type == "la_unitary"
    assert load(Organisation, unchanged).name == "Same Trust"


@pytest.mark.parametrize(
    ("encoded", "description"),
    [
        ("Name,Type\r\nWrexham Café,Other\r\n".encode(), "UTF-8"),
        ("\ufeffName,Type\r\nWrexham Café,Other\r\n".encode(), "UTF-8 with BOM"),
        ("Name,Type\r\nWrexham Café,Other\r\n".encode("cp1252"), "Windows-1252"),
        ("Name;Type\r\nWrexham Café;Other\r\n".encode("cp1252"), "semicolons"),
    ],
)
def test_encodings(app, leader, encoded, description):
    location = upload(leader, "organisations", encoded).location
    assert location, description
    confirm(leader, location)
    with app.app_context():
        assert db.session.scalar(select(Organisation.name)) == "Wrexham Café"


def test_people_header_variants_and_blank_rows(app, leader, make_org):
    make_org("Northshire ICB", "icb")
    content = (
        b"FULL NAME, e-mail address ,Org,Role,Telephone,Profession,Channel,"
        b"INFLUENCE,interest,Main,Ignored\n"
        b"Aisha Patel,Aisha@Example.org,northshire icb,Chief Medical Officer,01632 960001,"
        b"clinical,Microsoft Teams,5,4,yes,x\n"
        b",,,,,,,,,,\n"
        b"\n"
    )
    location = upload(leader, "people", content).location
    page = leader.client.get(location).get_data(as_text=True)
    assert "These columns are not used and will be ignored: Ignored." in page
    confirm(leader, location)
    with app.app_context():
        person = db.session.scalar(select(Person))
        assert person.email == "aisha@example.org"
        assert person.job_title == "Chief Medical Officer"
        assert (person.influence, person.interest) == (5, 4)
        assert person.preferred_channel == "teams"
        assert person.professional_group == "clinical"
        assert person.is_main_contact


def test_every_problem_is_reported_and_nothing_written(app, leader, make_org):
    make_org("Northshire ICB", "icb")
    content = (
        b"Full name,Organisation,Email,Influence,Professional group\n"
        b"Good Person,Northshire ICB,good@example.org,3,Finance\n"
        b",Northshire ICB,,,\n"
        b"Bob,Northshire ICB,bob@,6,Wizardry\n"
        b"Twin,Northshire ICB,good@example.org,,\n"
    )
    location = upload(leader, "people", content).location
    response = leader.client.get(location)
    page = response.get_data(as_text=True)
    assert title(page).startswith("Error: ")
    assert error_summary(page) == [
        "row 3, column Full name: enter the person's full name",
        "row 4, column Email: 'bob@' is not an email address",
        "row 4, column Influence: '6' is not a whole number from 1 to 5",
        "row 4, column Professional group: 'Wizardry' is not a professional group",
        "row 5, column Email: 'good@example.org' is also on row 2",
    ]
    assert "There are 5 problems in 3 rows" in page
    assert "Import " not in re.sub(r"<title>.*?</title>|<h1>.*?</h1>", "", page)
    # Confirming anyway is refused and writes nothing.
    response = confirm(leader, location)
    assert response.status_code == 200
    assert "The file still has problems, so nothing was imported." in response.get_data(
        as_text=True
    )
    assert count(app, Person) == 0


def test_unknown_organisation_and_create_missing(app, leader, make_org):
    make_org("Northshire ICB", "icb")
    content = (
        b"Full name,Organisation\n"
        b"Known Person,Northshire ICB\n"
        b"New Person,Fenmoor Carers\n"
        b"Another,fenmoor carers\n"
    )
    location = upload(leader, "people", content).location
    page = leader.client.get(location).get_data(as_text=True)
    assert error_summary(page) == [
        "row 3, column Organisation: 'Fenmoor Carers' is not in the register. Add the "
        "organisation first, or choose to create missing organisations",
        "row 4, column Organisation: 'fenmoor carers' is not in the register. Add the "
        "organisation first, or choose to create missing organisations",
    ]
    assert 'name="create_missing"' in page
    assert count(app, Person) == 0

    page = leader.client.get(f"{location}?create_missing=y").get_data(as_text=True)
    assert error_summary(page) == []
    assert "The import will also create 1 organisation: Fenmoor Carers." in page
    response = confirm(leader, location, create_missing="y")
    assert response.status_code == 302
    with app.app_context():
        carers = db.session.scalar(
            select(Organisation).where(Organisation.name_key == "fenmoor carers")
        )
        assert carers.org_type == "other"
        assert (
            db.session.scalar(
                select(func.count()).select_from(Person).where(Person.organisation_id == carers.id)
            )
            == 2
        )
    assert count(app, Person) == 3


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (
            b"PK\x03\x04 zipped",
            "people.csv",
            "This looks like an Excel workbook or other zipped file, not a CSV file.",
        ),
        (b"%PDF-1.4 ...", "people.csv", "This looks like a PDF, not a CSV file."),
        (
            b"Full name,Organisation\nA,B\n",
            "people.xlsx",
            "The selected file must be a CSV file (ending .csv)",
        ),
        (b"\x00\x01\x02", "people.csv", "The file is not a CSV file."),
        (b"   \n", "people.csv", "The selected file is empty"),
        (
            b"Name,Email\nA,a@example.org\n",
            "people.csv",
            "The file is missing the column “Organisation”.",
        ),
        (
            b"Email\na@example.org\n",
            "people.csv",
            "The file is missing the columns “Full name”, “Organisation”.",
        ),
        (
            b"Full name,Organisation\n,\n",
            "people.csv",
            "The file has a header row but no rows of data.",
        ),
    ],
)
def test_files_refused_as_a_whole(app, leader, content, filename, message):
    response = upload(leader, "people", content, filename)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert title(page).startswith("Error: ")
    assert any(item.startswith(message) for item in error_summary(page)), error_summary(page)
    assert count(app, ImportBatch) == 0


def test_no_file_chosen(leader):
    token = leader.csrf_token("/people/import")
    page = leader.client.post("/people/import", data={"csrf_token": token}).get_data(as_text=True)
    assert error_summary(page) == ["Select a CSV file to upload"]


def test_too_large_upload_is_413(make_app, make_user):
    from tests.conftest import AuthActions

    small = make_app(MAX_CONTENT_LENGTH=2048)
    auth = AuthActions(small.test_client())
    auth.login_as(make_user(Role.LEADER))
    token = auth.csrf_token("/organisations/import")
    big = b"Name,Type\n" + b"Some Organisation Name,Other\n" * 200
    response = auth.client.post(
        "/organisations/import",
        data={"csrf_token": token, "file": (io.BytesIO(big), "big.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "The file you sent is too large" in response.get_data(as_text=True)


def test_all_or_nothing_when_the_database_refuses(app, make_org):
    """A failure part-way through the write leaves nothing behind."""
    make_org("Northshire ICB", "icb")
    content = b"Full name,Organisation\nFirst,Northshire ICB\nSecond,Northshire ICB\n"
    with app.app_context():
        plan = csv_import.plan_import("people", content)
        # Simulate someone else's change between preview and confirm: a clashing email.
        plan.creates[0].values["email"] = "same@example.org"
        plan.creates[1].values["email"] = "same@example.org"
        from sqlalchemy.exc import IntegrityError

        with pytest.raises(Conflict) as refused:
            csv_import.apply_plan(Actor.job(), plan)
        assert isinstance(refused.value.__cause__, IntegrityError)
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Person)) == 0


def test_confirm_checks_the_file_again(app, leader, make_org):
    """Changes made between preview and confirm are taken into account."""
    content = b"Name,Type\nNew Trust,Other\n"
    location = upload(leader, "organisations", content).location
    make_org("New Trust", "other")  # someone adds it meanwhile
    response = confirm(leader, location)
    assert response.status_code == 302
    page = leader.client.get(response.location).get_data(as_text=True)
    assert "Nothing was imported: every row already matches the register." in page
    assert count(app, Organisation) == 1


def _people_file(rows: int, bad: dict[int, dict[str, str]] | None = None) -> bytes:
    """A people file with `rows` data rows; `bad` maps spreadsheet row numbers to bad cells."""
    bad = bad or {}
    lines = ["Full name,Organisation,Job title,Email,Phone,Professional group,Influence,Interest"]
    for row_number in range(2, rows + 2):
        cells = {
            "name": f"Person {row_number:05d}",
            "org": f"Organisation {row_number % 40:02d}",
            "email": f"person{row_number}@example.org",
            "influence": str(row_number % 5 + 1),
        }
        cells.update(bad.get(row_number, {}))
        lines.append(
            f"{cells['name']},{cells['org']},Director of Things,{cells['email']},"
            f"01632 960{row_number % 1000:03d},Finance,{cells['influence']},3"
        )
    return ("\r\n".join(lines) + "\r\n").encode()


def test_done_when_ten_thousand_rows(app, leader, runner, tmp_path):
    """10,000 rows with 3 bad ones: exactly those 3 reported, nothing written; fixed, it all
    imports at once; importing it again changes nothing."""
    with app.app_context():
        from tracker.services import organisations as organisation_service

        for n in range(40):
            organisation_service.create(
                Actor.job(),
                organisation_service.OrganisationData(
                    name=f"Organisation {n:02d}", org_type="other"
                ),
            )
        db.session.commit()

    bad = {
        14: {"email": "bob@"},
        5000: {"influence": "9"},
        9876: {"org": "Nowhere Trust"},
    }
    location = upload(leader, "people", _people_file(10_000, bad)).location
    page = leader.client.get(location).get_data(as_text=True)
    assert error_summary(page) == [
        "row 14, column Email: 'bob@' is not an email address",
        "row 5000, column Influence: '9' is not a whole number from 1 to 5",
        "row 9876, column Organisation: 'Nowhere Trust' is not in the register. Add the "
        "organisation first, or choose to create missing organisations",
    ]
    assert confirm(leader, location).status_code == 200
    assert count(app, Person) == 0

    fixed = tmp_path / "people.csv"
    fixed.write_bytes(_people_file(10_000))
    result = runner.invoke(args=["import", "people", str(fixed)])
    assert result.exit_code == 0, result.output
    assert "People: 10000 added, 0 updated, 0 unchanged, 0 skipped." in result.output
    assert count(app, Person) == 10_000

    with app.app_context():
        again = csv_import.plan_import("people", fixed.read_bytes())
        assert again.ok
        assert (len(again.creates), len(again.updates), len(again.unchanged)) == (0, 0, 10_000)
    result = runner.invoke(args=["import", "people", str(fixed)])
    assert "People: 0 added, 0 updated, 10000 unchanged, 0 skipped." in result.output
