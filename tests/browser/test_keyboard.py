"""Keyboard only: Tab, Shift+Tab, Enter, Space and arrow keys; no mouse, no fill().

Every focus stop must show a visible focus indicator (`tab_to` checks each one).
"""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.browser import data
from tests.browser.pages import (
    assert_focus_visible,
    expect_error_summary,
    open_page,
    press_and_check,
    tab_to,
)
from tracker.models import Role


def _main_button(page: Page, name: str):
    return page.locator("main").get_by_role("button", name=name, exact=True)


def _field(page: Page, label: str):
    return page.get_by_label(label, exact=True)


def keyboard_sign_in(page: Page, email: str, password: str) -> None:
    open_page(page, "/sign-in")
    tab_to(page, _field(page, "Email address"))
    page.keyboard.type(email)
    tab_to(page, _field(page, "Password"))
    page.keyboard.type(password)
    tab_to(page, _main_button(page, "Sign in"))
    press_and_check(page, "Enter")


def test_sign_in_with_the_keyboard(page: Page, make_browser_user):
    user = make_browser_user(Role.LEADER, display_name="Kim Keys")
    open_page(page, "/sign-in")

    # The skip link is the first Tab stop, and it moves focus to the main content.
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # A failed submit puts focus on the error summary, whose links lead to the fields.
    tab_to(page, _main_button(page, "Sign in"))
    press_and_check(page, "Enter")
    summary = expect_error_summary(page, "Enter your email address", "Enter your password")
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link", name="Enter your email address")).to_be_focused()
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(_field(page, "Email address")).to_be_focused()

    page.keyboard.type(user.email)
    tab_to(page, _field(page, "Password"))
    page.keyboard.type(user.password)
    tab_to(page, _main_button(page, "Sign in"))
    press_and_check(page, "Space")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Kim Keys")


def test_admin_adds_a_user_with_the_keyboard(page: Page, make_browser_user):
    admin = make_browser_user(Role.ADMIN)
    keyboard_sign_in(page, admin.email, admin.password)

    tab_to(page, page.locator(".nhsuk-header").get_by_role("link", name="Admin", exact=True))
    press_and_check(page, "Enter")
    tab_to(page, page.locator("main").get_by_role("link", name="Users", exact=True))
    press_and_check(page, "Enter")
    tab_to(page, page.locator("main").get_by_role("link", name="Add a user"))
    press_and_check(page, "Enter")

    # Submit the empty form: focus goes to the error summary; its first link to the field.
    tab_to(page, _main_button(page, "Add user"))
    press_and_check(page, "Space")
    expect_error_summary(page, "Enter the user's full name", "Select a role")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(_field(page, "Full name")).to_be_focused()

    page.keyboard.type("Robin Radios")
    tab_to(page, _field(page, "Email address"))
    page.keyboard.type("robin@example.org")
    # Radios: Tab reaches the group, the arrow keys choose.
    tab_to(page, _field(page, "Admin"))
    page.keyboard.press("ArrowDown")
    expect(_field(page, "Leader")).to_be_focused()
    expect(_field(page, "Leader")).to_be_checked()
    assert_focus_visible(page)
    tab_to(page, _field(page, "Password"))
    page.keyboard.type("robin-password-1")
    tab_to(page, _field(page, "Confirm new password"))
    page.keyboard.type("robin-password-1")
    tab_to(page, _main_button(page, "Add user"))
    press_and_check(page, "Enter")

    expect(page.locator(".nhsuk-notification-banner")).to_contain_text(
        "Robin Radios can now sign in"
    )
    expect(page.get_by_role("row").filter(has_text="Robin Radios")).to_contain_text("Leader")


def _press(page: Page, target, key: str = "Enter") -> None:
    """Tab to a link or button and press Enter (or Space): a new page comes back."""
    tab_to(page, target)
    press_and_check(page, key)


def _type_into(page: Page, target, text: str) -> None:
    tab_to(page, target)
    page.keyboard.type(text)


