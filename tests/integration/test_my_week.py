"""My week: requirements due in the next 10 working days and overdue ones, grouped by decision."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import Flask

from tests.factories import Cast, log_briefing, make_decision
from tests.pages import signed_in, text_of
from tracker.models import utcnow


@dataclass
class Week:
    cast: Cast
    soon_id: int
    overdue_id: int


@pytest.fixture
def week(app: Flask, make_user) -> Week:
    with app.app_context():
        cast = Cast(make_user)
        now = utcnow().replace(microsecond=0)
        soon = cast.decision(
            title="Soon: pharmacy opening hours",
            event_at=now + timedelta(days=8),
            lead_time=3,
            partners=[cast.alice_id, cast.bob_id, cast.cara_id],
            team=[cast.team_member],
        )
        log_briefing(actor=cast.owner, people=[cast.cara_id], decisions=[soon])
        overdue = cast.decision(
            title="Overdue: community beds",
            event_at=now + timedelta(days=3),
            lead_time=15,
            partners=[cast.alice_id],
        )
        cast.decision(
            title="Later: estates strategy",
            event_at=now + timedelta(days=90),
            lead_time=5,
            partners=[cast.alice_id],
        )
        cast.decision(
            title="Cancelled: old plan",
            event_at=now + timedelta(days=8),
            lead_time=3,
            status="cancelled",
            partners=[cast.alice_id],
        )
        cast.decision(
            title="Past: last month's board",
            event_at=now - timedelta(days=30),
            lead_time=3,
            partners=[cast.alice_id],
        )
        make_decision(
            actor=cast.other_leader,
            owner=cast.other_person_id,
            title="Someone else's: dental contracts",
            event_at=now + timedelta(days=8),
            lead_time=3,
            partners=[cast.bob_id],
        )
        make_decision(
            actor=cast.other_leader,
            owner=cast.other_person_id,
            title="Someone else's restricted: GP estates",
            sensitivity="restricted",
            event_at=now + timedelta(days=8),
            lead_time=3,
            partners=[cast.bob_id],
        )
        return Week(cast=cast, soon_id=soon.id, overdue_id=overdue.id)


def cards(body: str) -> list[str]:
    return [
        html.unescape(t) for t in re.findall(r"nhsuk-card__heading[^>]*><a [^>]*>([^<]+)</a>", body)
    ]


@pytest.mark.parametrize("role", ["owner", "pa"])
def test_the_owner_and_their_pa_see_the_owners_briefings(app: Flask, week: Week, role: str) -> None:
    auth = signed_in(app, week.cast.by_role(role))
    response = auth.client.get("/my-week")
    body = response.get_data(as_text=True)
    # Overdue first (earliest brief-by date), one card per decision.
    assert cards(body) == ["Overdue: community beds", "Soon: pharmacy opening hours"]
    page = text_of(response)
    assert "for Olu Owner." in page
    assert "1 overdue, 2 due in the next 10 working days." in page
    assert "Overdue" in page.split("Overdue: community beds", 1)[1]
    soon_card = page.split("Soon: pharmacy opening hours", 1)[1]
    assert "Alice Partner" in soon_card
    assert "Bob Partner" in soon_card
    assert "Cara Partner" not in soon_card  # already briefed
    for person_id in (week.cast.alice_id, week.cast.bob_id):
        assert f'href="/briefings/new?decision={week.soon_id}&amp;person={person_id}"' in body
    for hidden in ("Later:", "Cancelled:", "Past:", "Someone else"):
        assert hidden not in page, hidden
    # The links work for them.
    link = f"/briefings/new?decision={week.soon_id}&person={week.cast.alice_id}"
    assert auth.client.get(link).status_code == 200


def test_a_team_member_sees_decisions_whose_team_they_are_in(app: Flask, week: Week) -> None:
    auth = signed_in(app, week.cast.team_member)
    body = auth.client.get("/my-week").get_data(as_text=True)
    assert cards(body) == ["Soon: pharmacy opening hours"]


def test_another_leaders_pa_sees_only_their_leaders(app: Flask, week: Week) -> None:
    auth = signed_in(app, week.cast.other_pa)
    body = auth.client.get("/my-week").get_data(as_text=True)
    # Same brief-by date and event time: in the order the requirements were added.
    assert cards(body) == [
        "Someone else's: dental contracts",
        "Someone else's restricted: GP estates",
    ]
    assert "for Uma Unrelated." in text_of(auth.client.get("/my-week"))


@pytest.mark.parametrize("role", ["viewer", "manager", "admin"])
def test_people_without_a_circle_have_nothing_to_brief(app: Flask, week: Week, role: str) -> None:
    auth = signed_in(app, week.cast.by_role(role))
    response = auth.client.get("/my-week")
    assert response.status_code == 200
    assert cards(response.get_data(as_text=True)) == []
    assert "Nothing to brief in the next 10 working days." in text_of(response)
