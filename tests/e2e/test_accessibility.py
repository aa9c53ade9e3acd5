"""axe-core on every page type, as each kind of person sees it: no serious or critical
violations anywhere."""

import re

import pytest
from playwright.sync_api import expect

from .axe import serious_violations
from .conftest import login
from .world import build_world, page_types

PICTURED = {"home", "evidence-detail", "history", "report-draft", "framework-version"}


@pytest.fixture
def world(office, alice):
    return build_world(office, alice)


def check(page, url, name, found, screenshot=None):
    response = page.goto(url)
    found[name] = serious_violations(page)
    if screenshot:
        screenshot(page, f"a11y-{name}")
    return response


def test_reviewer_pages_have_no_serious_violations(page, world, screenshot):
    w, found = world, {}
    login(page, "alice")
    a = w.assessment.pk
    for name, url in page_types(w):
        response = check(page, url, name, found, screenshot if name in PICTURED else None)
        assert response.status == 200, (name, response.status)

    # The error pages, as a signed-in person meets them.
    assert check(page, "/deployments/999999/", "404", found).status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    assert check(page, f"/assessments/{a}/return/", "403", found).status == 403
    expect(page.get_by_role("heading", name="You are not allowed to do this")).to_be_visible()

    # Two tabs, one answer: the later save meets the conflict page.
    other = page.context.new_page()
    for tab in (page, other):
        tab.goto(f"/assessments/{a}/categories/C1/")
    other.get_by_label("Rationale").first.fill("Changed in another tab.")
    other.get_by_role("button", name="Save", exact=True).click()
    expect(other.get_by_text("Saved 1 changed answer(s): C1-1.")).to_be_visible()
    other.close()
    page.get_by_label("Rationale").first.fill("Changed here.")
    page.get_by_role("button", name="Save", exact=True).click()
    heading = re.compile("^You saved 1 of these answers meanwhile")
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    found["conflict"] = serious_violations(page)

    # Pages in their error states: a refused save and a refused submission.
    page.goto(f"/assessments/{a}/categories/C1/")
    page.get_by_role("radio", name="Not applicable").first.check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".error-summary")).to_be_visible()
    found["category-form-errors"] = serious_violations(page)
    page.goto(f"/assessments/{a}/")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Not submitted")).to_be_visible()
    found["assessment-overview-refused"] = serious_violations(page)
    page.goto("/reports/verify/")
    page.get_by_role("textbox", name="Fingerprint").fill("0" * 64)
    page.get_by_role("button", name="Check fingerprint").click()
    found["verify-outcome"] = serious_violations(page)
    page.goto("/deployments/new/")
    page.get_by_role("button", name="Create deployment").click()
    found["deployment-form-errors"] = serious_violations(page)

    assert {name: v for name, v in found.items() if v} == {}


def test_other_roles_pages_have_no_serious_violations(
    page, new_page, world, bob, victor, olga, screenshot
):
    w, found = world, {}
    a = w.assessment.pk
    login(page, "olga")
    check(page, "/audit/office/", "office-log", found, screenshot)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    approver = new_page()
    login(approver, "bob")
    check(approver, f"/assessments/{a}/", "assessment-overview-approver", found)
    check(approver, f"/assessments/{a}/return/", "return-step", found)
    viewer = new_page()
    login(viewer, "victor")
    check(viewer, f"/assessments/{a}/categories/C1/", "category-read-only", found)
    check(viewer, "/deployments/", "deployment-list-viewer", found)
    assert {name: v for name, v in found.items() if v} == {}


def test_signed_out_pages_have_no_serious_violations(page, alice):
    found = {}
    check(page, "/accounts/login/", "login", found)
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    found["login-refused"] = serious_violations(page)
    assert {name: v for name, v in found.items() if v} == {}


def test_axe_check_reports_a_real_violation(page):
    # Guards the harness itself: an empty list must mean "checked and clean", not "not run".
    page.set_content('<html lang="en"><title>t</title><main><img src="x.png"></main></html>')
    assert any(line.startswith("image-alt") for line in serious_violations(page))
