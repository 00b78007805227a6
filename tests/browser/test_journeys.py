"""Journeys through the real app in chromium, as a person would; every page is gated."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.browser import data
from tests.browser.pages import (
    check_page,
    choose,
    click_button,
    expect_error_summary,
    fill_nhs_field,
    follow_link,
    open_page,
    sign_in,
    sign_out,
)
from tests.security.route_matrix import future_working_day
from tracker.domain.brief_by import brief_by_date
from tracker.domain.working_days import WorkingCalendar
from tracker.models import Role


def test_admin_adds_and_manages_a_user(page: Page, make_browser_user):
    admin = make_browser_user(Role.ADMIN, display_name="Alex Admin")
    sign_in(page, admin.email, admin.password)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Alex Admin")

    follow_link(page, "Admin", within=".nhsuk-header")
    follow_link(page, "Users", within="main")
    follow_link(page, "Add a user")

    # A first, empty submit shows the error state.
    click_button(page, "Add user")
    expect_error_summary(page, "Enter the user's full name", "Enter the user's email address")

    fill_nhs_field(page, "Full name", "Pat Leader")
    fill_nhs_field(page, "Email address", "pat.leader@example.org")
    choose(page, "Leader")
    fill_nhs_field(page, "Password", "pat-password-123")
    fill_nhs_field(page, "Confirm new password", "pat-password-123")
    click_button(page, "Add user")
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Pat Leader can now sign in")
    row = page.get_by_role("row").filter(has_text="Pat Leader")
    expect(row).to_contain_text("pat.leader@example.org")
    expect(row).to_contain_text("Leader")

    # Edit, with an error first.
    follow_link(page, "Edit Pat Leader")
    fill_nhs_field(page, "Full name", "")
    click_button(page, "Save changes")
    expect_error_summary(page, "Enter the user's full name")
    fill_nhs_field(page, "Full name", "Pat Lead")
    click_button(page, "Save changes")
    expect(page.get_by_role("row").filter(has_text="Pat Lead")).to_have_count(1)

    # Reset the password, with an error first.
    follow_link(page, "Reset password for Pat Lead")
    fill_nhs_field(page, "New password", "short")
    fill_nhs_field(page, "Confirm new password", "different")
    click_button(page, "Reset password")
    expect_error_summary(page, "The passwords do not match")
    fill_nhs_field(page, "New password", "pat-password-456")
    fill_nhs_field(page, "Confirm new password", "pat-password-456")
    click_button(page, "Reset password")

    # Disable, then enable again.
    follow_link(page, "Disable Pat Lead")
    click_button(page, "Disable account")
    expect(page.get_by_role("row").filter(has_text="Pat Lead")).to_contain_text("Disabled")
    follow_link(page, "Enable Pat Lead")
    click_button(page, "Enable account")
    expect(page.get_by_role("row").filter(has_text="Pat Lead")).to_contain_text("Active")

    # The sign-out page (for people without JavaScript's header button) and signing out.
    open_page(page, "/sign-out")
    click_button(page, "Sign out")
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("You have signed out")

    # The new user signs in with the password the admin set.
    sign_in(page, "pat.leader@example.org", "pat-password-456")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Pat Lead")


def test_sign_in_error_state(page: Page, make_browser_user):
    user = make_browser_user(Role.LEADER)
    sign_in(page, user.email, "not-the-password", expect_success=False)
    summary = expect_error_summary(page, "Enter a correct email address and password")
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Email address", exact=True)).to_be_focused()
    expect(page.get_by_label("Email address", exact=True)).to_have_value(user.email)

    fill_nhs_field(page, "Email address", "")
    fill_nhs_field(page, "Password", "")
    click_button(page, "Sign in")
    expect_error_summary(page, "Enter your email address", "Enter your password")


def test_change_password(page: Page, make_browser_user):
    user = make_browser_user(Role.LEADER, display_name="Lee Leader")
    sign_in(page, user.email, user.password)
    follow_link(page, "Lee Leader", within=".nhsuk-header")  # the account page
    follow_link(page, "Change your password", within="main")

    fill_nhs_field(page, "Current password", "wrong-password-1")
    fill_nhs_field(page, "New password", "a-brand-new-passphrase")
    fill_nhs_field(page, "Confirm new password", "a-brand-new-passphrase")
    click_button(page, "Change password")
    expect_error_summary(page, "Your current password is not right")

    fill_nhs_field(page, "Current password", user.password)
    fill_nhs_field(page, "New password", "a-brand-new-passphrase")
    fill_nhs_field(page, "Confirm new password", "a-brand-new-passphrase")
    click_button(page, "Change password")
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text(
        "Your password has been changed"
    )

    sign_out(page)
    sign_in(page, user.email, user.password, expect_success=False)
    expect_error_summary(page, "Enter a correct email address and password")
    sign_in(page, user.email, "a-brand-new-passphrase")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Lee Leader")


def test_viewer_gets_the_403_page(page: Page, make_browser_user):
    viewer = make_browser_user(Role.VIEWER)
    sign_in(page, viewer.email, viewer.password)
    expect(page.locator(".nhsuk-header").get_by_role("link", name="Admin")).to_have_count(0)
    open_page(page, "/admin/users/", status=403)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You do not have permission to see this page"
    )
    open_page(page, "/admin/users/new", status=403)


def test_public_pages_and_errors(page: Page):
    open_page(page, "/accessibility")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Accessibility statement")
    follow_link(page, "Sign in", within=".nhsuk-header")
    open_page(page, "/no-such-page", status=404)
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")

    # Signed-out people asking for a page are sent to sign in, and on afterwards.
    page.goto("/admin/users/")
    check_page(page)
    expect(page).to_have_url(re.compile(r"/sign-in\?next=%2Fadmin%2Fusers%2F$"))
    open_page(page, "/accessibility")
    follow_link(page, "Accessibility statement", within=".nhsuk-footer")


# --- registers and decisions --------------------------------------------------------------


def _fill_date(page: Page, field: str, day: date) -> None:
    """The three boxes of an NHS date input (their labels, Day, Month and Year, repeat)."""
    page.locator(f"#{field}-day").fill(str(day.day))
    page.locator(f"#{field}-month").fill(str(day.month))
    page.locator(f"#{field}-year").fill(str(day.year))


def _banner(page: Page):
    return page.locator(".nhsuk-notification-banner")


def test_leader_adds_partners_and_logs_a_decision(page: Page, make_browser_user, live_app):
    leader = make_browser_user(Role.LEADER, display_name="Lee Leader")
    icb = data.add_organisation(live_app, "Northshire Integrated Care Board")
    data.add_person(live_app, "Lee Leader", icb, user_id=leader.id, job_title="Chief executive")
    sign_in(page, leader.email, leader.password)

    # An organisation, with an error first.
    follow_link(page, "Organisations", within=".nhsuk-header")
    follow_link(page, "Add an organisation")
    click_button(page, "Add organisation")
    expect_error_summary(page, "Enter the organisation’s name", "Select the type of organisation")
    fill_nhs_field(page, "Name", "Northshire County Council")
    fill_nhs_field(page, "Type", "Local authority: county")
    fill_nhs_field(page, "Website (optional)", "www.northshire.gov.uk")
    click_button(page, "Add organisation")
    expect(_banner(page)).to_contain_text("Northshire County Council has been added")

    # Two people in it: the first with errors first.
    follow_link(page, "Add a person to Northshire County Council")
    fill_nhs_field(page, "Email address (optional)", "dana@")
    click_button(page, "Add person")
    expect_error_summary(page, "Enter the person’s full name", "'dana@' is not an email address")
    fill_nhs_field(page, "Full name", "Dana Director")
    fill_nhs_field(page, "Job title (optional)", "Director of adult social care")
    fill_nhs_field(page, "Email address (optional)", "dana.director@northshire.gov.uk")
    choose(page, "Main contact for their organisation")
    click_button(page, "Add person")
    expect(_banner(page)).to_contain_text("Dana Director has been added")
    follow_link(page, "Northshire County Council", within="main")
    follow_link(page, "Add a person to Northshire County Council")
    fill_nhs_field(page, "Full name", "Cam Councillor")
    fill_nhs_field(page, "Professional group", "Elected member")
    click_button(page, "Add person")
    expect(_banner(page)).to_contain_text("Cam Councillor has been added")

    # A decision, with errors first, then its affected partners.
    follow_link(page, "Decisions", within=".nhsuk-header")
    follow_link(page, "Log a decision")
    click_button(page, "Log decision")
    expect_error_summary(
        page, "Enter a title", "Enter the date of the event", "Enter the time of the event"
    )
    event_day = date.today() + timedelta(days=40)
    fill_nhs_field(page, "Title", "Close the Riverside day centre")
    fill_nhs_field(page, "Kind", "Service change")
    fill_nhs_field(page, "Description", "Moving day services into the community hubs.")
    _fill_date(page, "event_date", event_day)
    fill_nhs_field(page, "Time of the event", "10:00")
    fill_nhs_field(page, "Location or channel", "Cabinet meeting")
    click_button(page, "Log decision")
    expect(_banner(page)).to_contain_text("Now add the partners it affects")

    click_button(page, "Continue")
    expect_error_summary(page, "Select at least one organisation")
    choose(page, "Northshire County Council")
    click_button(page, "Continue")
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose who to brief")
    # The main contact is ticked for us; add the councillor too.
    expect(page.get_by_label("Dana Director, Director of adult social care")).to_be_checked()
    choose(page, "Cam Councillor")
    fill_nhs_field(page, "Why are they affected?", "Their residents use the day centre")
    click_button(page, "Add partners")
    expect(_banner(page)).to_contain_text("2 affected partner(s) added")

    # The decision page shows each partner's brief-by date: 5 working days before.
    for name in ("Dana Director", "Cam Councillor"):
        row = page.get_by_role("row").filter(has_text=name)
        expect(row).to_contain_text(_brief_by(event_day, 5))
        expect(row).to_contain_text("To brief")

    # Dana needs longer (an impossible lead time first); Cam is not affected after all.
    follow_link(page, "Edit requirement for Dana Director")
    fill_nhs_field(page, "Lead time for this partner (working days)", "0")
    click_button(page, "Save")
    expect_error_summary(page, "Lead time must be a whole number of working days from 1 to 60")
    fill_nhs_field(page, "Lead time for this partner (working days)", "10")
    click_button(page, "Save")
    dana = page.get_by_role("row").filter(has_text="Dana Director")
    expect(dana).to_contain_text(_brief_by(event_day, 10))
    follow_link(page, "Remove Cam Councillor")
    click_button(page, "Remove partner")
    expect(page.get_by_role("row").filter(has_text="Cam Councillor")).to_have_count(0)

    # The cabinet meets a week later: the brief-by date moves with it.
    follow_link(page, "Edit decision")
    fill_nhs_field(page, "Title", "")
    click_button(page, "Save changes")
    expect_error_summary(page, "Enter a title")
    fill_nhs_field(page, "Title", "Close the Riverside day centre")
    later = event_day + timedelta(days=7)
    _fill_date(page, "event_date", later)
    click_button(page, "Save changes")
    expect(_banner(page)).to_contain_text("1 brief-by date(s) were recalculated")
    expect(dana).to_contain_text(_brief_by(later, 10))


def _brief_by(event_day: date, lead_time: int) -> str:
    """The brief-by date as the decision page shows it."""
    day = brief_by_date(event_day, lead_time, WorkingCalendar.england())
    return f"{day:%a} {day.day} {day:%b %Y}"


def _leader_pa_and_partners(live_app, make_browser_user):
    """A leader (with their Person), the PA who assists them, and a partner organisation."""
    leader = make_browser_user(Role.LEADER, display_name="Lee Leader")
    pa = make_browser_user(Role.PA, display_name="Pat Assistant")
    icb = data.add_organisation(live_app, "Northshire Integrated Care Board")
    leader_person = data.add_person(
        live_app, "Lee Leader", icb, user_id=leader.id, pa_ids=[pa.id], job_title="Chief executive"
    )
    council = data.add_organisation(live_app, "Northshire County Council", "la_county")
    dana = data.add_person(
        live_app, "Dana Director", council, job_title="Director of adult social care"
    )
    cam = data.add_person(live_app, "Cam Councillor", council)
    return leader, pa, leader_person, council, dana, cam


def test_pa_logs_a_briefing_for_their_leader(page: Page, make_browser_user, live_app):
    leader, pa, leader_person, _council, dana, cam = _leader_pa_and_partners(
        live_app, make_browser_user
    )
    data.add_decision(
        live_app,
        actor_id=leader.id,
        owner_person_id=leader_person,
        title="Close the Riverside day centre",
        partners=[dana, cam],
    )
    sign_in(page, pa.email, pa.password)
    expect(page.get_by_role("heading", level=2, name="People you assist")).to_be_visible()

    follow_link(page, "See my week")
    expect(
        page.locator("main").get_by_role("heading", level=2, name="Close the Riverside day centre")
    ).to_be_visible()
    follow_link(page, "Log briefing with Dana Director")
    expect(page.get_by_label("Dana Director (Northshire County Council)")).to_be_checked()
    expect(page.get_by_label("Cam Councillor (Northshire County Council)")).not_to_be_checked()
    expect(page.get_by_label("Who briefed them?")).to_have_value(str(leader_person))

    # Forget how it happened, and clear the time: the error state.
    fill_nhs_field(page, "Time of the briefing", "")
    click_button(page, "Log briefing")
    expect_error_summary(page, "Enter the time of the briefing", "Select how the briefing happened")
    yesterday = date.today() - timedelta(days=1)
    _fill_date(page, "occurred_date", yesterday)
    fill_nhs_field(page, "Time of the briefing", "9:30am")
    choose(page, "Phone call")
    fill_nhs_field(page, "Summary", "Talked through the plan; Dana will tell her team.")
    choose(page, "They acknowledged the briefing")
    click_button(page, "Log briefing")

    # The decision page: Dana is briefed, on time, and the log says who did what.
    expect(_banner(page)).to_contain_text("1 requirement(s) are now marked as briefed")
    row = page.get_by_role("row").filter(has_text="Dana Director")
    expect(row).to_contain_text("Briefed")
    expect(row).to_contain_text("On time")
    expect(page.get_by_role("row").filter(has_text="Cam Councillor")).to_contain_text(
        "Not briefed yet"
    )
    logged = page.locator("#briefings ~ ul li").first
    expect(logged).to_contain_text("Logged by Pat Assistant on behalf of Lee Leader")

    # The briefing itself, corrected (with an error first).
    logged.get_by_role("link").click()
    check_page(page)
    expect(page.locator("main")).to_contain_text("logged by Pat Assistant on behalf of Lee Leader")
    follow_link(page, "Correct this briefing")
    _fill_date(page, "occurred_date", date.today() + timedelta(days=2))
    click_button(page, "Save")
    expect_error_summary(page, "The briefing must have already happened")
    _fill_date(page, "occurred_date", yesterday)
    fill_nhs_field(page, "Briefing note version", "Briefing note v2")
    click_button(page, "Save")
    expect(_banner(page)).to_contain_text("The briefing has been saved")
    expect(page.locator("main")).to_contain_text("Briefing note v2")

    # A general relationship contact, from the "Log a briefing" start page.
    open_page(page, "/briefings/new")
    click_button(page, "Continue")
    expect_error_summary(page, "Select an organisation")
    fill_nhs_field(page, "Which organisation was briefed?", "Northshire County Council")
    click_button(page, "Continue")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a briefing")
    # My week now shows only Cam.
    follow_link(page, "My week", within=".nhsuk-header")
    expect(page.get_by_role("link", name="Log briefing with Cam Councillor")).to_be_visible()
    expect(page.get_by_role("link", name="Log briefing with Dana Director")).to_have_count(0)


def test_manager_reviews_decisions_and_a_partner(page: Page, make_browser_user, live_app):
    leader, _pa, leader_person, _council, dana, cam = _leader_pa_and_partners(
        live_app, make_browser_user
    )
    manager = make_browser_user(Role.MANAGER, display_name="Mo Manager")
    data.add_decision(
        live_app,
        actor_id=leader.id,
        owner_person_id=leader_person,
        title="Close the Riverside day centre",
        partners=[dana, cam],
    )
    sign_in(page, manager.email, manager.password)
    follow_link(page, "Decisions", within=".nhsuk-header")
    expect(page.get_by_role("link", name="Log a decision")).to_have_count(0)
    follow_link(page, "Close the Riverside day centre")
    expect(page.get_by_role("link", name="Edit decision")).to_have_count(0)

    # Managers waive requirements (a reason is needed) …
    follow_link(page, "Change status for Cam Councillor")
    choose(page, "Waive – accept that they will not be briefed in time")
    click_button(page, "Save")
    expect_error_summary(page, "Enter a reason")
    fill_nhs_field(page, "Reason", "Cam hears at the cabinet pre-meeting")
    click_button(page, "Save")
    expect(page.get_by_role("row").filter(has_text="Cam Councillor")).to_contain_text("Waived")

    # … and record that a partner was surprised.
    follow_link(page, "Record that a partner was surprised")
    click_button(page, "Record surprise")
    expect_error_summary(page, "Enter what they said")
    fill_nhs_field(page, "Who was surprised?", "Dana Director (Northshire County Council)")
    fill_nhs_field(page, "What did they say?", "We heard it from the local paper first.")
    click_button(page, "Record surprise")
    expect(page.locator("#surprises ~ ul").first).to_contain_text("local paper")

    # The partner's pages: the person, then their organisation.
    follow_link(page, "People", within=".nhsuk-header")
    follow_link(page, "Dana Director")
    expect(page.get_by_role("link", name="Edit Dana Director")).to_have_count(0)
    follow_link(page, "Northshire County Council", within="main")
    expect(page.get_by_role("row").filter(has_text="Cam Councillor")).to_be_visible()


def test_viewer_gets_the_404_page_for_a_restricted_decision(
    page: Page, make_browser_user, live_app
):
    leader, _pa, leader_person, _council, dana, _cam = _leader_pa_and_partners(
        live_app, make_browser_user
    )
    viewer = make_browser_user(Role.VIEWER)
    secret = data.add_decision(
        live_app,
        actor_id=leader.id,
        owner_person_id=leader_person,
        title="Merger of the two acute trusts",
        sensitivity="restricted",
        partners=[dana],
    )
    sign_in(page, viewer.email, viewer.password)
    follow_link(page, "Decisions", within=".nhsuk-header")
    expect(page.locator("main")).not_to_contain_text("Merger")
    open_page(page, f"/decisions/{secret.id}", status=404)
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.locator("body")).not_to_contain_text("Merger")


def _upload(page: Page, name: str, content: str) -> None:
    page.get_by_label("Upload a CSV file").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content.encode()}]
    )


def test_admin_imports_people_with_errors_then_fixed(page: Page, make_browser_user, live_app):
    admin = make_browser_user(Role.ADMIN)
    data.add_organisation(live_app, "Northshire County Council", "la_county")
    sign_in(page, admin.email, admin.password)

    # Organisations first: a new hospice, straight in.
    follow_link(page, "Organisations", within=".nhsuk-header")
    follow_link(page, "Import from a CSV file")
    _upload(
        page,
        "organisations.csv",
        "Organisation,Type\nFenmoor Hospice,Healthwatch\n",
    )
    click_button(page, "Upload and check")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your import of organisations")
    click_button(page, "Import 1 row")
    expect(_banner(page)).to_contain_text("Import complete: 1 organisation added")

    # People: nothing chosen, then a file with two bad rows.
    follow_link(page, "People", within=".nhsuk-header")
    follow_link(page, "Import from a CSV file")
    click_button(page, "Upload and check")
    expect_error_summary(page, "Select a CSV file to upload")
    rows = [
        "Full name,Organisation,Email,Influence",
        "Ann Able,Northshire County Council,ann@example.org,4",
        "Bob Baker,Northshire County Council,bob@,3",
        "Cy Cole,Fenmoor Hospice,cy@example.org,9",
    ]
    _upload(page, "people.csv", "\n".join(rows) + "\n")
    click_button(page, "Upload and check")
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    assert page.title().startswith("Error: ")
    expect(summary).to_contain_text("row 3, column Email: 'bob@' is not an email address")
    expect(summary).to_contain_text("row 4, column Influence")
    expect(page.get_by_role("button", name="Import", exact=False)).to_have_count(0)

    # The corrected file imports in one go.
    follow_link(page, "Upload a corrected file")
    rows[2] = "Bob Baker,Northshire County Council,bob@example.org,3"
    rows[3] = "Cy Cole,Fenmoor Carers,cy@example.org,5"
    _upload(page, "people-fixed.csv", "\n".join(rows) + "\n")
    click_button(page, "Upload and check")
    # Cy's organisation is not in the register yet: the preview offers to create it.
    expect(page.locator("main")).to_contain_text("Organisations not in the register")
    choose(
        page,
        "Create the missing organisations with the type “Other” (you can change their type later)",
    )
    click_button(page, "Check again")
    expect(page.locator(".nhsuk-error-summary")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(
        "The import will also create 1 organisation: Fenmoor Carers."
    )
    click_button(page, "Import 3 rows")
    expect(_banner(page)).to_contain_text("Import complete: 3 people added")
    expect(_banner(page)).to_contain_text("1 organisation created")
    for name in ("Ann Able", "Bob Baker", "Cy Cole"):
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()


def test_admin_curates_the_registers_and_the_policy(page: Page, make_browser_user, live_app):
    admin = make_browser_user(Role.ADMIN)
    council = data.add_organisation(live_app, "Northshire County Council", "la_county")
    data.add_organisation(live_app, "Old Primary Care Federation", "pcn_gp_federation")
    data.add_person(live_app, "Pip Former", council, job_title="Interim director")
    sign_in(page, admin.email, admin.password)

    # An organisation: edit (an error first), archive, restore, and one with no history deleted.
    follow_link(page, "Organisations", within=".nhsuk-header")
    follow_link(page, "Northshire County Council")
    follow_link(page, "Edit Northshire County Council")
    fill_nhs_field(page, "ODS code (optional)", "not a code!")
    click_button(page, "Save changes")
    expect_error_summary(page)
    fill_nhs_field(page, "ODS code (optional)", "ncc01")
    click_button(page, "Save changes")
    expect(page.locator("main")).to_contain_text("NCC01")
    follow_link(page, "Archive Northshire County Council")
    click_button(page, "Archive organisation")
    expect(page.locator("h1")).to_contain_text("Archived")
    follow_link(page, "Restore Northshire County Council")
    click_button(page, "Restore organisation")
    expect(_banner(page)).to_contain_text("has been restored")
    follow_link(page, "All organisations")
    follow_link(page, "Old Primary Care Federation")
    follow_link(page, "Delete Old Primary Care Federation")
    click_button(page, "Delete organisation")
    expect(_banner(page)).to_contain_text("Old Primary Care Federation has been deleted")

    # A person: edit (an error first), archive, restore, delete.
    follow_link(page, "People", within=".nhsuk-header")
    follow_link(page, "Pip Former")
    follow_link(page, "Edit Pip Former")
    fill_nhs_field(page, "Full name", "")
    click_button(page, "Save changes")
    expect_error_summary(page, "Enter the person’s full name")
    fill_nhs_field(page, "Full name", "Pip Former")
    fill_nhs_field(page, "Job title (optional)", "Director of public health")
    click_button(page, "Save changes")
    follow_link(page, "Archive Pip Former")
    click_button(page, "Archive person")
    follow_link(page, "Restore Pip Former")
    click_button(page, "Restore person")
    follow_link(page, "Delete Pip Former")
    click_button(page, "Delete person")
    expect(_banner(page)).to_contain_text("Pip Former has been deleted")

    # The lead-time policy (an empty box first) and a closure day, added and removed.
    follow_link(page, "Admin", within=".nhsuk-header")
    follow_link(page, "Lead-time policy", within="main")
    fill_nhs_field(page, "Decision", "")
    click_button(page, "Save policy")
    expect_error_summary(page, "Enter the lead time for decision")
    fill_nhs_field(page, "Decision", "7")
    click_button(page, "Save policy")
    expect(_banner(page)).to_contain_text("The lead-time policy has been saved")
    follow_link(page, "Closure days", within="main")
    click_button(page, "Add closure day")
    expect_error_summary(page, "Enter the date", "Enter a reason")
    closure = future_working_day(60)
    _fill_date(page, "day", closure)
    fill_nhs_field(page, "Reason", "Extra day for the county show")
    click_button(page, "Add closure day")
    shown = f"{closure:%A} {closure.day} {closure:%B %Y}"
    expect(page.get_by_role("row").filter(has_text="county show")).to_contain_text(shown)
    follow_link(page, f"Remove {shown}")
    click_button(page, "Remove closure day")
    expect(page.get_by_role("row").filter(has_text="county show")).to_have_count(0)
