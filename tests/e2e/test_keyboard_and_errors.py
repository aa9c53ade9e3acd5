"""The scoring form with the keyboard alone, visible focus, and errors that are announced
and take focus (with the small script) or sit at the top with links (without it)."""

import re

import pytest
from playwright.sync_api import expect

from safeguards.reviews.models import Answer

from .conftest import login
from .world import build_world

MAX_TABS = 200


@pytest.fixture
def world(office, alice):
    return build_world(office, alice)


def active(page, expression: str):
    return page.evaluate(f"(() => {{ const el = document.activeElement; return {expression}; }})()")


def tab_until(page, predicate: str) -> None:
    """Press Tab until the focused element satisfies the JS predicate (on `el`)."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if active(page, predicate):
            return
    raise AssertionError(f"Tab never reached an element where {predicate}")


def assert_visible_focus(page) -> None:
    style = active(
        page,
        "{outline: getComputedStyle(el).outlineStyle, width: getComputedStyle(el).outlineWidth,"
        " color: getComputedStyle(el).outlineColor}",
    )
    assert style["outline"] not in ("none", ""), style
    assert float(style["width"].removesuffix("px")) >= 2, style


def test_category_form_can_be_completed_with_the_keyboard_alone(page, world):
    login(page, "alice")
    page.goto(f"/assessments/{world.assessment.pk}/categories/C2/")
    answer = world.assessment.answers.get(criterion__code="C2-1")

    # Tab into the first status group: focus lands on its checked radio (Not assessed).
    tab_until(page, "el.type === 'radio' && el.name.endsWith('-status')")
    assert active(page, "el.name") == f"a{answer.pk}-status"
    assert active(page, "el.value") == "not_assessed"
    assert_visible_focus(page)
    # Arrow keys move through the group and choose: from the last option round to "Met".
    page.keyboard.press("ArrowDown")
    assert active(page, "el.value") == "met"
    assert active(page, "el.checked")
    assert_visible_focus(page)

    page.keyboard.press("Tab")
    assert active(page, "el.id") == f"id_a{answer.pk}-rationale"
    assert_visible_focus(page)
    page.keyboard.type("The contract binds the vendor to this safeguard (clause 7).")

    tab_until(page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Save'")
    assert_visible_focus(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("Saved 1 changed answer(s): C2-1.")).to_be_visible()
    answer.refresh_from_db()
    assert answer.status == "met"
    assert answer.rationale.startswith("The contract binds the vendor")


def test_space_submits_the_focused_button(page, world):
    login(page, "alice")
    page.goto(f"/assessments/{world.assessment.pk}/categories/C2/")
    page.get_by_role("radio", name="Partially met").first.focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.type("Stated in a press release, not in the contract.")
    tab_until(
        page, "el.tagName === 'BUTTON' && /^Save and (next|return)/.test(el.textContent.trim())"
    )
    with page.expect_navigation():
        page.keyboard.press("Space")
    expect(page.get_by_text("Saved 1 changed answer(s): C2-1.")).to_be_visible()
    # C2 is the last category, so "Save and ..." returns to the overview.
    assert page.url.endswith(world.assessment.get_absolute_url())


def fail_a_save(page, world) -> None:
    """Not applicable on a red line without a justification: two answers wrong at once."""
    page.goto(f"/assessments/{world.assessment.pk}/categories/C1/")
    page.get_by_role("radio", name="Not applicable").first.check()
    page.get_by_label("Rationale").first.fill("")
    page.get_by_role("radio", name="Not applicable").nth(1).check()
    page.get_by_label("Rationale").nth(1).fill("")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".error-summary")).to_be_visible()


def assert_errors_linked(page) -> list[str]:
    """Every summary link leads to a field marked invalid whose description holds an error."""
    summary = page.locator(".error-summary")
    links = summary.get_by_role("link").all()
    assert links
    targets = []
    for link in links:
        target = link.get_attribute("href").removeprefix("#")
        field = page.locator(f"[id='{target}']")
        assert field.get_attribute("aria-invalid") == "true", target
        described = field.get_attribute("aria-describedby").split()
        errors = [page.locator(f"[id='{ref}']") for ref in described]
        texts = [e.inner_text() for e in errors if "invalid-feedback" in e.get_attribute("class")]
        assert texts and all(texts), (target, described)
        targets.append(target)
    return targets


def test_failed_save_marks_fields_and_moves_focus_to_the_summary(page, world):
    login(page, "alice")
    before = list(Answer.objects.values_list("pk", "version"))
    fail_a_save(page, world)
    assert page.get_by_text("Nothing was saved").first.is_visible()
    assert list(Answer.objects.values_list("pk", "version")) == before

    # The script moved focus to the summary, which is announced (role=alert) and named.
    assert active(page, "el.id") == "error-summary"
    assert page.get_by_role("alert").filter(has_text="answers to correct").is_visible()
    targets = assert_errors_linked(page)
    assert len(targets) >= 2

    # A summary link takes keyboard focus to its field.
    page.locator(".error-summary a").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("id => document.activeElement.id === id", arg=targets[0])


def test_failed_save_without_javascript_puts_the_summary_first(nojs_page, world):
    page = nojs_page
    login(page, "alice")
    fail_a_save(page, world)
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    # Before every answer in reading order, so it is the first thing after the heading.
    first_fieldset = page.locator("fieldset.criterion").first
    assert summary.evaluate(
        "(s, f) => !!(s.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING)",
        first_fieldset.element_handle(),
    )
    assert_errors_linked(page)
    page.locator(".error-summary a").first.click()
    assert re.search(r"#id_a\d+-", page.url)


def refuse_deployment_form(page) -> None:
    page.goto("/deployments/new/")
    page.get_by_label("Vendor").fill("Face vendor")
    page.get_by_label("Contract value (USD)").fill("-5")
    page.get_by_role("button", name="Create deployment").click()
    expect(page.locator("#id_name[aria-invalid='true']")).to_be_visible()


def test_refused_deployment_form_focuses_a_summary_linking_every_field(page, alice):
    login(page, "alice")
    refuse_deployment_form(page)
    assert active(page, "el.id") == "error-summary"
    targets = assert_errors_linked(page)
    assert targets == ["id_name", "id_operator", "id_contract_value"]
    page.locator(".error-summary a").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'id_name'")
    assert_visible_focus(page)


def test_refused_deployment_form_without_javascript_lists_errors_first(nojs_page, alice):
    page = nojs_page
    login(page, "alice")
    refuse_deployment_form(page)
    assert active(page, "el.id") != "error-summary"  # no script moved focus
    summary = page.locator(".error-summary")
    assert summary.evaluate(
        "(s, f) => !!(s.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING)",
        page.locator("#id_name").element_handle(),
    )
    assert assert_errors_linked(page) == ["id_name", "id_operator", "id_contract_value"]


def test_focused_fields_are_never_hidden_under_the_sticky_save_bar(page, world):
    login(page, "alice")
    page.set_viewport_size({"width": 1280, "height": 720})
    # Bootstrap scrolls smoothly otherwise: measure where focus ends up, not mid-animation.
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"/assessments/{world.assessment.pk}/categories/C1/")
    hidden = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if active(page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Save'"):
            break
        covered = active(
            page,
            """(() => {
                const r = el.getBoundingClientRect();
                if (!r.width || !r.height) return false;
                const x = r.left + r.width / 2, y = r.top + r.height / 2;
                if (y < 0 || y > innerHeight) return 'off-screen';
                const hit = document.elementFromPoint(x, y);
                return !!hit && hit !== el && !el.contains(hit) && !hit.contains(el)
                    && !(el.labels && [...el.labels].some(l => l.contains(hit)));
            })()""",
        )
        if covered:
            hidden.append((active(page, "el.id || el.textContent.trim()"), covered))
    assert hidden == []
