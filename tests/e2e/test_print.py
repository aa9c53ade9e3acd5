"""Pages print cleanly: no site navigation, no controls, the content whole and readable."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from .conftest import login
from .world import build_world


@pytest.fixture
def world(office, alice):
    return build_world(office, alice)


def printed_text(page) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(page.pdf())).pages)


def assert_no_navigation(page) -> None:
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_be_hidden()
    expect(page.get_by_role("button", name="Log out")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_report_prints_without_navigation_or_controls(page, world, screenshot):
    login(page, "alice")
    page.goto(f"/reports/assessments/{world.assessment.pk}/")
    page.emulate_media(media="print")
    screenshot(page, "report-print")
    assert_no_navigation(page)
    expect(page.get_by_role("link", name="Download PDF")).to_be_hidden()
    expect(page.get_by_role("heading", name="Border face search", level=1)).to_be_visible()
    text = printed_text(page)
    # The world's draft has criteria not assessed: provisional, and no verdict claimed.
    assert "Provisional — " in text and "C1-1" in text
    assert "Red line breached" not in text
    assert "Log out" not in text and "Download PDF" not in text


def test_framework_page_prints_without_navigation(page, world):
    login(page, "alice")
    page.goto(f"/frameworks/{world.framework_version.framework.slug}/v1/")
    page.emulate_media(media="print")
    assert_no_navigation(page)
    text = printed_text(page)
    assert "Is safeguard 2.3 in place?" in text
    assert "Log out" not in text


def test_category_page_prints_answers_without_menus(page, world):
    login(page, "alice")
    page.goto(f"/assessments/{world.assessment.pk}/categories/C1/")
    page.emulate_media(media="print")
    assert_no_navigation(page)
    expect(page.get_by_role("navigation", name="Categories")).to_be_hidden()
    expect(page.get_by_role("heading", name="C1 Category 1", level=1)).to_be_visible()
