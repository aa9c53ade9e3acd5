from .axe import serious_violations
from .conftest import login


def test_login_page_is_accessible(page, screenshot):
    page.goto("/accounts/login/")
    assert page.title() == "Sign in · Safeguards"
    screenshot(page, "login")
    assert serious_violations(page) == []


def test_reviewer_signs_in_and_sees_home(page, alice):
    login(page, "alice")
    assert page.get_by_role("heading", name="Welcome, alice").is_visible()
    assert serious_violations(page) == []


def test_skip_link_is_first_and_moves_focus_to_main(page, alice):
    login(page, "alice")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
