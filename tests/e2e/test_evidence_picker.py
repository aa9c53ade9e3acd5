"""The category page's evidence control in a real browser (issue 13, point 16): the picker
dialog (with the keyboard, filtered, keeping every typed answer), its page without
JavaScript (the page saved first, then back at the criterion)."""

import re

import pytest
from playwright.sync_api import expect

from safeguards.reviews.corrections import retire_evidence
from safeguards.reviews.models import Answer, Evidence

from .axe import serious_violations
from .conftest import login
from .world import build_world

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def world(office, alice):
    w = build_world(office, alice)
    for title, kind in (
        ("Privacy impact assessment", "document"),
        ("Vendor letter on retention", "correspondence"),
        ("Press release on the pilot", "web_page"),
    ):
        Evidence.objects.create(office=office, deployment=w.deployment, title=title, kind=kind)
    retired = Evidence.objects.create(
        office=office, deployment=w.deployment, title="Withdrawn draft policy", kind="document"
    )
    retire_evidence(retired, alice, "Withdrawn by the agency.")
    return w


def answer(w, code):
    return Answer.objects.get(assessment=w.assessment, criterion__code=code)


def criterion(page, code):
    return page.locator(f"#criterion-{code}")


def test_linking_with_the_picker_dialog_keeps_typed_answers_and_saves_with_the_page(
    page, world, screenshot
):
    login(page, "alice")
    page.goto(f"/assessments/{world.assessment.pk}/categories/C2/")
    # Typed, not saved: the picker must not lose it.
    criterion(page, "C2-1").get_by_role("radio", name="Met", exact=True).check()
    criterion(page, "C2-1").get_by_label("Rationale").fill("The PIA binds the office (p. 3).")
    criterion(page, "C2-2").get_by_label("Rationale").fill("Typed in another criterion.")

    criterion(page, "C2-1").get_by_role("button", name="Link evidence to C2-1").click()
    dialog = page.get_by_role("dialog", name="Link evidence to C2-1")
    expect(dialog).to_be_visible()
    # Retired evidence is not offered; the filter narrows the list.
    expect(dialog.get_by_role("checkbox")).to_have_count(4)
    assert dialog.get_by_text("Withdrawn draft policy").count() == 0
    dialog.get_by_label("Filter by title, citation or kind").fill("privacy")
    expect(dialog.get_by_role("checkbox", name="Privacy impact assessment")).to_be_visible()
    expect(dialog.get_by_role("checkbox", name="Vendor letter on retention")).to_be_hidden()
    expect(dialog.get_by_text("1 of 4 items shown")).to_be_visible()
    screenshot(page, "evidence-picker-dialog", full_page=False)
    assert serious_violations(page) == []
    dialog.get_by_role("checkbox", name="Privacy impact assessment").check()
    dialog.get_by_role("button", name="Link selected").click()
    expect(dialog).to_be_hidden()

    field = criterion(page, "C2-1")
    expect(field.get_by_role("checkbox", name="Privacy impact assessment")).to_be_checked()
    expect(field.get_by_text("new, not saved yet", exact=True)).to_be_visible()
    expect(field.get_by_role("status")).to_have_text(
        "1 item linked to C2-1: save the page to keep it."
    )
    # Focus is back on the button that opened it; nothing typed was lost.
    assert page.evaluate("document.activeElement.textContent.trim()") == "Link evidence to C2-1"
    expect(field.get_by_label("Rationale")).to_have_value("The PIA binds the office (p. 3).")
    expect(criterion(page, "C2-2").get_by_label("Rationale")).to_have_value(
        "Typed in another criterion."
    )
    assert answer(world, "C2-1").evidence_ids() == []

    # Leaving now warns (the link is a change of the page) and staying keeps it all.
    prompts = []

    def stay(dialog):
        prompts.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.get_by_role("link", name=re.compile(r"^C1 ")).first.click()
    page.wait_for_timeout(300)
    page.remove_listener("dialog", stay)
    assert prompts == ["beforeunload"]
    expect(field.get_by_label("Rationale")).to_have_value("The PIA binds the office (p. 3).")

    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved 2 changed answer(s): C2-1, C2-2.")).to_be_visible()
    saved = answer(world, "C2-1")
    pia = Evidence.objects.get(title="Privacy impact assessment")
    assert (saved.status, saved.rationale) == ("met", "The PIA binds the office (p. 3).")
    assert saved.evidence_ids() == [pia.pk]
    assert answer(world, "C2-2").rationale == "Typed in another criterion."
    # Linked items are listed under the criterion, with their kind; untick one to unlink.
    expect(criterion(page, "C2-1").get_by_role("checkbox", name="Privacy impact assessment"))
    expect(criterion(page, "C2-1").get_by_text("Document")).to_be_visible()
    criterion(page, "C2-1").get_by_role("checkbox", name="Privacy impact assessment").uncheck()
    with page.expect_navigation():
        page.get_by_role("button", name="Save", exact=True).click()
    assert answer(world, "C2-1").evidence_ids() == []


