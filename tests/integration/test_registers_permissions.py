"""Every register route, for every role: admins and leaders edit, PAs add and edit, the rest read.

PAs may add and edit organisations and people (and import them), but not archive, restore
or delete them; managers and viewers may only read and export. Anonymous users sign in.
"""

from __future__ import annotations

import hashlib
import secrets

import pytest
from sqlalchemy import func, select

from tests.helpers import error_summary
from tracker.extensions import db
from tracker.models import ImportBatch, Organisation, Person, Role, utcnow
from tracker.services import csv_import

READ = "read"
EDIT = "edit"
CURATE = "curate"

ALLOWED = {
    READ: {Role.ADMIN, Role.LEADER, Role.PA, Role.MANAGER, Role.VIEWER},
    EDIT: {Role.ADMIN, Role.LEADER, Role.PA},
    CURATE: {Role.ADMIN, Role.LEADER},
}

# (path, level, accepts POST). {org}/{person}: active records without history;
# {archived_org}/{archived_person}: archived ones; {token}: the signed-in user's import.
ROUTES = [
    ("/organisations/", READ, False),
    ("/organisations/export.csv", READ, False),
    ("/organisations/{org}", READ, False),
    ("/organisations/new", EDIT, True),
    ("/organisations/{org}/edit", EDIT, True),
    ("/organisations/import", EDIT, True),
    ("/organisations/import/{org_token}", EDIT, True),
    ("/organisations/{org}/archive", CURATE, True),
    ("/organisations/{archived_org}/restore", CURATE, True),
    ("/organisations/{org}/delete", CURATE, True),
    ("/people/", READ, False),
    ("/people/export.csv", READ, False),
    ("/people/{person}", READ, False),
    ("/people/new", EDIT, True),
    ("/people/{person}/edit", EDIT, True),
    ("/people/import", EDIT, True),
    ("/people/import/{people_token}", EDIT, True),
    ("/people/{person}/archive", CURATE, True),
    ("/people/{archived_person}/restore", CURATE, True),
    ("/people/{person}/delete", CURATE, True),
]

ROLES = [Role.ADMIN, Role.LEADER, Role.PA, Role.MANAGER, Role.VIEWER]


@pytest.fixture
def records(app, make_org, make_person):
    org = make_org("Empty Trust", "trust_acute")
    archived_org = make_org("Old Council", "la_district", is_archived=True)
    home = make_org("Home ICB", "icb")
    person = make_person("Pat Example", home)
    archived_person = make_person("Former Director", home, is_archived=True)
    return {
        "org": org,
        "archived_org": archived_org,
        "person": person,
        "archived_person": archived_person,
    }


def _tokens(app, user_email):
    from tracker.services import users

    with app.app_context():
        user = users.get_by_email(user_email)
        files = {
            "org_token": ("organisations", "o.csv", b"Name,Type\nX,ICB\n"),
            "people_token": ("people", "p.csv", b"Full name,Organisation\nA B,Home ICB\n"),
        }
        tokens = {name: _upload(user, *file).token for name, file in files.items()}
        db.session.commit()
        return tokens


def _upload(user, kind, filename, content):
    """The user's upload, through the service when their role may import. Other roles
    cannot upload (the service refuses): theirs stands for one made while their role
    still could, so the preview page can be tried with a token of their own."""
    if user.role in {role.value for role in ALLOWED[EDIT]}:
        return csv_import.store_upload(user, kind, filename, content)
    batch = ImportBatch(
        token=secrets.token_urlsafe(32),
        kind=kind,
        uploaded_by_id=user.id,
        filename=filename,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        created_at=utcnow(),
    )
    db.session.add(batch)
    db.session.flush()
    return batch


def _counts(app):
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(Organisation)),
            db.session.scalar(select(func.count()).select_from(Person)),
            db.session.scalar(
                select(func.count()).select_from(Organisation).where(Organisation.is_archived)
            ),
            db.session.scalar(select(func.count()).select_from(Person).where(Person.is_archived)),
        )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("path", "level", "accepts_post"), ROUTES)
