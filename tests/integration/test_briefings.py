"""Logging and correcting briefings, and the outcomes they give on the decision page."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests.factories import Cast, log_briefing, london, make_person, requirement_for
from tests.pages import date_fields, error_summary_links, signed_in, text_of, title_of
from tracker.domain.localtime import LONDON
from tracker.extensions import db
from tracker.models import Briefing, Organisation, utcnow


@pytest.fixture
def cast(app: Flask, make_user) -> Cast:
    with app.app_context():
        return Cast(make_user)


def briefing_form(
    people: list[int], decisions: list[int], by: int, when: datetime, **extra: Any
) -> dict[str, Any]:
    local = when.astimezone(LONDON)
    return {
        "person_ids": [str(p) for p in people],
        "decision_ids": [str(d) for d in decisions],
        "briefed_by_person_id": str(by),
        **date_fields("occurred_date", local.date()),
        "occurred_time": local.strftime("%H:%M"),
        "channel": "meeting",
        **extra,
    }


def row_text(page: str, name: str) -> str:
    table = page.split("Affected partners", 1)[1].split("Briefings", 1)[0]
    return table.split(name, 1)[1][:200]


def test_logging_from_the_decision_prefills_the_decision_and_pending_people(
    app: Flask, cast: Cast
) -> None:
    with app.app_context():
        decision = cast.decision(partners=[cast.alice_id, cast.bob_id])
        log_briefing(actor=cast.owner, people=[cast.bob_id], decisions=[decision])
        decision_id = decision.id
    owner = signed_in(app, cast.owner)
    page = owner.client.get(f"/briefings/new?decision={decision_id}").get_data(as_text=True)
    assert re.search(rf'name="decision_ids"[^>]*value="{decision_id}"[^>]*checked', page)
    assert re.search(rf'name="person_ids"[^>]*value="{cast.alice_id}"[^>]*checked', page)
    assert re.search(rf'name="person_ids"[^>]*value="{cast.bob_id}"', page)
    assert not re.search(rf'name="person_ids"[^>]*value="{cast.bob_id}"[^>]*checked', page)
    assert f'<option value="{cast.owner_person_id}" selected' in page
    # From "Log briefing" on one partner's row, only that partner is ticked.
    one = owner.client.get(f"/briefings/new?decision={decision_id}&person={cast.bob_id}")
    one_page = one.get_data(as_text=True)
    assert not re.search(rf'name="person_ids"[^>]*value="{cast.alice_id}"[^>]*checked', one_page)


def test_a_briefing_marks_only_the_requirements_it_covers(app: Flask, cast: Cast) -> None:
    with app.app_context():
        decision = cast.decision(partners=[cast.alice_id, cast.bob_id])
        other = cast.decision(partners=[cast.alice_id])
        decision_id, other_id = decision.id, other.id
    owner = signed_in(app, cast.owner)
    when = utcnow() - timedelta(hours=2)
    response = owner.post(
        f"/briefings/new?decision={decision_id}",
        briefing_form([cast.alice_id], [decision_id], cast.owner_person_id, when),
        follow_redirects=True,
    )
    page = text_of(response)
    assert "The briefing has been logged. 1 requirement(s) are now marked as briefed." in page
    with app.app_context():
        alice = requirement_for(decision_id, cast.alice_id)
        assert alice.status == "briefed"
        assert alice.first_briefed_at == when.replace(second=0, microsecond=0)
        assert requirement_for(decision_id, cast.bob_id).status == "pending"
        assert requirement_for(other_id, cast.alice_id).status == "pending"
    assert "On time" in row_text(page, "Alice Partner")
    assert "Not briefed yet" in row_text(page, "Bob Partner")


def test_a_general_contact_marks_nothing(app: Flask, cast: Cast) -> None:
    with app.app_context():
        decision = cast.decision(partners=[cast.alice_id])
        decision_id = decision.id
    owner = signed_in(app, cast.owner)
    url = f"/briefings/new?organisation={cast.partner_org_id}"
    page = owner.client.get(url).get_data(as_text=True)
    assert 'name="decision_ids"' not in page
    response = owner.post(
        url, briefing_form([cast.alice_id], [], cast.owner_person_id, utcnow() - timedelta(hours=1))
    )
    assert response.status_code == 302
    briefing_page = text_of(owner.client.get(response.location))
    assert "General relationship contact" in briefing_page
    with app.app_context():
        assert requirement_for(decision_id, cast.alice_id).status == "pending"


def test_a_pa_logs_on_behalf_of_their_leader(app: Flask, cast: Cast) -> None:
    with app.app_context():
        decision = cast.decision(partners=[cast.alice_id])
        decision_id = decision.id
    pa = signed_in(app, cast.pa)
    page = pa.client.get(f"/briefings/new?decision={decision_id}").get_data(as_text=True)
    assert f'<option value="{cast.owner_person_id}" selected' in page
    response = pa.post(
        f"/briefings/new?decision={decision_id}",
        briefing_form(
            [cast.alice_id], [decision_id], cast.owner_person_id, utcnow() - timedelta(hours=1)
        ),
        follow_redirects=True,
    )
    assert "Logged by Pat Assistant on behalf of Olu Owner" in text_of(response)
    with app.app_context():
        briefing = db.session.scalar(select(Briefing))
        assert briefing.logged_by_user_id == cast.pa.id
        assert briefing.briefed_by_person_id == cast.owner_person_id
        assert briefing.on_behalf_of_person_id == cast.owner_person_id
        briefing_id = briefing.id
    shown = text_of(pa.client.get(f"/briefings/{briefing_id}"))
    assert "Olu Owner – logged by Pat Assistant on behalf of Olu Owner" in shown


def test_a_leader_logging_their_own_briefing_is_not_on_behalf(app: Flask, cast: Cast) -> None:
    with app.app_context():
        decision_id = cast.decision(partners=[cast.alice_id]).id
    owner = signed_in(app, cast.owner)
    response = owner.post(
        f"/briefings/new?decision={decision_id}",
        briefing_form(
            [cast.alice_id], [decision_id], cast.owner_person_id, utcnow() - timedelta(hours=1)
        ),
        follow_redirects=True,
    )
    assert "on behalf of" not in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(Briefing.on_behalf_of_person_id)) is None


def test_a_briefing_in_the_future_is_refused(app: Flask, cast: Cast) -> None:
    with app.app_context():
        decision_id = cast.decision(partners=[cast.alice_id]).id
    owner = signed_in(app, cast.owner)
    tomorrow = utcnow() + timedelta(days=1)
    response = owner.post(
        f"/briefings/new?decision={decision_id}",
        briefing_form([cast.alice_id], [decision_id], cast.owner_person_id, tomorrow),
    )
    assert response.status_code == 200
    assert title_of(response).startswith("Error: ")
    assert ("#occurred_date-day", "The briefing must have already happened") in (
        error_summary_links(response)
    )
    with app.app_context():
        assert db.session.scalar(select(Briefing)) is None
        assert requirement_for(decision_id, cast.alice_id).status == "pending"


@pytest.mark.parametrize(
    ("changes", "href", "message"),
    [
        ({"person_ids": []}, "#person_ids", "Select who was briefed"),
        ({"channel": ""}, "#channel", "Select how the briefing happened"),
        ({"occurred_time": "25:00"}, "#occurred_time", "in the format 14:30 or 2:30pm"),
        ({"occurred_time": "noon"}, "#occurred_time", "in the format 14:30 or 2:30pm"),
        ({"occurred_time": ""}, "#occurred_time", "Enter the time of the briefing"),
        (
            {"occurred_date[day]": "31", "occurred_date[month]": "2"},
            "#occurred_date-day",
            "Date of the briefing must be a real date, like 27 3 2027",
        ),
        ({"briefed_by_person_id": "0"}, "#briefed_by_person_id", "Select who briefed them"),
    ],
)
def test_briefing_form_errors_keep_the_input(
    app: Flask, cast: Cast, changes: dict[str, Any], href: str, message: str
) -> None:
    with app.app_context():
        decision_id = cast.decision(partners=[cast.alice_id]).id
    owner = signed_in(app, cast.owner)
    data = briefing_form(
        [cast.alice_id],
        [decision_id],
        cast.owner_person_id,
        datetime(2026, 11, 2, 10, 0, tzinfo=LONDON),
        summary="Walked them through the options",
    )
    data.update(changes)
    response = owner.post(f"/briefings/new?decision={decision_id}", data)
    assert response.status_code == 200
    assert title_of(response).startswith("Error: ")
    links = error_summary_links(response)
    assert any(h == href and message in text for h, text in links), links
    body = response.get_data(as_text=True)
    assert "Walked them through the options" in body
    if changes.get("occurred_time"):
        assert f'value="{changes["occurred_time"]}"' in body
    with app.app_context():
        assert db.session.scalar(select(Briefing)) is None


@pytest.fixture
def past_event(app: Flask, cast: Cast) -> dict[str, int]:
    """Wed 14 Oct 2026 10:00, lead time 5: brief by Wed 7 Oct 2026."""
    with app.app_context():
        org = db.session.get(Organisation, cast.partner_org_id)
        dan = make_person(org, "Dan Partner").id
        eve = make_person(org, "Eve Partner").id
        decision = cast.decision(
            title="Winter plan",
            event_at=london(date(2026, 10, 14), "10:00"),
            lead_time=5,
            partners=[cast.alice_id, cast.bob_id, cast.cara_id, dan, eve],
        )
        assert requirement_for(decision.id, cast.alice_id).brief_by == date(2026, 10, 7)
        times = {
            cast.alice_id: london(date(2026, 10, 7), "17:00"),  # on the brief-by date
            cast.bob_id: london(date(2026, 10, 8), "09:00"),  # the day after
            cast.cara_id: london(date(2026, 10, 14), "08:00"),  # event day, before it
            dan: london(date(2026, 10, 14), "11:00"),  # after the event
        }
        ids = {}
        for person_id, when in times.items():
            ids[person_id] = log_briefing(
                actor=cast.owner,
                people=[person_id],
                decisions=[decision],
                occurred_at=when,
                briefed_by=cast.owner_person_id,
            ).id
        return {
            "decision": decision.id,
            "dan": dan,
            "eve": eve,
            **{f"b{k}": v for k, v in ids.items()},
        }


def test_outcomes_on_the_decision_page(app: Flask, cast: Cast, past_event: dict[str, int]) -> None:
    owner = signed_in(app, cast.owner)
    page = text_of(owner.client.get(f"/decisions/{past_event['decision']}"))
    assert "Wed 7 Oct 2026" in row_text(page, "Alice Partner")
    assert "On time" in row_text(page, "Alice Partner")
    assert "Late" in row_text(page, "Bob Partner")
    assert "Same day" in row_text(page, "Cara Partner")
    assert "After the event" in row_text(page, "Dan Partner")
    assert "Not briefed" in row_text(page, "Eve Partner")
    assert "Surprises: not everyone briefed in time" in page


def test_correcting_a_briefings_time_recomputes_the_outcome(
    app: Flask, cast: Cast, past_event: dict[str, int]
) -> None:
    owner = signed_in(app, cast.owner)
    bob_briefing = past_event[f"b{cast.bob_id}"]
    response = owner.post(
        f"/briefings/{bob_briefing}/edit",
        {
            **date_fields("occurred_date", date(2026, 10, 6)),
            "occurred_time": "16:00",
            "channel": "call",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        bob = requirement_for(past_event["decision"], cast.bob_id)
        assert bob.first_briefed_at == london(date(2026, 10, 6), "16:00")
    page = text_of(owner.client.get(f"/decisions/{past_event['decision']}"))
    assert "On time" in row_text(page, "Bob Partner")
    # Moving Alice's only briefing after the event makes hers "after the event".
    alice_briefing = past_event[f"b{cast.alice_id}"]
    owner.post(
        f"/briefings/{alice_briefing}/edit",
        {
            **date_fields("occurred_date", date(2026, 10, 15)),
            "occurred_time": "09:00",
            "channel": "call",
        },
    )
    page = text_of(owner.client.get(f"/decisions/{past_event['decision']}"))
    assert "After the event" in row_text(page, "Alice Partner")


def test_the_earliest_briefing_counts_after_a_correction(
    app: Flask, cast: Cast, past_event: dict[str, int]
) -> None:
    with app.app_context():
        # A second, later briefing of Alice (9 Oct: late on its own).
        log_briefing(
            actor=cast.owner,
            people=[cast.alice_id],
            decisions=[past_event["decision"]],
            occurred_at=london(date(2026, 10, 9), "12:00"),
            briefed_by=cast.owner_person_id,
        )
    owner = signed_in(app, cast.owner)
    first = past_event[f"b{cast.alice_id}"]
    owner.post(
        f"/briefings/{first}/edit",
        {
            **date_fields("occurred_date", date(2026, 10, 12)),
            "occurred_time": "09:00",
            "channel": "call",
        },
    )
    with app.app_context():
        alice = requirement_for(past_event["decision"], cast.alice_id)
        assert alice.first_briefed_at == london(date(2026, 10, 9), "12:00")
    page = text_of(owner.client.get(f"/decisions/{past_event['decision']}"))
    assert "Late" in row_text(page, "Alice Partner")


def test_a_correction_into_the_future_is_refused(
    app: Flask, cast: Cast, past_event: dict[str, int]
) -> None:
    owner = signed_in(app, cast.owner)
    tomorrow = (utcnow() + timedelta(days=1)).astimezone(LONDON).date()
    response = owner.post(
        f"/briefings/{past_event[f'b{cast.alice_id}']}/edit",
        {**date_fields("occurred_date", tomorrow), "occurred_time": "09:00", "channel": "call"},
    )
    assert response.status_code == 200
    assert title_of(response).startswith("Error: ")
    assert ("#occurred_date-day", "The briefing must have already happened") in (
        error_summary_links(response)
    )
    with app.app_context():
        alice = requirement_for(past_event["decision"], cast.alice_id)
        assert alice.first_briefed_at == london(date(2026, 10, 7), "17:00")
