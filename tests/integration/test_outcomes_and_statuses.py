"""A decision's "no surprises" state in words, and the waive / not required / surprise paths."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from tests.factories import Cast, log_briefing, requirement_for, requirements_of
from tests.pages import date_fields, error_summary_links, signed_in, text_of, title_of
from tracker.extensions import db
from tracker.models import AuditEvent, SurpriseReport, utcnow


@pytest.fixture
def cast(app: Flask, make_user) -> Cast:
    with app.app_context():
        return Cast(make_user)


def state_tag(app: Flask, cast: Cast, decision_id: int) -> str:
    """The words inside the decision's state tag (a tag, so not colour alone)."""
    owner = signed_in(app, cast.owner)
    body = owner.client.get(f"/decisions/{decision_id}").get_data(as_text=True)
    match = re.search(r'<strong class="nhsuk-tag nhsuk-tag--\w+">([^<]+)</strong>', body)
    assert match, "no state tag"
    return match.group(1).strip()


def future(days: int = 40) -> datetime:
    return (utcnow() + timedelta(days=days)).replace(microsecond=0)


def test_no_partners(app: Flask, cast: Cast) -> None:
    with app.app_context():
        decision_id = cast.decision().id
    assert state_tag(app, cast, decision_id) == "No affected partners recorded"


def test_on_track_then_no_surprises_when_everyone_is_briefed_in_time(
    app: Flask, cast: Cast
) -> None:
    with app.app_context():
        decision = cast.decision(event_at=future(), partners=[cast.alice_id, cast.bob_id])
        decision_id = decision.id
    assert state_tag(app, cast, decision_id) == "On track: briefings still to do"
    with app.app_context():
        log_briefing(actor=cast.owner, people=[cast.alice_id, cast.bob_id], decisions=[decision_id])
    assert state_tag(app, cast, decision_id) == "No surprises: everyone briefed in time"


def test_at_risk_when_a_brief_by_date_has_passed(app: Flask, cast: Cast) -> None:
    with app.app_context():
        decision_id = cast.decision(event_at=future(3), lead_time=15, partners=[cast.alice_id]).id
    assert state_tag(app, cast, decision_id) == "At risk: briefing overdue"


def test_a_reported_surprise_makes_it_surprises(app: Flask, cast: Cast) -> None:
    with app.app_context():
        decision = cast.decision(event_at=future(), partners=[cast.alice_id])
        log_briefing(actor=cast.owner, people=[cast.alice_id], decisions=[decision])
        decision_id = decision.id
    assert state_tag(app, cast, decision_id) == "No surprises: everyone briefed in time"
    manager = signed_in(app, cast.manager)
    response = manager.post(
        f"/decisions/{decision_id}/surprises/new",
        {
            "person_id": str(cast.alice_id),
            **date_fields("reported_date", utcnow().date()),
            "what_they_said": "Nobody told our cabinet member.",
        },
        follow_redirects=True,
    )
    page = text_of(response)
    assert "The surprise has been recorded against this decision." in page
    assert "1 partner reported being surprised." in page
    assert "Nobody told our cabinet member." in page
    assert state_tag(app, cast, decision_id) == "Surprises: not everyone briefed in time"
    with app.app_context():
        report = db.session.scalar(select(SurpriseReport))
        assert report.recorded_by_user_id == cast.manager.id


@pytest.mark.parametrize(
    ("data", "href", "message"),
    [
        ({"person_id": "0"}, "#person_id", "Select who was surprised"),
        ({"what_they_said": ""}, "#what_they_said", "Enter what they said"),
        (
            {"reported_date[day]": "31", "reported_date[month]": "2"},
            "#reported_date-day",
            "When did they tell you? must be a real date, like 27 3 2027",
        ),
    ],
)
def test_surprise_form_errors(
    app: Flask, cast: Cast, data: dict[str, str], href: str, message: str
) -> None:
    with app.app_context():
        decision_id = cast.decision(partners=[cast.alice_id]).id
    manager = signed_in(app, cast.manager)
    form = {
        "person_id": str(cast.alice_id),
        **date_fields("reported_date", utcnow().date()),
        "what_they_said": "We found out from the press",
    }
    form.update(data)
    response = manager.post(f"/decisions/{decision_id}/surprises/new", form)
    assert response.status_code == 200
    assert title_of(response).startswith("Error: ")
    assert (href, message) in error_summary_links(response)
    with app.app_context():
        assert db.session.scalar(select(SurpriseReport)) is None