def test_leader_logs_a_decision_with_the_keyboard(page: Page, make_browser_user, live_app):
    leader = make_browser_user(Role.LEADER, display_name="Kit Keys")
    make_browser_user(Role.PA, display_name="Pat Assistant")
    icb = data.add_organisation(live_app, "Northshire Integrated Care Board")
    data.add_person(live_app, "Kit Keys", icb, user_id=leader.id)
    council = data.add_organisation(live_app, "Northshire County Council", "la_county")
    data.add_person(live_app, "Dana Director", council, main_contact=True)
    keyboard_sign_in(page, leader.email, leader.password)

    _press(page, page.locator(".nhsuk-header").get_by_role("link", name="Decisions"))
    _press(page, page.locator("main").get_by_role("link", name="Log a decision", exact=True))

    # An empty submit: focus on the error summary, its first link leads to the title.
    _press(page, _main_button(page, "Log decision"), "Space")
    expect_error_summary(page, "Enter a title", "Enter the date of the event")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(_field(page, "Title")).to_be_focused()
    page.keyboard.type("Keyboard budget consultation")

    event_day = date.today() + timedelta(days=30)
    _type_into(page, page.locator("#event_date-day"), str(event_day.day))
    _type_into(page, page.locator("#event_date-month"), str(event_day.month))
    _type_into(page, page.locator("#event_date-year"), str(event_day.year))
    _type_into(page, _field(page, "Time of the event"), "14:30")
    # Sensitivity: Tab reaches the chosen radio (Internal); the arrow key moves to Restricted.
    internal = page.get_by_label("Internal – every No Surprises user may see it")
    tab_to(page, internal)
    page.keyboard.press("ArrowDown")
    restricted = page.get_by_label(
        "Restricted – only the owner, their PAs, the decision team and admins may see it"
    )
    expect(restricted).to_be_focused()
    expect(restricted).to_be_checked()
    # The decision team: Space ticks a checkbox.
    pat = page.get_by_label("Pat Assistant (PA (executive assistant))")
    tab_to(page, pat)
    page.keyboard.press("Space")
    expect(pat).to_be_checked()
    _press(page, _main_button(page, "Log decision"))

    # The partners: an organisation, then its main contact (ticked for us).
    council_box = page.get_by_label("Northshire County Council")
    tab_to(page, council_box)
    page.keyboard.press("Space")
    _press(page, _main_button(page, "Continue"))
    expect(page.get_by_label("Dana Director")).to_be_checked()
    _press(page, _main_button(page, "Add partners"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Keyboard budget consultation")
    expect(page.locator("main")).to_contain_text("Confidential")
    expect(page.locator("main")).to_contain_text("Pat Assistant")
    expect(page.get_by_role("row").filter(has_text="Dana Director")).to_contain_text("To brief")


def test_pa_logs_a_briefing_with_the_keyboard(page: Page, make_browser_user, live_app):
    leader = make_browser_user(Role.LEADER, display_name="Lee Leader")
    pa = make_browser_user(Role.PA, display_name="Pat Assistant")
    icb = data.add_organisation(live_app, "Northshire Integrated Care Board")
    leader_person = data.add_person(live_app, "Lee Leader", icb, user_id=leader.id, pa_ids=[pa.id])
    council = data.add_organisation(live_app, "Northshire County Council", "la_county")
    dana = data.add_person(live_app, "Dana Director", council)
    data.add_decision(
        live_app,
        actor_id=leader.id,
        owner_person_id=leader_person,
        title="Keyboard winter plan",
        partners=[dana],
    )
    keyboard_sign_in(page, pa.email, pa.password)

    _press(page, page.locator("main").get_by_role("link", name="See my week"))
    _press(page, page.get_by_role("link", name="Log briefing with Dana Director"))
    expect(page.get_by_label("Dana Director (Northshire County Council)")).to_be_checked()

    # Nothing said about how it happened: the summary's link leads to the first radio.
    _press(page, _main_button(page, "Log briefing"), "Space")
    expect_error_summary(page, "Select how the briefing happened")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    meeting = _field(page, "Meeting")
    expect(meeting).to_be_focused()
    page.keyboard.press("Space")
    expect(meeting).to_be_checked()
    page.keyboard.press("ArrowDown")
    expect(_field(page, "Phone call")).to_be_checked()
    assert_focus_visible(page)
    _type_into(page, _field(page, "Summary"), "Went through the winter plan by phone.")
    acknowledged = _field(page, "They acknowledged the briefing")
    tab_to(page, acknowledged)
    page.keyboard.press("Space")
    expect(acknowledged).to_be_checked()
    _press(page, _main_button(page, "Log briefing"))

    expect(page.locator(".nhsuk-notification-banner")).to_contain_text(
        "1 requirement(s) are now marked as briefed"
    )
    expect(page.get_by_role("row").filter(has_text="Dana Director")).to_contain_text("Briefed")
    expect(page.locator("main")).to_contain_text("Logged by Pat Assistant on behalf of Lee Leader")
