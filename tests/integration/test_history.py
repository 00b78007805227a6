"""Engagement history: timeline, filters, pagination, confidentiality, health, exports."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

from tests import insight_factories as f
from tracker.extensions import db
from tracker.models import Person, Role, utcnow
from tracker.services import history


@pytest.fixture
def world(app, make_user):
    users = {
        "leader": make_user(Role.LEADER),
        "viewer": make_user(Role.VIEWER),
        "admin": make_user(Role.ADMIN),
        "pa": make_user(Role.PA),
        "manager": make_user(Role.MANAGER),
    }
    with app.app_context():
        home = f.organisation("Home ICB", "icb")
        council = f.organisation("Northshire Council", "la_unitary")
        lee = f.person(home, "Lee Leader", user=f.user(users["leader"].id))
        carla = f.person(council, "Carla Council")
        colin = f.person(council, "Colin Council")
        open_decision = f.decision(lee, "Open budget", event_at=f.utc(2025, 6, 1, 9))
        secret = f.decision(
            lee, "Secret merger", event_at=f.utc(2025, 6, 2, 9), sensitivity="restricted"
        )
        # 25 general contacts with Carla, one a day from 1 March 2025, alternating channel.
        for day in range(25):
            f.briefing(
                [carla],
                occurred_at=f.utc(2025, 3, 1, 10) + timedelta(days=day),
                channel="call" if day % 2 else "email",
                briefed_by=lee,
                summary=f"Contact {day + 1}",
            )
        f.briefing(
            [carla, colin],
            occurred_at=f.utc(2025, 4, 1, 9),
            channel="meeting",
            decisions=[open_decision],
            briefed_by=lee,
            on_behalf_of=lee,
            summary="About the budget",
        )
        f.briefing(
            [colin],
            occurred_at=f.utc(2025, 4, 2, 9),
            channel="teams",
            decisions=[open_decision, secret],
            briefed_by=lee,
            summary='=HYPERLINK("http://evil")',
        )
        db.session.commit()
        ids = {"carla": carla.id, "colin": colin.id, "council": council.id, "lee": lee.id}
    return users, ids


def _timeline(app, user_id, **kwargs):
    with app.app_context():
        page = history.timeline(f.user(user_id), **kwargs)
        return page, [(b.summary, [d.title for d in b.decisions]) for b in page.entries]


def test_newest_first_with_real_pagination(app, world):
    users, ids = world
    page, entries = _timeline(app, users["viewer"].id, person_id=ids["carla"], per_page=10)
    assert page.total == 26
    assert page.pages == 3
    assert entries[0] == ("About the budget", ["Open budget"])
    assert entries[1][0] == "Contact 25"
    _page3, entries3 = _timeline(
        app, users["viewer"].id, person_id=ids["carla"], per_page=10, page=3
    )
    assert [e[0] for e in entries3] == [f"Contact {n}" for n in range(6, 0, -1)]
    # Past the end: the last page, never an error.
    last, _ = _timeline(app, users["viewer"].id, person_id=ids["carla"], per_page=10, page=99)
    assert last.page == 3


def test_filters(app, world):
    users, ids = world
    viewer = users["viewer"].id
    calls, _ = _timeline(
        app, viewer, person_id=ids["carla"], filters=history.HistoryFilters(channel="call")
    )
    assert calls.total == 12
    # London dates: 1 to 3 March inclusive.
    _march, entries = _timeline(
        app,
        viewer,
        person_id=ids["carla"],
        filters=history.HistoryFilters(date_from=date(2025, 3, 1), date_to=date(2025, 3, 3)),
    )
    assert [e[0] for e in entries] == ["Contact 3", "Contact 2", "Contact 1"]
    _colin, entries = _timeline(
        app,
        viewer,
        organisation_id=ids["council"],
        filters=history.HistoryFilters(person_id=ids["colin"]),
    )
    assert [e[0] for e in entries] == ["About the budget"]
    everyone, _ = _timeline(app, viewer, organisation_id=ids["council"])
    assert everyone.total == 26


def test_briefing_about_a_hidden_decision_never_appears(app, client, auth, world):
    users, ids = world
    _page, viewer_entries = _timeline(app, users["viewer"].id, person_id=ids["colin"])
    assert [e[0] for e in viewer_entries] == ["About the budget"]
    _page, owner_entries = _timeline(app, users["leader"].id, person_id=ids["colin"])
    assert owner_entries[0][1] == ["Open budget", "Secret merger"]
    _page, admin_entries = _timeline(app, users["admin"].id, person_id=ids["colin"])
    assert len(admin_entries) == 2
    # Health counts leave it out too.
    with app.app_context():
        colin = db.session.get(Person, ids["colin"])
        health = history.person_health(f.user(users["viewer"].id), colin, f.utc(2025, 4, 10))
        assert health.last_contact == f.utc(2025, 4, 1, 9)
        assert health.recent_engagements == 1
        owner_health = history.person_health(f.user(users["leader"].id), colin, f.utc(2025, 4, 10))
        assert owner_health.last_contact == f.utc(2025, 4, 2, 9)
    auth.login_as(users["manager"])
    for url in (
        f"/people/{ids['colin']}/history",
        f"/organisations/{ids['council']}/history",
        f"/people/{ids['colin']}/history/export.csv",
        f"/organisations/{ids['council']}/history/export.csv",
    ):
        body = client.get(url).get_data(as_text=True)
        assert "Secret merger" not in body, url
        assert "HYPERLINK" not in body, url


def test_health_counts_the_last_90_days(app, world):
    users, ids = world
    with app.app_context():
        council = db.session.get(f.Organisation, ids["council"])
        health = history.organisation_health(
            f.user(users["viewer"].id), council, f.utc(2025, 6, 20)
        )
        # 90 days before 20 June is 22 March: contacts 22..25 and the 1 April meeting.
        assert health.recent_engagements == 5
        assert health.last_contact == f.utc(2025, 4, 1, 9)


def test_pages_render_with_pagination_and_export_link(client, auth, world):
    users, ids = world
    auth.login_as(users["viewer"])
    response = client.get(f"/people/{ids['carla']}/history?channel=email")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "13 engagements." in html
    assert f"/people/{ids['carla']}/history/export.csv?channel=email" in html
    html = client.get(f"/organisations/{ids['council']}/history").get_data(as_text=True)
    assert "26 engagements, page 1 of 2" in html
    assert "page=2" in html
    html = client.get(f"/organisations/{ids['council']}/history?page=2").get_data(as_text=True)
    assert ">Contact 1</p>" in html
    assert client.get("/people/999999/history").status_code == 404
    assert client.get("/organisations/999999/history").status_code == 404


def test_bad_filter_dates_show_an_error_not_a_crash(client, auth, world):
    users, ids = world
    auth.login_as(users["viewer"])
    html = client.get(
        f"/people/{ids['carla']}/history",
        query_string={"date_from[day]": "31", "date_from[month]": "2", "date_from[year]": "2025"},
    ).get_data(as_text=True)
    assert "<title>Error: " in html
    assert "must be a real date" in html


def test_history_export_is_csv_with_bom_and_neutralised(client, auth, world):
    users, ids = world
    auth.login_as(users["leader"])
    response = client.get(f"/people/{ids['colin']}/history/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "Date"
    assert rows[1][-1] == '\'=HYPERLINK("http://evil")'
    assert rows[1][8] == "Open budget; Secret merger"
    assert rows[2][:3] == ["2025-04-01", "10:00", "Meeting"]  # BST


def test_keep_in_touch_cadence_and_my_week(app, client, auth, world):
    users, ids = world
    auth.login_as(users["viewer"])
    assert client.get(f"/people/{ids['carla']}/keep-in-touch").status_code == 403
    auth.logout()
    auth.login_as(users["pa"])
    response = auth.post(f"/people/{ids['carla']}/keep-in-touch", {"keep_in_touch_days": "400"})
    assert "Enter a number of days from 1 to 365" in response.get_data(as_text=True)
    response = auth.post(f"/people/{ids['carla']}/keep-in-touch", {"keep_in_touch_days": "30"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Person, ids["carla"]).keep_in_touch_days == 30
    # The last contact was in 2025, so contact is long overdue: it shows on my week.
    html = client.get("/my-week").get_data(as_text=True)
    assert "Keep in touch" in html
    assert "Carla Council" in html
    auth.logout()
    auth.login_as(users["manager"])
    assert "Keep in touch" not in client.get("/my-week").get_data(as_text=True)
    # A recent contact takes them off the list.
    with app.app_context():
        carla = db.session.get(Person, ids["carla"])
        f.briefing([carla], occurred_at=utcnow() - timedelta(hours=1))
        db.session.commit()
        due = history.keep_in_touch_due(f.user(users["pa"].id))
        assert [item.person.full_name for item in due] == []


def test_register_pages_include_health_and_latest_engagements(client, auth, world):
    users, ids = world
    auth.login_as(users["viewer"])
    html = client.get(f"/people/{ids['colin']}").get_data(as_text=True)
    assert "Relationship health" in html
    assert "About the budget" in html
    assert "Secret merger" not in html
    assert "HYPERLINK" not in html
    assert f'href="/people/{ids["colin"]}/history"' in html
    html = client.get(f"/organisations/{ids['council']}").get_data(as_text=True)
    assert "Relationship health" in html
    assert "Latest engagements" in html
    assert html.count('class="app-timeline__item"') == 5
    assert "Full engagement history (26 engagements" in html
    assert "Secret merger" not in html
    auth.logout()
    auth.login_as(users["leader"])
    html = client.get(f"/people/{ids['colin']}").get_data(as_text=True)
    assert "Secret merger" in html
    assert "keep-in-touch" in html  # leaders may set the cadence
