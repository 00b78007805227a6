"""Admin pages: the lead-time policy per kind of decision, and closure days."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.factories import Cast
from tests.pages import date_fields, error_summary_links, signed_in, text_of, title_of
from tracker.extensions import db
from tracker.models import AuditEvent, ClosureDay, Decision, DecisionKind, LeadTimePolicy, utcnow

POLICY = {
    "announcement": "8",
    "meeting": "5",
    "decision": "5",
    "consultation": "12",
    "media_release": "3",
    "service_change": "20",
    "other": "5",
}


@pytest.fixture
def cast(app: Flask, make_user) -> Cast:
    with app.app_context():
        return Cast(make_user)


def test_the_policy_starts_at_five_working_days_for_every_kind(app: Flask, cast: Cast) -> None:
    admin = signed_in(app, cast.admin)
    page = admin.client.get("/admin/lead-times").get_data(as_text=True)
    for kind in DecisionKind:
        assert re.search(rf'<input[^>]*name="{kind.value}"[^>]*value="5"', page), kind


def test_saving_the_policy_sets_new_decisions_lead_time_per_kind(app: Flask, cast: Cast) -> None:
    admin = signed_in(app, cast.admin)
    response = admin.post("/admin/lead-times", POLICY, follow_redirects=True)
    assert "The lead-time policy has been saved" in text_of(response)
    with app.app_context():
        stored = dict(
            db.session.execute(select(LeadTimePolicy.kind, LeadTimePolicy.working_days)).all()
        )
        assert stored == {kind: int(days) for kind, days in POLICY.items()}
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.entity_type == "lead_time_policy")
            )
            == 1
        )
    owner = signed_in(app, cast.owner)
    form_page = text_of(owner.client.get("/decisions/new"))
    assert "announcement 8" in form_page
    assert "service change 20" in form_page
    event = (utcnow() + timedelta(days=60)).date()
    for kind, expected in (("announcement", 8), ("service_change", 20), ("meeting", 5)):
        response = owner.post(
            "/decisions/new",
            {
                "title": f"A {kind}",
                "kind": kind,
                "owner_person_id": str(cast.owner_person_id),
                **date_fields("event_date", event),
                "event_time": "14:00",
                "sensitivity": "internal",
                "status": "planned",
                "lead_time": "",
            },
        )
        assert response.status_code == 302
        with app.app_context():
            decision = db.session.scalar(select(Decision).where(Decision.title == f"A {kind}"))
            assert decision.lead_time == expected
    # An explicit lead time wins over the policy.
    owner.post(
        "/decisions/new",
        {
            "title": "Explicit",
            "kind": "announcement",
            "owner_person_id": str(cast.owner_person_id),
            **date_fields("event_date", event),
            "event_time": "14:00",
            "sensitivity": "internal",
            "status": "planned",
            "lead_time": "2",
        },
    )
    with app.app_context():
        assert (
            db.session.scalar(select(Decision.lead_time).where(Decision.title == "Explicit")) == 2
        )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "Lead time must be a whole number of working days from 1 to 60"),
        ("61", "Lead time must be a whole number of working days from 1 to 60"),
        ("abc", "Not a valid integer value."),
        ("", "Enter the lead time for announcement"),
    ],
)
def test_bad_policy_values_are_refused(app: Flask, cast: Cast, value: str, message: str) -> None:
    admin = signed_in(app, cast.admin)
    response = admin.post("/admin/lead-times", {**POLICY, "announcement": value})
    assert response.status_code == 200
    assert title_of(response).startswith("Error: ")
    assert ("#announcement", message) in error_summary_links(response)
    assert f'value="{value}"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LeadTimePolicy)) == 0


def test_add_a_closure_day_and_list_it(app: Flask, cast: Cast) -> None:
    admin = signed_in(app, cast.admin)
    response = admin.post(
        "/admin/closure-days",
        {**date_fields("day", date(2027, 12, 24)), "reason": "Christmas Eve closure"},
        follow_redirects=True,
    )
    page = text_of(response)
    assert "24 December 2027 is now a closure day." in page
    # The table row: each cell carries its heading for narrow screens.
    assert "Date Friday 24 December 2027 Reason Christmas Eve closure" in page
    with app.app_context():
        closure = db.session.scalar(select(ClosureDay))
        assert closure.day == date(2027, 12, 24)
        assert closure.created_by_user_id == cast.admin.id


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (date(2027, 3, 27), "27 March 2027 is not a working day anyway (Saturday)"),
        (date(2027, 3, 28), "28 March 2027 is not a working day anyway (Sunday)"),
        (
            date(2027, 3, 29),
            "29 March 2027 is not a working day anyway (Bank holiday: Easter Monday)",
        ),
        (
            date(2026, 12, 28),
            "28 December 2026 is not a working day anyway (Bank holiday: Boxing Day (observed))",
        ),
    ],
)
def test_weekends_and_bank_holidays_are_refused(
    app: Flask, cast: Cast, day: date, message: str
) -> None:
    admin = signed_in(app, cast.admin)
    response = admin.post("/admin/closure-days", {**date_fields("day", day), "reason": "Closed"})
    assert response.status_code == 200
    assert title_of(response).startswith("Error: ")
    assert ("#day-day", message) in error_summary_links(response)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ClosureDay)) == 0


def test_a_duplicate_closure_day_is_refused(app: Flask, cast: Cast) -> None:
    admin = signed_in(app, cast.admin)
    data = {**date_fields("day", date(2027, 12, 29)), "reason": "Winter closure"}
    assert admin.post("/admin/closure-days", data).status_code == 302
    again = admin.post("/admin/closure-days", data)
    assert again.status_code == 200
    assert ("#day-day", "29 December 2027 is already a closure day") in error_summary_links(again)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ClosureDay)) == 1


@pytest.mark.parametrize(
    ("parts", "reason", "href", "message"),
    [
        (("", "", ""), "Closed", "#day-day", "Enter the date"),
        (("31", "2", "2027"), "Closed", "#day-day", "Date must be a real date, like 27 3 2027"),
        (("1", "13", "2027"), "Closed", "#day-day", "Date must be a real date, like 27 3 2027"),
        (("5", "", "2027"), "Closed", "#day-day", "Date must include a month"),
        (("5", "1", "2027"), "", "#reason", "Enter a reason"),
    ],
)
def test_closure_day_form_errors(
    app: Flask, cast: Cast, parts: tuple[str, str, str], reason: str, href: str, message: str
) -> None:
    admin = signed_in(app, cast.admin)
    response = admin.post(
        "/admin/closure-days", {**date_fields("day", parts=parts), "reason": reason}
    )
    assert response.status_code == 200
    assert title_of(response).startswith("Error: ")
    assert (href, message) in error_summary_links(response)
    body = response.get_data(as_text=True)
    for part in parts:
        if part:
            assert f'value="{part}"' in body  # what was typed is kept


def test_removing_a_closure_day_asks_first(app: Flask, cast: Cast) -> None:
    admin = signed_in(app, cast.admin)
    admin.post(
        "/admin/closure-days", {**date_fields("day", date(2027, 12, 29)), "reason": "Winter"}
    )
    with app.app_context():
        closure_id = db.session.scalar(select(ClosureDay.id))
    confirm = admin.client.get(f"/admin/closure-days/{closure_id}/remove")
    assert confirm.status_code == 200
    assert "Remove Wednesday 29 December 2027?" in text_of(confirm)
    with app.app_context():  # looking at the confirmation removes nothing
        assert db.session.get(ClosureDay, closure_id) is not None
    done = admin.post(f"/admin/closure-days/{closure_id}/remove", follow_redirects=True)
    assert "29 December 2027 is a working day again." in text_of(done)
    with app.app_context():
        assert db.session.get(ClosureDay, closure_id) is None
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_type == "closure_day")
        ).all()
        assert sorted(actions) == ["created", "removed"]
    assert admin.client.get(f"/admin/closure-days/{closure_id}/remove").status_code == 404


# --- the service refuses by itself, whoever calls it -------------------------------------


@pytest.mark.parametrize("role", ["leader", "pa", "manager", "viewer"])
def test_closure_days_are_changed_by_admins_only(app: Flask, make_user, role: str) -> None:
    from tracker.domain.errors import Forbidden, NotFound
    from tracker.models import User
    from tracker.services import calendar

    admin_id = make_user("admin").id
    user_id = make_user(role).id
    with app.app_context():
        admin = db.session.get(User, admin_id)
        closure = calendar.add_closure_day(admin, date(2027, 12, 29), "Winter closure")
        db.session.commit()
        closure_id = closure.id
        user = db.session.get(User, user_id)
        with pytest.raises(Forbidden):
            calendar.add_closure_day(user, date(2027, 12, 30), "Not theirs to add")
        with pytest.raises(Forbidden):
            calendar.get_closure_day(user, closure_id)
        with pytest.raises(Forbidden):
            calendar.remove_closure_day(user, closure_id)
        db.session.rollback()
        assert [c.day for c in calendar.closure_days()] == [date(2027, 12, 29)]
        with pytest.raises(NotFound):
            calendar.get_closure_day(admin, 9999)
        assert calendar.remove_closure_day(admin, closure_id) == date(2027, 12, 29)
        db.session.rollback()


def test_the_working_calendar_is_kept_per_session_and_forgotten_on_change(
    app: Flask, make_user
) -> None:
    from tracker.models import User
    from tracker.services import calendar

    admin_id = make_user("admin").id
    day = date(2027, 12, 29)
    with app.app_context():
        first = calendar.working_calendar()
        assert calendar.working_calendar() is first  # built once
        assert first.is_working_day(day)
        closure = calendar.add_closure_day(db.session.get(User, admin_id), day, "Winter")
        assert not calendar.working_calendar().is_working_day(day)
        db.session.rollback()  # the closure day is undone, and so is the calendar that had it
        assert calendar.working_calendar().is_working_day(day)
        assert closure not in db.session