def test_route_for_role(app, make_user, records, role, path, level, accepts_post):
    from tests.conftest import AuthActions

    user = make_user(role)
    auth = AuthActions(app.test_client())
    auth.login_as(user)
    url = path.format(**records, **_tokens(app, user.email))
    before = _counts(app)

    response = auth.client.get(url)
    if role in ALLOWED[level]:
        assert response.status_code == 200, (url, response.status_code)
    else:
        assert response.status_code == 403, (url, response.status_code)

    if accepts_post and role not in ALLOWED[level]:
        # Even with a valid CSRF token, the change is refused by role and nothing changes.
        posted = auth.post(url, {"name": "Changed", "full_name": "Changed", "org_type": "icb"})
        assert posted.status_code == 403
        assert _counts(app) == before
    if not accepts_post:
        assert auth.client.post(url, data={"csrf_token": auth.csrf_token("/")}).status_code == 405


@pytest.mark.parametrize(("path", "level", "accepts_post"), ROUTES)
def test_anonymous_is_sent_to_sign_in(app, client, records, make_user, path, level, accepts_post):
    user = make_user(Role.ADMIN)
    url = path.format(**records, **_tokens(app, user.email))
    response = client.get(url)
    assert response.status_code == 302
    assert response.location.startswith("/sign-in")
    if accepts_post:
        before = _counts(app)
        # No session, so no valid CSRF token either: refused before anything happens.
        assert client.post(url, data={"name": "X"}).status_code in {302, 400}
        assert _counts(app) == before


def test_someone_elses_import_is_not_found(app, sign_in, make_user, records):
    owner = make_user(Role.LEADER)
    tokens = _tokens(app, owner.email)
    other = sign_in(Role.ADMIN)
    assert other.client.get(f"/organisations/import/{tokens['org_token']}").status_code == 404
    assert other.client.get(f"/people/import/{tokens['people_token']}").status_code == 404
    # A token for one kind does not open the other.
    owner_auth = sign_in(Role.LEADER)
    assert owner_auth.client.get(f"/people/import/{tokens['org_token']}").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 2


@pytest.mark.parametrize("role", ROLES)
def test_buttons_match_permissions(sign_in, records, role):
    auth = sign_in(role)
    html = auth.client.get(f"/people/{records['person']}").get_data(as_text=True)
    assert ("/edit" in html) == (role in ALLOWED[EDIT])
    assert ("/archive" in html) == (role in ALLOWED[CURATE])
    index = auth.client.get("/organisations/").get_data(as_text=True)
    assert ("Add an organisation" in index) == (role in ALLOWED[EDIT])


def test_pa_cannot_change_pas_or_account_links(app, sign_in, make_user, make_person, load):
    pa_user = make_user(Role.PA)
    leader_user = make_user(Role.LEADER)
    person_id = make_person("Chief Exec", pa_ids=[pa_user.id], user_id=leader_user.id)
    auth = sign_in(Role.PA)
    page = auth.client.get(f"/people/{person_id}/edit").get_data(as_text=True)
    assert 'name="pa_ids"' not in page
    assert 'name="user_id"' not in page
    response = auth.post(
        f"/people/{person_id}/edit",
        {
            "full_name": "Chief Executive Officer",
            "organisation_id": str(load(Person, person_id).organisation_id),
            "professional_group": "executive",
            "influence": "5",
            "interest": "4",
            # Smuggled fields are ignored: the form for PAs does not have them.
            "user_id": "",
            "pa_ids": [],
        },
    )
    assert response.status_code == 302, error_summary(response.get_data(as_text=True))
    with app.app_context():
        person = db.session.get(Person, person_id)
        assert person.full_name == "Chief Executive Officer"
        assert person.user_id == leader_user.id
        assert [u.id for u in person.pas] == [pa_user.id]


@pytest.mark.parametrize("role", ROLES)
def test_navigation_and_home_cards_for_every_role(sign_in, role):
    auth = sign_in(role)
    page = auth.client.get("/").get_data(as_text=True)
    assert 'href="/organisations/"' in page
    assert 'href="/people/"' in page
    header = page.split("</header>")[0]
    assert ">Organisations<" in header.replace("\n", "").replace(" ", "")
    assert ">People<" in header.replace("\n", "").replace(" ", "")
