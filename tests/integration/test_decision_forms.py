"""The decision form's error paths: Error: title, input kept, summary links to each field."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.factories import Cast
from tests.pages import date_fields, error_summary_links, signed_in, title_of
from tracker.extensions import db
from tracker.models import Decision


@pytest.fixture
def cast(app: Flask, make_user) -> Cast:
    with app.app_context():
        return Cast(make_user)


def valid_form(cast: Cast) -> dict[str, Any]:
    return {
        "title": "Consult on the new urgent care model",
        "kind": "consultation",
        "description": "Three options for urgent care across the county.",
        "owner_person_id": str(cast.owner_person_id),
        **date_fields("event_date", date(2027, 3, 31)),
        "event_time": "14:30",
        "location": "Council chamber",
        "sensitivity": "internal",
        "status": "planned",
        "lead_time": "5",
    }


CASES = [
    ({"title": ""}, "#title", "Enter a title"),
    ({"title": "x" * 201}, "#title", "Title must be 200 characters or fewer"),
    ({"owner_person_id": "0"}, "#owner_person_id", "Select who owns this decision"),
    (
        date_fields("event_date", parts=("", "", "")),
        "#event_date-day",
        "Enter the date of the event",
    ),
    (
        date_fields("event_date", parts=("31", "2", "2027")),
        "#event_date-day",
        "Date of the event must be a real date, like 27 3 2027",
    ),
    (
        date_fields("event_date", parts=("1", "13", "2027")),
        "#event_date-day",
        "Date of the event must be a real date, like 27 3 2027",
    ),
    (
        date_fields("event_date", parts=("1", "", "2027")),
        "#event_date-day",
        "Date of the event must include a month",
    ),
    (
        date_fields("event_date", parts=("1", "3", "27")),
        "#event_date-day",
        "Year must include 4 numbers, like 2027",
    ),
    ({"event_time": ""}, "#event_time", "Enter the time of the event"),
    (
        {"event_time": "25:00"},
        "#event_time",
        "Enter time of the event in the format 14:30 or 2:30pm",
    ),
    (
        {"event_time": "noon"},
        "#event_time",
        "Enter time of the event in the format 14:30 or 2:30pm",
    ),
    (
        {"lead_time": "0"},
        "#lead_time",
        "Lead time must be a whole number of working days from 1 to 60",
    ),
    (
        {"lead_time": "61"},
        "#lead_time",
        "Lead time must be a whole number of working days from 1 to 60",
    ),
    ({"lead_time": "abc"}, "#lead_time", "Not a valid integer value."),
    (
        {"sensitivity": "embargoed"},
        "#embargo_date-day",
        "Enter the date the embargo lifts",
    ),
    (
        {
            "sensitivity": "embargoed",
            **date_fields("embargo_date", date(2027, 3, 30)),
            "embargo_time": "",
        },
        "#embargo_time",
        "Enter the time the embargo lifts",
    ),
    (
        {
            "sensitivity": "embargoed",
            **date_fields("embargo_date", date(2027, 3, 31)),
            "embargo_time": "15:00",
        },
        "#embargo_date-day",
        "The embargo must lift on or before the event",
    ),
]


@pytest.mark.parametrize(("changes", "href", "message"), CASES)
def test_new_decision_errors(
    app: Flask, cast: Cast, changes: dict[str, str], href: str, message: str
) -> None:
    owner = signed_in(app, cast.owner)
    data = {**valid_form(cast), **changes}
    response = owner.post("/decisions/new", data)
    assert response.status_code == 200
    assert title_of(response) == "Error: Log a decision – No Surprises"
    links = error_summary_links(response)
    assert (href, message) in links, links
    body = response.get_data(as_text=True)
    # What was typed is kept, including the value that was wrong.
    assert "Three options for urgent care across the county." in body
    assert 'value="Council chamber"' in body
    for name in ("title", "event_time", "lead_time"):
        if data.get(name):
            assert f'value="{data[name]}"' in body, name
    for part in ("day", "month", "year"):
        typed = data.get(f"event_date[{part}]")
        if typed:
            assert f'name="event_date[{part}]" type="text" value="{typed}"' in body, part
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Decision)) == 0


@pytest.mark.parametrize(("changes", "href", "message"), CASES[:3] + CASES[10:13] + CASES[-1:])
def test_edit_decision_errors(
    app: Flask, cast: Cast, changes: dict[str, str], href: str, message: str
) -> None:
    with app.app_context():
        decision_id = cast.decision(title="Consult on the new urgent care model").id
    owner = signed_in(app, cast.owner)
    response = owner.post(f"/decisions/{decision_id}/edit", {**valid_form(cast), **changes})
    assert response.status_code == 200
    assert title_of(response).startswith("Error: Edit Consult on the new urgent care model")
    assert (href, message) in error_summary_links(response)
    with app.app_context():
        decision = db.session.get(Decision, decision_id)
        assert decision.title == "Consult on the new urgent care model"
        assert decision.kind == "announcement"


def test_an_embargo_lifting_before_the_event_is_accepted(app: Flask, cast: Cast) -> None:
    owner = signed_in(app, cast.owner)
    response = owner.post(
        "/decisions/new",
        {
            **valid_form(cast),
            "sensitivity": "embargoed",
            **date_fields("embargo_date", date(2027, 3, 31)),
            "embargo_time": "2pm",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        decision = db.session.scalar(select(Decision))
        assert decision.sensitivity == "embargoed"
        assert decision.embargo_lifts_at.isoformat() == "2027-03-31T13:00:00+00:00"
        assert decision.event_at.isoformat() == "2027-03-31T13:30:00+00:00"


def test_an_embargo_time_is_dropped_when_not_embargoed(app: Flask, cast: Cast) -> None:
    owner = signed_in(app, cast.owner)
    owner.post(
        "/decisions/new",
        {
            **valid_form(cast),
            **date_fields("embargo_date", date(2027, 3, 30)),
            "embargo_time": "09:00",
        },
    )
    with app.app_context():
        assert db.session.scalar(select(Decision.embargo_lifts_at)) is None


def test_partner_form_errors(app: Flask, cast: Cast) -> None:
    with app.app_context():
        decision_id = cast.decision().id
    owner = signed_in(app, cast.owner)
    url = f"/decisions/{decision_id}/partners/people?organisation_ids={cast.partner_org_id}"
    none = owner.post(url, {"reason": "They run the beds"})
    assert title_of(none).startswith("Error: ")
    assert ("#person_ids", "Select at least one person") in error_summary_links(none)
    assert 'id="person_ids"' in none.get_data(as_text=True)  # the link has a target
    for bad in ("0", "61", "abc"):
        response = owner.post(url, {"person_ids": [str(cast.alice_id)], "lead_time_override": bad})
        assert title_of(response).startswith("Error: ")
        links = error_summary_links(response)
        assert links[0][0] == "#lead_time_override", links
        assert f'value="{bad}"' in response.get_data(as_text=True)
    choose = owner.client.get(f"/decisions/{decision_id}/partners?submitted=1")
    assert title_of(choose).startswith("Error: ")
    assert ("#organisation_ids", "Select at least one organisation") in error_summary_links(choose)
