"""flask import / flask export, and the demo registers."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import Organisation, Person, User
from tracker.services import people as people_service


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def orgs_file(tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_text("Name,Type,ODS code\nNorthshire ICB,icb,QNW\nWexley Council,la_unitary,\n")
    return path


def test_import_organisations(app, runner, orgs_file):
    result = runner.invoke(args=["import", "organisations", str(orgs_file)])
    assert result.exit_code == 0, result.output
    assert "Organisations: 2 added, 0 updated, 0 unchanged, 0 skipped." in result.output
    assert count(app, Organisation) == 2


def test_invalid_rows_exit_non_zero_and_write_nothing(app, runner, tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_text("Name,Type,ODS code\nGood Trust,Other,\nBad Trust,Castle,\nWorse,Other,!!\n")
    result = runner.invoke(args=["import", "organisations", str(path)])
    assert result.exit_code == 1
    assert "row 3, column Type: 'Castle' is not an organisation type" in result.output
    assert "row 4, column ODS code: '!!' is not an ODS code" in result.output
    assert "2 problem(s) in 2 row(s); nothing was imported." in result.output
    assert count(app, Organisation) == 0

    result = runner.invoke(args=["import", "organisations", str(path), "--skip-invalid"])
    assert result.exit_code == 0, result.output
    assert "Organisations: 1 added, 0 updated, 0 unchanged, 2 skipped." in result.output
    assert "Skipped rows: 3, 4." in result.output
    assert count(app, Organisation) == 1


def test_file_level_errors_fail_even_with_skip_invalid(app, runner, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("Name,Email\nA,a@example.org\n")
    result = runner.invoke(args=["import", "people", str(path), "--skip-invalid"])
    assert result.exit_code == 1
    assert "The file is missing the column “Organisation”." in result.output
    assert "Nothing was imported." in result.output
    missing = runner.invoke(args=["import", "people", str(path.with_name("nope.csv"))])
    assert missing.exit_code == 2


def test_people_with_missing_organisations(app, runner, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("Full name,Organisation\nAna Lee,Fenmoor Carers\n")
    result = runner.invoke(args=["import", "people", str(path)])
    assert result.exit_code == 1
    assert "'Fenmoor Carers' is not in the register" in result.output
    result = runner.invoke(args=["import", "people", str(path), "--create-missing-organisations"])
    assert result.exit_code == 0, result.output
    assert "Organisations created: 1." in result.output
    assert count(app, Person) == 1


def test_export_to_stdout_and_file_round_trips(app, runner, orgs_file, tmp_path, make_person):
    runner.invoke(args=["import", "organisations", str(orgs_file)])
    with app.app_context():
        icb = db.session.scalar(select(Organisation.id).where(Organisation.ods_code == "QNW"))
    make_person("=Formula Person", icb, email="f@example.org", phone="+44 1632 960000")
    make_person("Archived Person", icb, is_archived=True)

    result = runner.invoke(args=["export", "people"])
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbfFull name,Organisation,")
    assert b"'=Formula Person" in result.stdout_bytes
    assert b"Archived Person" not in result.stdout_bytes

    out = tmp_path / "people-out.csv"
    result = runner.invoke(args=["export", "people", str(out), "--include-archived"])
    assert result.exit_code == 0
    assert "Exported 2 people" in result.output
    again = runner.invoke(args=["import", "people", str(out)])
    assert again.exit_code == 0, again.output
    assert "People: 0 added, 0 updated, 2 unchanged, 0 skipped." in again.output

    orgs_out = tmp_path / "orgs-out.csv"
    runner.invoke(args=["export", "organisations", str(orgs_out)])
    again = runner.invoke(args=["import", "organisations", str(orgs_out)])
    assert "Organisations: 0 added, 0 updated, 2 unchanged, 0 skipped." in again.output


def test_demo_data_is_idempotent_and_links_the_leader_and_pa(app, runner):
    first = runner.invoke(args=["demo-data"])
    assert first.exit_code == 0, first.output
    assert "25 organisations, 77 people and 32 decisions added" in first.output
    organisations, people = count(app, Organisation), count(app, Person)
    second = runner.invoke(args=["demo-data"])
    assert "0 organisations, 0 people and 0 decisions added" in second.output
    assert (count(app, Organisation), count(app, Person)) == (organisations, people)

    with app.app_context():
        leader = db.session.scalar(select(User).where(User.email == "leader@example.org"))
        pa = db.session.scalar(select(User).where(User.email == "pa@example.org"))
        person = people_service.person_for_user(leader)
        assert person is not None
        assert person.job_title == "Chief Executive"
        assert person.organisation.org_type == "icb"
        assert [u.id for u in person.pas] == [pa.id]
        assert people_service.people_assisted_by(pa) == [person]
        types = set(db.session.scalars(select(Organisation.org_type)))
        assert {"icb", "trust_acute", "la_county", "vcse", "healthwatch", "nhse_region"} <= types
        # Every organisation has a main contact.
        without_main = db.session.scalars(
            select(Organisation).where(~Organisation.people.any(Person.is_main_contact))
        ).all()
        assert without_main == []


def test_demo_people_are_deterministic():
    from tracker.demo.registers import demo_people

    assert demo_people("Lee Leader") == demo_people("Lee Leader")
    emails = [person.email for person in demo_people("Lee Leader")]
    assert len(emails) == len(set(emails))
