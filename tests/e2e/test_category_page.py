"""The category page with the shipped framework's real text: short on a phone (each criterion's
guidance a closed disclosure after its answer), beside the answer on a desktop, printed whole."""

import datetime
import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from safeguards.reviews import workflow
from safeguards.reviews.management.commands.generate_load_data import default_framework
from tests.factories import make_deployment

from .axe import serious_violations
from .conftest import login

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# A criterion with nothing typed yet, on a phone: heading, question, status, rationale,
# recommendation, evidence, its guidance's summary. It was about 1,550 px with the guidance
# stacked above the answer.
CRITERION_MAX_HEIGHT = 600
GUIDANCE = "Ask for the counsel opinion or legal memorandum"  # AUTH-1's, in the shipped file


@pytest.fixture
def fresh(office, alice):
    """A new draft of the shipped framework: nothing typed, every criterion not assessed."""
    return workflow.create_assessment(
        make_deployment(office, alice, name="Border face search"),
        default_framework(),
        title="Border face search review",
        as_of=datetime.date(2026, 11, 1),
        by=alice,
    )


def category_url(assessment, code="AUTH"):
    return f"/assessments/{assessment.pk}/categories/{code}/"


def criterion_heights(page) -> dict[str, float]:
    return page.evaluate(
        """() => Object.fromEntries(Array.from(document.querySelectorAll("fieldset.criterion"))
            .map((el) => [el.id.replace("criterion-", ""), el.getBoundingClientRect().height]))"""
    )


def test_each_criterion_is_short_on_a_phone_with_its_answer_first(
    new_page, alice, fresh, screenshot
):
    page = new_page(viewport=PHONE)
    login(page, "alice")
    page.goto(category_url(fresh))
    screenshot(page, "category-phone-real-framework")
    heights = criterion_heights(page)
    assert len(heights) >= 4
    too_tall = {code: height for code, height in heights.items() if height > CRITERION_MAX_HEIGHT}
    assert too_tall == {}, heights
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]

    first = page.locator("#criterion-AUTH-1")
    guidance = first.locator("details[data-guide]")
    expect(guidance).not_to_have_attribute("open", "")
    expect(first.get_by_text(GUIDANCE)).to_be_hidden()
    # The answer's controls come before the guidance (in reading and tab order).
    status = first.get_by_role("radio", name="Met", exact=True)
    below = status.bounding_box()["y"] < guidance.bounding_box()["y"]
    assert below, "the guidance should follow the answer on a phone"
    # The heading outline: the page's h1, then one h2 per criterion.
    levels = page.evaluate(
        """() => Array.from(document.querySelectorAll("main h1, main h2"))
            .map((h) => h.tagName + " " + h.textContent.trim().slice(0, 6))"""
    )
    assert levels[0].startswith("H1") and "H2 AUTH-1" in levels

    # By keyboard: the summary opens the guidance and closes it again.
    summary = guidance.locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(first.get_by_text(GUIDANCE)).to_be_visible()
    page.keyboard.press("Enter")
    expect(first.get_by_text(GUIDANCE)).to_be_hidden()
    assert serious_violations(page) == []


def test_guidance_is_open_beside_the_answer_on_a_desktop(new_page, alice, fresh, screenshot):
    page = new_page(viewport=DESKTOP)
    login(page, "alice")
    page.goto(category_url(fresh))
    first = page.locator("#criterion-AUTH-1")
    guidance = first.locator("details[data-guide]")
    expect(first.get_by_text(GUIDANCE)).to_be_visible()
    answer = first.get_by_label("Rationale").bounding_box()
    beside = guidance.bounding_box()
    assert beside["x"] >= answer["x"] + answer["width"], "the guidance should sit to the right"
    assert beside["y"] < answer["y"] + answer["height"]
    screenshot(page, "category-desktop-real-framework", full_page=False)
    # Closed by hand, it stays closed (a compact page for an experienced reviewer).
    guidance.locator("summary").click()
    expect(first.get_by_text(GUIDANCE)).to_be_hidden()


def test_the_printed_page_shows_the_guidance_closed_on_screen(new_page, alice, fresh):
    page = new_page(viewport=PHONE)
    login(page, "alice")
    page.goto(category_url(fresh))
    expect(page.locator("#criterion-AUTH-1 details[data-guide]")).not_to_have_attribute("open", "")
    page.emulate_media(media="print")
    expect(page.get_by_text(GUIDANCE)).to_be_visible()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(page.pdf())).pages)
    assert GUIDANCE in " ".join(text.split())
    assert "Met looks like" in text
