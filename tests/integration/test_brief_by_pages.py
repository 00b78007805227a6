"""Brief-by dates end to end: logged through the pages, shown on the decision page."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import AuthActions
from tests.factories import Cast, requirement_for
from tests.pages import date_fields, signed_in, text_of
from tracker.domain.brief_by import brief_by_date
from tracker.domain.working_days import WorkingCalendar
from tracker.extensions import db
from tracker.models import ClosureDay, Decision, utcnow


@pytest.fixture
def cast(app: Flask, make_user) -> Cast:
    with app.app_context():
        return Cast(make_user)


def decision_form(cast: Cast, **overrides: Any) -> dict[str, Any]:
    event_day = overrides.pop("event_day", date(2027, 3, 31))
    data = {
        "title": "Close the minor injuries unit",
        "kind": "announcement",
        "owner_person_id": str(cast.owner_person_id),
        **date_fields("event_date", event_day),
        "event_time": "10:00",
        "sensitivity": "internal",
        "status": "planned",
        "lead_time": "5",
    }
    data.update(overrides)
    return data


def log_decision(auth: AuthActions, cast: Cast, **overrides: Any) -> int:
    response = auth.post("/decisions/new", decision_form(cast, **overrides))
    assert response.status_code == 302, response.get_data(as_text=True)
    match = re.fullmatch(r"/decisions/(\d+)/partners", response.location)
    assert match, response.location
    return int(match.group(1))


def add_partners(
    auth: AuthActions, cast: Cast, decision_id: int, people: list[int], **extra: str
) -> Any:
    url = f"/decisions/{decision_id}/partners/people?organisation_ids={cast.partner_org_id}"
    return auth.post(url, {"person_ids": [str(p) for p in people], **extra})


def partner_row(page: str, name: str) -> str:
    """The text of one row of the affected partners table."""
    table = page.split("Affected partners", 1)[1].split("Briefings", 1)[0]
    return table.split(name, 1)[1].split("Partner", 1)[0][:300]


def test_easter_is_skipped_good_friday_and_easter_monday(app: Flask, cast: Cast) -> None:
    owner = signed_in(app, cast.owner)
    decision_id = log_decision(owner, cast)
    response = add_partners(owner, cast, decision_id, [cast.alice_id])
    assert response.status_code == 302
    page = text_of(owner.client.get(f"/decisions/{decision_id}"))
    assert "Wednesday 31 March 2027 at 10am" in page
    assert "Mon 22 Mar 2027" in partner_row(page, "Alice Partner")
    with app.app_context():
        requirement = requirement_for(decision_id, cast.alice_id)
        assert requirement.brief_by == date(2027, 3, 22)
        decision = db.session.get(Decision, decision_id)
        # Entered in London (BST from 28 March), stored in UTC.
        assert decision.event_at.isoformat() == "2027-03-31T09:00:00+00:00"


def test_new_year_counts_back_over_christmas(app: Flask, cast: Cast) -> None:
    owner = signed_in(app, cast.owner)
    decision_id = log_decision(owner, cast, event_day=date(2027, 1, 4), lead_time="3")
    add_partners(owner, cast, decision_id, [cast.alice_id])
    page = text_of(owner.client.get(f"/decisions/{decision_id}"))
    assert "Tue 29 Dec 2026" in partner_row(page, "Alice Partner")
    with app.app_context():
        assert requirement_for(decision_id, cast.alice_id).brief_by == date(2026, 12, 29)


def test_a_partner_lead_time_override_gives_its_own_date(app: Flask, cast: Cast) -> None:
    owner = signed_in(app, cast.owner)
    decision_id = log_decision(owner, cast)
    add_partners(owner, cast, decision_id, [cast.alice_id])
    add_partners(owner, cast, decision_id, [cast.bob_id], lead_time_override="10")
    page = text_of(owner.client.get(f"/decisions/{decision_id}"))
    assert "Mon 22 Mar 2027" in partner_row(page, "Alice Partner")
    bob = partner_row(page, "Bob Partner")
    assert "Mon 15 Mar 2027" in bob
    assert "10 working days" in bob
    with app.app_context():
        bob_requirement = requirement_for(decision_id, cast.bob_id)
        assert bob_requirement.brief_by == date(2027, 3, 15)
        requirement_id = bob_requirement.id
    # Editing the override recomputes that partner's date.
    response = owner.post(
        f"/decisions/{decision_id}/requirements/{requirement_id}/edit",
        {"reason": "Chairs the scrutiny committee", "lead_time_override": "2"},
    )
    assert response.status_code == 302
    with app.app_context():
        assert requirement_for(decision_id, cast.bob_id).brief_by == date(2027, 3, 25)
    # Clearing it falls back to the decision's lead time.
    owner.post(
        f"/decisions/{decision_id}/requirements/{requirement_id}/edit",
        {"reason": "Chairs the scrutiny committee", "lead_time_override": ""},
    )
    with app.app_context():
        assert requirement_for(decision_id, cast.bob_id).brief_by == date(2027, 3, 22)


def test_a_closure_day_moves_pending_brief_by_dates_and_removing_it_moves_them_back(
    app: Flask, cast: Cast
) -> None:
    owner = signed_in(app, cast.owner)
    decision_id = log_decision(owner, cast)
    add_partners(owner, cast, decision_id, [cast.alice_id, cast.bob_id])
    with app.app_context():
        briefed = requirement_for(decision_id, cast.bob_id)
        briefed.status = "briefed"
        briefed.first_briefed_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    admin = signed_in(app, cast.admin)
    response = admin.post(
        "/admin/closure-days",
        {**date_fields("day", date(2027, 3, 25)), "reason": "System-wide closure"},
        follow_redirects=True,
    )
    assert "25 March 2027 is now a closure day. 1 brief-by date(s) moved." in text_of(response)
    with app.app_context():
        assert requirement_for(decision_id, cast.alice_id).brief_by == date(2027, 3, 19)
        # A briefed requirement keeps the date it was judged against.
        assert requirement_for(decision_id, cast.bob_id).brief_by == date(2027, 3, 22)
    page = text_of(owner.client.get(f"/decisions/{decision_id}"))
    assert "Fri 19 Mar 2027" in partner_row(page, "Alice Partner")
    with app.app_context():
        closure_id = db.session.scalar(select(ClosureDay.id))
    removed = admin.post(f"/admin/closure-days/{closure_id}/remove", follow_redirects=True)
    assert "25 March 2027 is a working day again. 1 brief-by date(s) moved." in text_of(removed)
    with app.app_context():
        assert requirement_for(decision_id, cast.alice_id).brief_by == date(2027, 3, 22)


def test_a_brief_by_date_already_past_is_flagged_at_once(app: Flask, cast: Cast) -> None:
    owner = signed_in(app, cast.owner)
    soon = (utcnow() + timedelta(days=3)).date()
    decision_id = log_decision(owner, cast, event_day=soon, lead_time="15")
    response = add_partners(owner, cast, decision_id, [cast.alice_id])
    assert response.status_code == 302
    page = text_of(owner.client.get(response.location))
    assert "1 affected partner(s) added. 1 of them should already have been briefed" in page
    assert "their brief-by date has passed" in page
    assert "Already past when added" in partner_row(page, "Alice Partner")
    assert "At risk: briefing overdue" in page
    expected = brief_by_date(soon, 15, WorkingCalendar.england())
    with app.app_context():
        assert requirement_for(decision_id, cast.alice_id).brief_by == expected


def test_a_brief_by_date_still_ahead_is_not_flagged(app: Flask, cast: Cast) -> None:
    owner = signed_in(app, cast.owner)
    decision_id = log_decision(owner, cast)
    response = add_partners(owner, cast, decision_id, [cast.alice_id])
    page = text_of(owner.client.get(response.location))
    assert "1 affected partner(s) added." in page
    assert "should already have been briefed" not in page
    assert "Already past when added" not in page
    assert "On track: briefings still to do" in page


def test_the_partner_page_ticks_main_contacts_and_skips_people_already_added(
    app: Flask, cast: Cast
) -> None:
    owner = signed_in(app, cast.owner)
    decision_id = log_decision(owner, cast)
    url = f"/decisions/{decision_id}/partners/people?organisation_ids={cast.partner_org_id}"
    page = owner.client.get(url).get_data(as_text=True)
    assert re.search(rf'value="{cast.alice_id}"[^>]*checked', page)
    assert not re.search(rf'value="{cast.bob_id}"[^>]*checked', page)
    add_partners(owner, cast, decision_id, [cast.alice_id])
    again = owner.client.get(url).get_data(as_text=True)
    assert re.search(rf'value="{cast.alice_id}"[^>]*disabled', again)
    assert "Already an affected partner." in again
