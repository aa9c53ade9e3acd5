"""Layout at real widths: nothing scrolls sideways on a 390 px phone on any page type (tables
scroll in their own box, long words wrap), the header collapses into a Menu button there, and
it stays one row from 1024 to 1920 px (a Menu button below 1200 px)."""

import re

import pytest
from playwright.sync_api import expect

from safeguards.accounts.models import Membership, Office, Role
from safeguards.reviews.models import Evidence

from .axe import serious_violations
from .conftest import login
from .world import build_world, page_types

PHONE = {"width": 390, "height": 844}
# A pasted portal address without a break opportunity: the classic page-widener.
LONG_URL = "https://sam.gov/opp/" + "a1b2c3d4e5" * 12 + "/view"
LONG_WORD = "Counter-network-analysis-" + "x" * 120


@pytest.fixture
def world(office, alice, olga):
    w = build_world(office, alice)
    w.deployment.contract_reference = LONG_WORD
    w.deployment.notes = f"Award notice at {LONG_URL}"
    w.deployment.save()
    Evidence.objects.create(
        office=office,
        deployment=w.deployment,
        title=LONG_WORD,
        kind="web_page",
        url=LONG_URL,
        citation=LONG_WORD,
    )
    # A member of a second office with a long name, as the header's account menu shows it.
    second = Office.objects.create(slug="pclob", name="Privacy and Civil Liberties Oversight Board")
    Membership.objects.create(office=second, user=olga, role=Role.VIEWER)
    return w


def admin_page_types(w) -> list[tuple[str, str]]:
    return [
        *page_types(w),
        ("office-log", "/audit/office/"),
        ("members", "/accounts/offices/oig/members/"),
        ("404", "/deployments/999999/"),
    ]


def page_width(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


def test_no_page_scrolls_sideways_on_a_phone(new_page, world):
    page = new_page(viewport=PHONE)
    login(page, "olga")  # an office admin sees every page type
    too_wide, failed = {}, {}
    for name, url in admin_page_types(world):
        response = page.goto(url)
        if response.status not in (200, 404) or (name == "404") != (response.status == 404):
            failed[name] = response.status
        if page_width(page) > PHONE["width"]:
            too_wide[name] = page_width(page)
    assert failed == {}
    assert too_wide == {}


def test_phone_header_is_a_menu_button(new_page, world):
    page = new_page(viewport=PHONE)
    login(page, "olga")
    page.goto("/deployments/")
    search_box = page.get_by_role("searchbox", name="Search deployments, assessments")
    expect(search_box).to_be_hidden()
    expect(page.get_by_role("link", name="Assessments", exact=True)).to_be_hidden()
    header = page.locator(".site-header").bounding_box()
    assert header["height"] < 70
    page.get_by_role("button", name="Menu").click()
    expect(search_box).to_be_visible()
    expect(page.get_by_role("link", name="Assessments", exact=True)).to_be_visible()
    search_box.fill("contract")
    search_box.press("Enter")
    expect(page.get_by_role("heading", name="Search results", level=1)).to_be_visible()
    assert page_width(page) <= PHONE["width"]
    assert serious_violations(page) == []


@pytest.mark.parametrize("width", [1024, 1200, 1280, 1400, 1920])
def test_header_is_one_row(new_page, world, width):
    page = new_page(viewport={"width": width, "height": 900})
    login(page, "olga")  # the longest header: office log, two offices, unread notifications
    page.goto("/assessments/")
    assert page_width(page) <= width
    assert page.locator(".site-header").bounding_box()["height"] < 70
    items = (
        [".site-name", ".site-header .navbar-toggler"]
        if width < 1200
        else [
            ".site-name",
            ".site-sections",
            ".site-search",
            ".notifications-link",
            ".account-menu > summary",
        ]
    )
    boxes = [page.locator(selector).bounding_box() for selector in items]
    # On one line: every item's vertical middle within the brand's height.
    brand = boxes[0]
    for selector, box in zip(items, boxes, strict=True):
        middle = box["y"] + box["height"] / 2
        assert brand["y"] <= middle <= brand["y"] + brand["height"], selector
        assert box["x"] + box["width"] <= width, selector


def test_a_table_too_wide_for_a_phone_scrolls_in_its_own_box_by_keyboard(new_page, world):
    page = new_page(viewport=PHONE)
    login(page, "olga")
    page.goto(f"/deployments/{world.deployment.pk}/evidence/")
    region = page.get_by_role("region", name=re.compile(r"^2 items.*\(scrolls sideways\)$"))
    expect(region).to_have_count(1)
    region.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.table-responsive').scrollLeft > 0")
    assert page_width(page) <= PHONE["width"]
    # Wide enough for the table, the box is an ordinary one again (no extra tab stop).
    page.goto("/assessments/")
    expect(page.get_by_role("region", name=re.compile("scrolls sideways"))).to_have_count(1)
    page.set_viewport_size({"width": 1920, "height": 900})
    expect(page.get_by_role("region", name=re.compile("scrolls sideways"))).to_have_count(0)
