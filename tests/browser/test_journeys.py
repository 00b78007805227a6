"""Journeys through the real app in chromium, as a person would; every page is gated."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

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
from tracker.models import Role


def test_admin_adds_and_manages_a_user(page: Page, make_browser_user):
    admin = make_browser_user(Role.ADMIN, display_name="Alex Admin")
    sign_in(page, admin.email, admin.password)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Alex Admin")

    follow_link(page, "Users", within=".nhsuk-header")
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
    follow_link(page, "Change password", within=".nhsuk-header")

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
    expect(page.locator(".nhsuk-header").get_by_role("link", name="Users")).to_have_count(0)
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
