"""Keyboard only: Tab, Shift+Tab, Enter, Space and arrow keys; no mouse, no fill().

Every focus stop must show a visible focus indicator (`tab_to` checks each one).
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

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

    tab_to(page, page.locator(".nhsuk-header").get_by_role("link", name="Users"))
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
