"""Stakeholder maps: quadrants, the table alternative, links, and confidentiality."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests import insight_factories as f
from tracker.extensions import db
from tracker.models import Role


@pytest.fixture
def world(app, make_user):
    users = {"leader": make_user(Role.LEADER), "viewer": make_user(Role.VIEWER)}
    with app.app_context():
        home = f.organisation("Home ICB", "icb")
        council = f.organisation("Northshire Council", "la_unitary")
        lee = f.person(home, "Lee Leader", user=f.user(users["leader"].id), influence=1)
        a = f.person(council, "Ada Able", influence=5, interest=5)
        b = f.person(council, "Ben Bold", influence=5, interest=5)
        c = f.person(council, "Cy Calm", influence=5, interest=2)
        d = f.person(home, "Di Dee", influence=2, interest=4)
        archived = f.person(council, "Old Archived", influence=5, interest=5)
        archived.is_archived = True
        decision = f.decision(lee, "Open plan", event_at=f.utc(2027, 6, 1, 9))
        f.requirement(decision, a, brief_by=date(2027, 5, 25))
        f.requirement(decision, c, brief_by=date(2027, 5, 25))
        f.requirement(decision, c, brief_by=date(2027, 5, 28), update_round=1)
        secret = f.decision(
            lee, "Secret plan", event_at=f.utc(2027, 6, 2, 9), sensitivity="restricted"
        )
        f.requirement(secret, d, brief_by=date(2027, 5, 25))
        db.session.commit()
        ids = {
            "a": a.id, "b": b.id, "c": c.id, "d": d.id, "council": council.id,
            "decision": decision.id, "secret": secret.id,
        }  # fmt: skip
    return users, ids


def _section(html: str, heading: str) -> str:
    start = html.index(f">{heading} <span")
    end = html.find("<h2", start)
    return html[start : end if end != -1 else None]


def test_overall_map_quadrants_table_and_links(client, auth, world):
    users, ids = world
    auth.login_as(users["viewer"])
    html = client.get("/stakeholder-map").get_data(as_text=True)
    assert 'role="group" aria-labelledby="map-title map-desc"' in html
    for label in ("Manage closely", "Keep satisfied", "Keep informed", "Monitor"):
        assert label in html
    assert "Old Archived" not in html
    manage = _section(html, "Manage closely")
    assert "Ada Able" in manage
    assert "Ben Bold" in manage
    assert "Cy Calm" in _section(html, "Keep satisfied")
    assert "Di Dee" in _section(html, "Keep informed")
    assert "Lee Leader" in _section(html, "Monitor")
    # Every point is a link with a readable name; the two in one cell do not overlap.
    # (Named by its <title>: an aria-label would not contain the visible initials, which
    # axe's label-content-name-mismatch refuses.)
    links = re.findall(
        r'<a href="([^"]+)" class="app-stakeholder-map__point">\s*<title>([^<]+)</title>', html
    )
    assert len(links) == 5
    assert (f"/people/{ids['a']}", "Ada Able, Northshire Council: influence 5, interest 5 (Manage closely)") in links  # noqa: E501  # fmt: skip
    circles = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', html)
    assert len(set(circles)) == 5


def test_organisation_filter(client, auth, world):
    users, ids = world
    auth.login_as(users["viewer"])
    html = client.get(f"/stakeholder-map?organisation={ids['council']}").get_data(as_text=True)
    assert "Ada Able" in html
    assert "Di Dee" not in html
    assert "Lee Leader" not in html
    assert client.get("/stakeholder-map?organisation=junk").status_code == 200


def test_decision_map_lists_its_partners_once(client, auth, world):
    users, ids = world
    auth.login_as(users["viewer"])
    html = client.get(f"/decisions/{ids['decision']}/stakeholder-map").get_data(as_text=True)
    assert html.count('class="app-stakeholder-map__point"') == 2
    assert "Ada Able" in html
    assert "Cy Calm" in html
    assert "Ben Bold" not in html


def test_decision_map_is_404_when_the_decision_is_hidden(client, auth, world):
    users, ids = world
    auth.login_as(users["viewer"])
    assert client.get(f"/decisions/{ids['secret']}/stakeholder-map").status_code == 404
    assert client.get("/decisions/999999/stakeholder-map").status_code == 404
    auth.logout()
    auth.login_as(users["leader"])
    html = client.get(f"/decisions/{ids['secret']}/stakeholder-map").get_data(as_text=True)
    assert "Di Dee" in html
