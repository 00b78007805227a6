"""Page helpers for journeys: act as a person would, and gate every page reached.

Each helper that navigates calls `check_page(page)` on the page it lands on, so journeys
built from them check every page. After `page.goto(...)` or a click you make yourself,
call `check_page(page)`; the `page` fixture fails a test that reached a page unchecked.
"""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.browser.gates import check_page

__all__ = [
    "assert_focus_visible",
    "check_page",
    "choose",
    "click_button",
    "expect_error_summary",
    "fill_nhs_field",
    "follow_link",
    "open_page",
    "press_and_check",
    "sign_in",
    "sign_out",
    "tab_to",
]


def open_page(page: Page, path: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None
    assert response.status == status, f"GET {path}: expected {status}, got {response.status}"
    check_page(page)


def fill_nhs_field(page: Page, label: str, value: str) -> None:
    """Type into the input, textarea or select labelled `label` (the visible label text)."""
    field = page.get_by_label(label, exact=True)
    if field.evaluate("el => el.tagName") == "SELECT":
        field.select_option(label=value)
    else:
        field.fill(value)


def choose(page: Page, option_label: str) -> None:
    """Tick the radio or checkbox whose label is `option_label`."""
    page.get_by_label(option_label, exact=True).check()


def click_button(page: Page, text: str, *, within: str = "main") -> None:
    """Press a button that submits a form, then gate the page that comes back."""
    page.locator(within).get_by_role("button", name=text, exact=True).click()
    check_page(page)


def follow_link(page: Page, text: str, *, within: str = "body") -> None:
    page.locator(within).get_by_role("link", name=text, exact=True).first.click()
    check_page(page)


def sign_in(page: Page, email: str, password: str, *, expect_success: bool = True) -> None:
    open_page(page, "/sign-in")
    fill_nhs_field(page, "Email address", email)
    fill_nhs_field(page, "Password", password)
    click_button(page, "Sign in")
    if expect_success:
        expect(page.locator(".nhsuk-error-summary")).to_have_count(0)
        assert "/sign-in" not in page.url, f"sign-in as {email} failed"


def sign_out(page: Page) -> None:
    page.locator(".nhsuk-header").get_by_role("button", name="Sign out").click()
    check_page(page)
    expect(page).to_have_url(re.compile(r"/sign-in$"))


def expect_error_summary(page: Page, *messages: str) -> Locator:
    """The NHS error summary is shown, has focus, and lists `messages` as links."""
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert page.title().startswith("Error: "), page.title()
    for message in messages:
        expect(summary.get_by_role("link", name=message)).to_be_visible()
    return summary


# --- keyboard only ------------------------------------------------------------------------
FOCUS_VISIBLE_JS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return 'nothing has focus';
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
    && !style.outlineColor.endsWith(', 0)') && style.outlineColor !== 'transparent';
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  return outline || shadow ? '' : `no visible focus indicator on ${el.outerHTML.slice(0, 120)}`;
}
"""


def assert_focus_visible(page: Page) -> None:
    problem = page.evaluate(FOCUS_VISIBLE_JS)
    assert not problem, problem


def tab_to(page: Page, target: Locator, *, max_presses: int = 40) -> None:
    """Press Tab (only) until `target` has focus; every stop must show visible focus."""
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        assert_focus_visible(page)
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{target} was not reached with {max_presses} presses of Tab")


def press_and_check(page: Page, key: str) -> None:
    """Press a key that submits or follows a link, then gate the page that comes back."""
    with page.expect_navigation():
        page.keyboard.press(key)
    check_page(page)