def test_the_picker_dialog_works_with_the_keyboard_alone(page, world):
    login(page, "alice")
    page.goto(f"/assessments/{world.assessment.pk}/categories/C2/")
    button = criterion(page, "C2-3").get_by_role("button", name="Link evidence to C2-3")
    button.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Link evidence to C2-3")
    expect(dialog).to_be_visible()
    # Focus starts in the filter; typing filters, Tab reaches the first item shown.
    assert page.evaluate("document.activeElement.id") == "evidence-picker-filter"
    page.keyboard.type("vendor")
    page.keyboard.press("Enter")  # does not send anything
    expect(dialog).to_be_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.labels[0].textContent") == (
        "Vendor letter on retention"
    )
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # past the item's "open" link
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Link selected"
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(
        criterion(page, "C2-3").get_by_role("checkbox", name="Vendor letter on retention")
    ).to_be_checked()
    assert page.evaluate("document.activeElement.textContent.trim()") == "Link evidence to C2-3"

    # Escape closes it without linking anything, focus back on its button.
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    # Already linked items are shown as such and cannot be ticked twice.
    expect(dialog.get_by_role("checkbox", name="Vendor letter on retention")).to_be_disabled()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert page.evaluate("document.activeElement.textContent.trim()") == "Link evidence to C2-3"
    expect(criterion(page, "C2-3").locator("input[name$='-evidence']")).to_have_count(1)


def test_linking_without_javascript_saves_typed_answers_first_and_comes_back(
    nojs_page, world, screenshot
):
    page = nojs_page
    login(page, "alice")
    page.goto(f"/assessments/{world.assessment.pk}/categories/C2/")
    # The dialog never shows without JavaScript.
    expect(page.get_by_role("dialog")).to_have_count(0)
    criterion(page, "C2-1").get_by_role("radio", name="Partially met", exact=True).check()
    criterion(page, "C2-1").get_by_label("Rationale").fill("Stated, not binding.")
    criterion(page, "C2-3").get_by_label("Rationale").fill("Typed further down.")
    criterion(page, "C2-2").get_by_role("button", name="Link evidence to C2-2").click()

    # The page was saved first: nothing typed is lost.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^Link evidence to C2-2 ")
    )
    expect(page.get_by_text("Saved 2 changed answer(s): C2-1, C2-3.")).to_be_visible()
    assert answer(world, "C2-1").rationale == "Stated, not binding."
    assert answer(world, "C2-3").rationale == "Typed further down."
    assert page.get_by_text("Withdrawn draft policy").count() == 0
    screenshot(page, "evidence-picker-page")  # axe checks it with scripts on (page_types)

    # The search narrows the list (a GET form), then the ticked item is linked at once.
    page.get_by_label("Find by title, citation or kind").fill("press")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_text("1 of 4 items that can be linked match “press”.")).to_be_visible()
    page.get_by_role("checkbox", name="Press release on the pilot").check()
    page.get_by_role("button", name="Link selected to C2-2").click()

    assert page.url.endswith("/categories/C2/#criterion-C2-2")
    expect(page.get_by_text("Linked to C2-2: “Press release on the pilot”.")).to_be_visible()
    expect(
        criterion(page, "C2-2").get_by_role("checkbox", name="Press release on the pilot")
    ).to_be_checked()
    expect(criterion(page, "C2-1").get_by_label("Rationale")).to_have_value("Stated, not binding.")
    press = Evidence.objects.get(title="Press release on the pilot")
    assert answer(world, "C2-2").evidence_ids() == [press.pk]


def test_category_page_is_short_on_a_phone_with_the_picker_collapsed(new_page, world, screenshot):
    page = new_page(viewport=PHONE)
    login(page, "alice")
    page.goto(f"/assessments/{world.assessment.pk}/categories/C1/")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    expect(page.locator("#evidence-picker")).to_be_hidden()
    height = page.evaluate("document.scrollingElement.scrollHeight")
    screenshot(page, "category-phone")
    # Three criteria with their guidance closed (each at most 600 px: test_category_page.py),
    # the category list after them; a criterion once took some 1,000 px for its evidence
    # checkboxes alone, then about 1,550 px with its guide stacked above the answer.
    assert height < 3 * 1000, height
    page.get_by_role("button", name="Link evidence to C1-1").click()
    dialog = page.get_by_role("dialog", name="Link evidence to C1-1")
    expect(dialog).to_be_visible()
    box = dialog.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    screenshot(page, "evidence-picker-phone", full_page=False)
