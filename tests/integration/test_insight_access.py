"""Who may open every insight route: each role, signed out, and hidden decisions."""

from __future__ import annotations

from datetime import date

import pytest

from tests import insight_factories as f
from tracker.extensions import db
from tracker.models import Role

ROLES = ("admin", "leader", "pa", "manager", "viewer")
EDITORS = {"admin", "leader", "pa"}


@pytest.fixture
def world(app, make_user):
    users = {role: make_user(Role(role)) for role in ROLES}
    outsider = make_user(Role.LEADER)
    with app.app_context():
        org = f.organisation("Northshire Council", "la_unitary")
        owner = f.person(org, "Owner", user=f.user(outsider.id))
        partner = f.person(org, "Partner")
        open_decision = f.decision(owner, "Open", event_at=f.utc(2027, 6, 1, 9))
        secret = f.decision(
            owner, "Secret", event_at=f.utc(2027, 6, 2, 9), sensitivity="restricted"
        )
        f.requirement(open_decision, partner, brief_by=date(2027, 5, 25))
        db.session.commit()
        ids = {"org": org.id, "person": partner.id, "open": open_decision.id, "secret": secret.id}
    return users, ids


def _urls(ids):
    return {
        "/insight/": ROLES,
        "/insight/export.csv": ROLES,
        "/stakeholder-map": ROLES,
        f"/decisions/{ids['open']}/stakeholder-map": ROLES,
        f"/people/{ids['person']}/history": ROLES,
        f"/people/{ids['person']}/history/export.csv": ROLES,
        f"/organisations/{ids['org']}/history": ROLES,
        f"/organisations/{ids['org']}/history/export.csv": ROLES,
        f"/people/{ids['person']}/keep-in-touch": EDITORS,
        "/account/calendar": ROLES,
        "/account/calendar/new-address": ROLES,
        f"/decisions/{ids['open']}.ics": ROLES,
    }


def test_signed_out_users_are_sent_to_sign_in(client, world):
    _users, ids = world
    for url in _urls(ids):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/sign-in?next=" in response.headers["Location"], url
    for url in ("/people/1/keep-in-touch", "/account/calendar/new-address"):
        assert client.post(url).status_code in (302, 400), url


@pytest.mark.parametrize("role", ROLES)
def test_each_role(client, auth, world, role):
    users, ids = world
    auth.login_as(users[role])
    for url, allowed in _urls(ids).items():
        expected = 200 if role in allowed else 403
        assert client.get(url).status_code == expected, (role, url)
    # Restricted decisions are 404 to everyone outside their circle except admins.
    hidden = 200 if role == "admin" else 404
    assert client.get(f"/decisions/{ids['secret']}/stakeholder-map").status_code == hidden
    assert client.get(f"/decisions/{ids['secret']}.ics").status_code == hidden
    # Navigation offers the dashboard and the map to every role.
    html = client.get("/").get_data(as_text=True)
    assert 'href="/insight/"' in html
    assert 'href="/stakeholder-map"' in client.get("/insight/").get_data(as_text=True)
    # The calendar subscription is offered on the account page.
    assert 'href="/account/calendar"' in client.get("/account").get_data(as_text=True)


def test_decision_page_links_to_map_and_ics(client, auth, world):
    users, ids = world
    auth.login_as(users["viewer"])
    html = client.get(f"/decisions/{ids['open']}").get_data(as_text=True)
    assert f'href="/decisions/{ids["open"]}/stakeholder-map"' in html
    assert f'href="/decisions/{ids["open"]}.ics"' in html
