"""Journeys through insight, history, stakeholder maps, account, calendar, API docs and the
admin outbox: every page is gated by `check_page` (axe, structure, reflow, CSP, HTML)."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from tests.browser.data import add_decision, add_organisation, add_person
from tests.browser.pages import (
    check_page,
    choose,
    click_button,
    expect_error_summary,
    fill_nhs_field,
    follow_link,
    open_page,
    sign_in,
)
from tracker.extensions import db
from tracker.models import Role, User, utcnow
from tracker.models.reminder import KNOWN_KINDS, Reminder, ReminderStatus
from tracker.services import briefings as briefing_service
from tracker.services.briefings import BriefingInput


def _partner_world(live_app, make_browser_user):
    """A leader with a decision affecting a council's director, briefed once before."""
    leader = make_browser_user(Role.LEADER, display_name="Lee Leader")
    icb = add_organisation(live_app, "Northshire Integrated Care Board")
    council = add_organisation(live_app, "Northshire County Council", org_type="la_county")
    leader_person = add_person(live_app, "Lee Leader", icb, user_id=leader.id)
    partner = add_person(
        live_app, "Dana Director", council, job_title="Director", main_contact=True
    )
    decision = add_decision(
        live_app,
        actor_id=leader.id,
        owner_person_id=leader_person,
        title="Community beds consultation",
        partners=[partner],
    )
    with live_app.app_context():
        actor = db.session.get(User, leader.id)
        assert actor is not None
        briefing_service.log_briefing(
            actor,
            BriefingInput(
                occurred_at=(utcnow() - timedelta(days=3)).replace(microsecond=0),
                channel="call",
                person_ids=[partner],
                briefed_by_person_id=leader_person,
                summary="Catch-up on winter pressures",
            ),
        )
        db.session.commit()
        db.session.remove()
    return leader, council, partner, decision


def test_manager_reviews_insight_history_and_maps(page: Page, make_browser_user, live_app):
    _leader, council, partner, decision = _partner_world(live_app, make_browser_user)
    manager = make_browser_user(Role.MANAGER, display_name="Mo Manager")
    sign_in(page, manager.email, manager.password)

    # The compliance dashboard: a custom period without dates first, then a real one.
    open_page(page, "/insight/")
    choose(page, "Choose dates")
    click_button(page, "Show this period")
    expect_error_summary(page, "Enter the first date of the period")
    today = utcnow().date()
    start = today - timedelta(days=60)
    end = today + timedelta(days=30)
    for field, day in (("date_from", start), ("date_to", end)):
        page.locator(f"#{field}-day").fill(str(day.day))
        page.locator(f"#{field}-month").fill(str(day.month))
        page.locator(f"#{field}-year").fill(str(day.year))
    click_button(page, "Show this period")
    expect(page.locator(".nhsuk-error-summary")).to_have_count(0)
    choose(page, "This year")
    click_button(page, "Show this period")

    # A partner's history, then their organisation's, with filters.
    open_page(page, f"/people/{partner}/history")
    expect(page.get_by_text("Catch-up on winter pressures")).to_be_visible()
    page.get_by_label("Channel", exact=True).select_option(label="Phone call")
    page.locator("main form").get_by_role("button").first.click()
    check_page(page)
    open_page(page, f"/organisations/{council}/history")
    page.get_by_label("Person", exact=True).select_option(label="Dana Director")
    page.locator("main form").get_by_role("button").first.click()
    check_page(page)

    # The stakeholder maps: everyone, one organisation, one decision's partners.
    open_page(page, "/stakeholder-map")
    open_page(page, f"/stakeholder-map?organisation={council}")
    open_page(page, f"/decisions/{decision.id}/stakeholder-map")
    open_page(page, "/notifications")


def test_a_user_manages_their_account_tokens_and_calendar(page: Page, make_browser_user, live_app):
    viewer = make_browser_user(Role.VIEWER, display_name="Vic Viewer")
    sign_in(page, viewer.email, viewer.password)

    open_page(page, "/account")
    page.locator("input[name=reminder_delivery][value=digest]").check()
    click_button(page, "Save reminder settings")
    expect(page.locator(".nhsuk-error-summary")).to_have_count(0)

    # API tokens: an empty name first, then a real one, shown once; then revoke it.
    follow_link(page, "API tokens for reports and other systems")
    click_button(page, "Create token")
    expect_error_summary(page, "Enter a name for the token")
    fill_nhs_field(page, "Token name", "Power BI board report")
    click_button(page, "Create token")
    expect(page.locator("main")).to_contain_text("Power BI board report")
    open_page(page, "/account/tokens")
    page.locator("main").get_by_role("link", name="Revoke Power BI board report").click()
    check_page(page)
    click_button(page, "Revoke token")
    expect(page.locator("main")).to_contain_text("revoked")

    # The calendar subscription: create the address, then a new one.
    open_page(page, "/account/calendar")
    follow_link(page, "Create your calendar address", within="main")
    click_button(page, "Create address")
    follow_link(page, "Create a new address", within="main")
    click_button(page, "Create a new address")

    open_page(page, "/api/docs")


def test_admin_works_the_outbox_and_a_cadence(page: Page, make_browser_user, live_app):
    leader, _council, partner, decision = _partner_world(live_app, make_browser_user)
    admin = make_browser_user(Role.ADMIN, display_name="Ada Admin")
    with live_app.app_context():
        now = utcnow()
        for days in (400, 401):
            db.session.add(
                Reminder(
                    requirement_id=decision.requirement_ids[0],
                    decision_id=decision.id,
                    recipient_user_id=leader.id,
                    kind=KNOWN_KINDS[0],
                    for_day=now.date() - timedelta(days=days),
                    send_at=now - timedelta(days=days),
                    status=ReminderStatus.FAILED.value,
                    attempts=5,
                    last_error="Connection refused",
                )
            )
        db.session.commit()
        db.session.remove()
    sign_in(page, admin.email, admin.password)

    open_page(page, "/admin/")
    open_page(page, "/admin/outbox/")
    page.locator("main").get_by_role("link", name="Send again").first.click()
    check_page(page)
    click_button(page, "Send again")
    page.locator("main").get_by_role("link", name="Mark as sent").first.click()
    check_page(page)
    click_button(page, "Mark as sent")

    open_page(page, f"/people/{partner}/keep-in-touch")
    fill_nhs_field(page, "Keep in touch every", "0")
    click_button(page, "Save")
    expect_error_summary(page)
    fill_nhs_field(page, "Keep in touch every", "30")
    click_button(page, "Save")
    expect(page.locator(".nhsuk-error-summary")).to_have_count(0)