def status_url(decision_id: int, requirement_id: int) -> str:
    return f"/decisions/{decision_id}/requirements/{requirement_id}/status"


@pytest.mark.parametrize(("role", "status"), [("manager", "waived"), ("owner", "not_required")])
def test_waive_and_not_required_need_a_reason(
    app: Flask, cast: Cast, role: str, status: str
) -> None:
    with app.app_context():
        decision_id = cast.decision(event_at=future(3), lead_time=15, partners=[cast.alice_id]).id
        requirement_id = requirement_for(decision_id, cast.alice_id).id
    auth = signed_in(app, cast.by_role(role))
    url = status_url(decision_id, requirement_id)
    refused = auth.post(url, {"status": status, "reason": "   "})
    assert refused.status_code == 200
    assert title_of(refused).startswith("Error: ")
    assert ("#reason", "Enter a reason") in error_summary_links(refused)
    missing = auth.post(url, {"reason": "Because"})
    assert ("#status", "Select what should happen") in error_summary_links(missing)
    with app.app_context():
        assert requirement_for(decision_id, cast.alice_id).status == "pending"
    done = auth.post(url, {"status": status, "reason": "Briefed by the ICB chair instead"})
    assert done.status_code == 302
    page = text_of(auth.client.get(f"/decisions/{decision_id}"))
    label = "Waived" if status == "waived" else "Not required"
    assert f"Alice Partner is now {label.lower()}." in page
    assert "Briefed by the ICB chair instead" in page
    # The only partner is waived / not required: that counts as no surprises.
    assert state_tag(app, cast, decision_id) == "No surprises: everyone briefed in time"
    with app.app_context():
        requirement = requirement_for(decision_id, cast.alice_id)
        assert requirement.status == status
        assert requirement.status_changed_by_user_id == cast.by_role(role).id
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "status_changed"))
        assert event.changes == {
            "status": ["pending", status],
            "status_reason": [None, "Briefed by the ICB chair instead"],
        }
    back = auth.post(url, {"status": "pending", "reason": ""})
    assert back.status_code == 302
    with app.app_context():
        requirement = requirement_for(decision_id, cast.alice_id)
        assert requirement.status == "pending"
        assert requirement.status_reason is None
    assert state_tag(app, cast, decision_id) == "At risk: briefing overdue"


def test_a_briefed_requirement_cannot_be_waived_or_removed(app: Flask, cast: Cast) -> None:
    with app.app_context():
        decision = cast.decision(partners=[cast.alice_id])
        log_briefing(actor=cast.owner, people=[cast.alice_id], decisions=[decision])
        decision_id = decision.id
        requirement_id = requirement_for(decision_id, cast.alice_id).id
    admin = signed_in(app, cast.admin)
    url = status_url(decision_id, requirement_id)
    assert "Alice Partner has been briefed" in text_of(admin.client.get(url))
    admin.post(url, {"status": "waived", "reason": "No"})
    remove = admin.post(f"/decisions/{decision_id}/requirements/{requirement_id}/remove", {})
    assert remove.status_code == 200
    assert "Only pending partners can be removed" in text_of(remove)
    with app.app_context():
        assert requirement_for(decision_id, cast.alice_id).status == "briefed"


def test_removing_a_pending_partner_asks_first(app: Flask, cast: Cast) -> None:
    with app.app_context():
        decision_id = cast.decision(partners=[cast.alice_id, cast.bob_id]).id
        requirement_id = requirement_for(decision_id, cast.bob_id).id
    owner = signed_in(app, cast.owner)
    url = f"/decisions/{decision_id}/requirements/{requirement_id}/remove"
    assert "Remove Bob Partner?" in text_of(owner.client.get(url))
    done = owner.post(url, {}, follow_redirects=True)
    page = text_of(done)
    assert "Bob Partner is no longer an affected partner." in page
    assert "Bob Partner removed from affected partners" in page  # history
    with app.app_context():
        assert [r.person_id for r in requirements_of(decision_id)] == [cast.alice_id]
