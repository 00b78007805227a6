"""Calendar feeds: tokens, contents, confidentiality, and two independent parsers."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
import vobject

from tests import insight_factories as f
from tracker.extensions import db
from tracker.models import CalendarFeed, Role

FEED_RE = re.compile(r"https?://[^\s\"<]+/calendar/([A-Za-z0-9_\-]+)\.ics")


@pytest.fixture
def world(app, make_user):
    users = {
        "leader": make_user(Role.LEADER),
        "pa": make_user(Role.PA),
        "other": make_user(Role.LEADER),
        "manager": make_user(Role.MANAGER),
        "admin": make_user(Role.ADMIN),
        "team": make_user(Role.VIEWER),
    }
    with app.app_context():
        home = f.organisation("Home ICB", "icb")
        partner_org = f.organisation("Partner Council", "la_unitary")
        lee = f.person(home, "Lee", user=f.user(users["leader"].id), pas=[f.user(users["pa"].id)])
        oona = f.person(home, "Oona", user=f.user(users["other"].id))
        partner = f.person(partner_org, "Pat Partner")
        partner.email = "pat@partner.example"
        # Either side of both 2027 clock changes (29 March and 31 October 2027 ... BST
        # starts 28 March 2027, ends 31 October 2027).
        winter = f.decision(lee, "Winter board", event_at=f.utc(2027, 3, 26, 10), sequence=3)
        summer = f.decision(lee, "Summer board", event_at=f.utc(2027, 4, 2, 9))
        autumn = f.decision(lee, "Autumn board", event_at=f.utc(2027, 10, 29, 9))
        late = f.decision(lee, "November board", event_at=f.utc(2027, 11, 5, 10))
        secret = f.decision(
            lee, "Secret merger", event_at=f.utc(2027, 6, 1, 9), sensitivity="restricted"
        )
        embargoed = f.decision(
            oona,
            "Embargoed plan",
            event_at=f.utc(2027, 6, 2, 9),
            sensitivity="embargoed",
            embargo_lifts_at=f.utc(2027, 6, 1, 0),
            team=[f.user(users["team"].id)],
        )
        others = f.decision(oona, "Oona's own", event_at=f.utc(2027, 6, 3, 9))
        draft = f.decision(lee, "Draft idea", event_at=f.utc(2027, 6, 4, 9), status="draft")
        r_winter = f.requirement(winter, partner, brief_by=date(2027, 3, 19))
        f.requirement(
            summer, partner, brief_by=date(2027, 3, 26), status="briefed",
            first_briefed_at=f.utc(2027, 3, 20, 9),
        )  # fmt: skip
        r_secret = f.requirement(secret, partner, brief_by=date(2027, 5, 25))
        db.session.commit()
        ids = {
            "winter": winter.id, "summer": summer.id, "autumn": autumn.id, "late": late.id,
            "secret": secret.id, "embargoed": embargoed.id, "others": others.id,
            "draft": draft.id, "r_winter": r_winter.id, "r_secret": r_secret.id,
        }  # fmt: skip
    return users, ids


def _subscribe(client, auth, user) -> str:
    auth.login_as(user)
    response = auth.post("/account/calendar/new-address")
    assert response.status_code == 302
    html = client.get("/account/calendar").get_data(as_text=True)
    token = FEED_RE.search(html).group(1)
    assert f"webcal://localhost/calendar/{token}.ics" in html
    auth.logout()
    return token


def _fetch(client, token):
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200, response.status_code
    return response


def test_feed_parses_with_both_parsers_and_keeps_london_time(client, auth, world):
    users, ids = world
    token = _subscribe(client, auth, users["leader"])
    response = _fetch(client, token)
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    body = response.get_data()

    calendar = icalendar.Calendar.from_ical(body)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert f"decision-{ids['winter']}@localhost" in events
    winter = events[f"decision-{ids['winter']}@localhost"]
    assert winter["sequence"] == 3
    assert "dtstamp" in winter
    assert "dtend" in winter
    assert winter.decoded("dtstart") == datetime(2027, 3, 26, 10, tzinfo=UTC)
    for event in events.values():
        assert "dtend" in event
        assert "attendee" not in event
        assert "organizer" not in event

    parsed = vobject.readOne(body.decode("utf-8"))
    starts = {str(e.uid.value): e.dtstart.value for e in parsed.vevent_list}
    expected_utc_offsets = {
        "winter": (datetime(2027, 3, 26, 10, 0), timedelta(0)),  # GMT
        "summer": (datetime(2027, 4, 2, 10, 0), timedelta(hours=1)),  # BST
        "autumn": (datetime(2027, 10, 29, 10, 0), timedelta(hours=1)),  # BST
        "late": (datetime(2027, 11, 5, 10, 0), timedelta(0)),  # GMT
    }
    for key, (wall, offset) in expected_utc_offsets.items():
        start = starts[f"decision-{ids[key]}@localhost"]
        assert start.replace(tzinfo=None) == wall, key
        assert start.utcoffset() == offset, key
    # The brief-by deadline: an all-day event with an alarm, stable UID, no attendees.
    deadline = next(
        e for e in parsed.vevent_list if e.uid.value == f"briefby-{ids['r_winter']}@localhost"
    )
    assert deadline.dtstart.value == date(2027, 3, 19)
    assert deadline.dtend.value == date(2027, 3, 20)
    assert deadline.valarm.trigger.value == timedelta(hours=-15)
    assert "Pat Partner" in deadline.summary.value
    assert b"pat@partner.example" not in body
    assert b"ATTENDEE" not in body
    assert b"ORGANIZER" not in body


def test_feed_holds_only_the_users_own_visible_decisions(client, auth, world):
    users, ids = world

    def uids(role):
        token = _subscribe(client, auth, users[role])
        body = _fetch(client, token).get_data()
        return {str(e["uid"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}

    leader = uids("leader")
    assert f"decision-{ids['secret']}@localhost" in leader
    assert f"briefby-{ids['r_secret']}@localhost" in leader
    assert f"decision-{ids['others']}@localhost" not in leader
    assert f"decision-{ids['draft']}@localhost" not in leader
    # The summer requirement was briefed: only the two pending deadlines are there.
    assert {uid for uid in leader if uid.startswith("briefby-")} == {
        f"briefby-{ids['r_winter']}@localhost",
        f"briefby-{ids['r_secret']}@localhost",
    }
    # The PA gets the leader's calendar, restricted decision included.
    assert uids("pa") == leader
    # A manager is involved in nothing; an admin sees everything but is involved in nothing.
    assert uids("manager") == set()
    assert uids("admin") == set()
    # The team member of an embargoed decision gets it.
    assert uids("team") == {f"decision-{ids['embargoed']}@localhost"}
    other = uids("other")
    assert f"decision-{ids['others']}@localhost" in other
    assert f"decision-{ids['secret']}@localhost" not in other


def test_unknown_and_rotated_tokens_are_404_and_only_a_hash_is_stored(app, client, auth, world):
    users, _ids = world
    assert client.get("/calendar/not-a-real-token.ics").status_code == 404
    first = _subscribe(client, auth, users["leader"])
    with app.app_context():
        stored = db.session.get(CalendarFeed, users["leader"].id)
        assert stored.token_hash == hashlib.sha256(first.encode()).hexdigest()
        assert first not in (stored.salt, stored.token_hash)
    assert _fetch(client, first)
    second = _subscribe(client, auth, users["leader"])
    assert second != first
    assert client.get(f"/calendar/{first}.ics").status_code == 404
    assert _fetch(client, second)


def test_disabled_user_feed_is_404(app, client, auth, world):
    users, _ids = world
    token = _subscribe(client, auth, users["leader"])
    with app.app_context():
        f.user(users["leader"].id).is_active = False
        db.session.commit()
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_rotation_needs_a_confirmed_post_with_a_csrf_token(app, client, auth, world):
    users, _ids = world
    auth.login_as(users["leader"])
    page = client.get("/account/calendar/new-address")
    assert page.status_code == 200
    assert "Create address" in page.get_data(as_text=True)
    client.post("/account/calendar/new-address")  # no CSRF token
    with app.app_context():
        assert db.session.get(CalendarFeed, users["leader"].id) is None
    assert FEED_RE.search(client.get("/account/calendar").get_data(as_text=True)) is None


def test_single_decision_download(client, auth, world):
    users, ids = world
    assert client.get(f"/decisions/{ids['winter']}.ics").status_code == 302  # sign in first
    auth.login_as(users["manager"])
    response = client.get(f"/decisions/{ids['winter']}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "no-store" in response.headers["Cache-Control"]
    event = next(iter(icalendar.Calendar.from_ical(response.get_data()).walk("VEVENT")))
    assert str(event["uid"]) == f"decision-{ids['winter']}@localhost"
    assert "attendee" not in event
    parsed = vobject.readOne(response.get_data(as_text=True))
    assert parsed.vevent.dtstart.value.utcoffset() == timedelta(0)
    # Not visible to the manager: 404, as for the decision page.
    assert client.get(f"/decisions/{ids['secret']}.ics").status_code == 404
    assert client.get("/decisions/999999.ics").status_code == 404
    auth.logout()
    auth.login_as(users["leader"])
    assert client.get(f"/decisions/{ids['secret']}.ics").status_code == 200
