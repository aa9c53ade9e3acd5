"""The whole journey as people do it, in a real browser: describe, score, submit, approve,
download, verify, and read as a viewer who can change nothing."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect
from pypdf import PdfReader

from safeguards.catalog.models import FrameworkVersion
from safeguards.reviews.models import Answer, Assessment, AssessmentStatus, Deployment

from .axe import serious_violations
from .conftest import login, logout, post_as_page

# Every criterion is met except these: two gaps, no red line among them.
PARTIAL_CODE = "RET-2"
UNDISCLOSED_CODE = "SHARE-1"
EVIDENCE_TITLE = "CBP contract award notice"


@pytest.fixture
def frameworks(transactional_db):
    call_command("load_frameworks", verbosity=0, stdout=io.StringIO())


def verdict_on(page) -> str:
    return page.locator("dt:text-is('Verdict') + dd").inner_text().strip()


def fill_category(page, evidence_title: str) -> list[str]:
    """Answer every criterion on the open category page; returns the codes answered."""
    codes = []
    for fieldset in page.locator("fieldset.criterion").all():
        code = fieldset.get_attribute("id").removeprefix("criterion-")
        status = {PARTIAL_CODE: "Partially met", UNDISCLOSED_CODE: "Undisclosed"}.get(code, "Met")
        fieldset.get_by_role("radio", name=status, exact=True).check()
        fieldset.get_by_label("Rationale").fill(f"{code}: the contract notice says so (p. 4).")
        if status != "Met":
            fieldset.get_by_label("Recommendation").fill(f"Publish the rule behind {code}.")
        linked = fieldset.get_by_role("checkbox", name=evidence_title, exact=True)
        if not linked.count():
            # The picker: one dialog for the page, filtered to the item, ticked, linked.
            fieldset.get_by_role("button", name=f"Link evidence to {code}").click()
            dialog = page.get_by_role("dialog", name=f"Link evidence to {code}")
            dialog.get_by_label("Filter by title, citation or kind").fill(evidence_title)
            dialog.get_by_role("checkbox", name=evidence_title, exact=True).check()
            dialog.get_by_role("button", name="Link selected").click()
        expect(linked).to_be_checked()
        codes.append(code)
    return codes


def readme_shot(page, screenshot, name, top_selector):
    """A screen-sized picture from `top_selector` down, as a person sees it (for the README)."""
    size = page.viewport_size
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.locator(top_selector).evaluate("el => window.scrollTo(0, el.offsetTop - 12)")
    screenshot(page, name, full_page=False)
    page.set_viewport_size(size)


def test_reviewer_to_approver_to_viewer(
    page, new_page, alice, bob, victor, frameworks, screenshot, tmp_path
):
    # The reviewer describes the deployment.
    login(page, "alice")
    page.get_by_role("link", name="Deployments").first.click()
    page.get_by_role("link", name="New deployment").click()
    page.get_by_label("Name").fill("CBP face search")
    page.get_by_label("Operator or agency").fill("U.S. Customs and Border Protection")
    page.get_by_label("Vendor").fill("Clearview AI")
    page.get_by_label("Technology").fill("Face recognition search over scraped web images")
    page.get_by_label("Stated purposes").fill("Tactical targeting; counter-network analysis.")
    screenshot(page, "deployment-form")
    page.get_by_role("button", name="Create deployment").click()
    expect(page.get_by_role("heading", name="CBP face search", level=1)).to_be_visible()
    expect(page.get_by_text("Deployment “CBP face search” created.")).to_be_visible()
    screenshot(page, "deployment-detail")

    # ... starts an assessment against the shipped framework ...
    page.get_by_role("link", name="Start an assessment").first.click()
    version = FrameworkVersion.objects.get(framework__slug="fr-deployment-safeguards", version=1)
    page.get_by_label("Framework version").select_option(value=str(version.pk))
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.get_by_text("Assessment started")).to_be_visible()
    assessment = Assessment.objects.get()
    assert page.url.endswith(assessment.get_absolute_url())
    # Nothing assessed yet: provisional, no verdict claimed.
    expect(page.get_by_role("heading", name="Provisional — 0 of 54 assessed")).to_be_visible()
    assert page.locator("dt:text-is('Verdict')").count() == 0

    # ... and cannot submit it yet: the page says what is missing.
    page.get_by_role("button", name="Submit for review").click()
    refusal = page.locator(".messages .alert-danger")
    assert "Not submitted" in refusal.inner_text()
    assert "not assessed yet" in refusal.inner_text()
    blockers = page.locator("ul.blockers li")
    assert blockers.count() == assessment.answers.count() == 54
    screenshot(page, "assessment-overview-draft")

    # The first category: add evidence with a file, linked to its first criterion.
    page.get_by_role("link", name=re.compile(r"^AUTH ")).first.click()
    page.get_by_role("button", name=re.compile("^Save and add evidence for AUTH-1")).click()
    page.get_by_label("Title").fill(EVIDENCE_TITLE)
    page.get_by_label("Kind").select_option(label="Document")
    page.get_by_label("Citation").fill("p. 4, section C.2")
    upload = tmp_path / "award-notice.txt"
    upload.write_text("Award notice: one year of access to the face search service.\n")
    page.get_by_label("File").set_input_files(str(upload))
    screenshot(page, "evidence-form")
    page.get_by_role("button", name="Add evidence").click()
    expect(page.get_by_text(f"Evidence “{EVIDENCE_TITLE}” added.")).to_be_visible()
    expect(page.get_by_text("Linked to AUTH-1")).to_be_visible()

    # Every category, page by page, with "Save and next category".
    answered = []
    for _ in range(30):
        codes = fill_category(page, EVIDENCE_TITLE)
        if not answered:
            screenshot(page, "category-form")
            readme_shot(page, screenshot, "readme-category", "nav[aria-label=Breadcrumb]")
        answered += codes
        save = page.get_by_role(
            "button", name=re.compile("^Save and (next category|return to the overview)")
        )
        last = "return to the overview" in save.inner_text()
        with page.expect_navigation():
            save.click()
        expect(page.get_by_text(re.compile(r"^Saved \d+ changed answer"))).to_be_visible()
        if last:
            break
    assert len(answered) == 54
    assert page.url.endswith(assessment.get_absolute_url())

    # The live verdict has changed with the answers.
    assert verdict_on(page) == "Adequate"
    expect(
        page.get_by_text("Nothing: every criterion has a status and a rationale.")
    ).to_be_visible()
    screenshot(page, "assessment-overview-complete")
    readme_shot(page, screenshot, "readme-overview", "nav[aria-label=Breadcrumb]")

    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Submitted for review.")).to_be_visible()
    assert page.get_by_role("button", name="Submit for review").count() == 0
    logout(page)

    # The approver signs it off.
    login(page, "bob")
    page.get_by_role("link", name="Assessments").first.click()
    page.get_by_role("link", name=assessment.title).click()
    page.get_by_role("link", name="Approve and freeze the report").click()
    # Approving needs the confirmation: the button alone is refused by the field.
    page.get_by_role("button", name="Approve and freeze the report").click()
    expect(page.get_by_text("Tick the statement to confirm it").first).to_be_visible()
    page.get_by_role("checkbox").check()
    page.get_by_label("Note for the record (optional)").fill("Reviewed in full.")
    page.get_by_role("button", name="Approve and freeze the report").click()
    expect(page.get_by_text("Approved. The report is frozen as a new version.")).to_be_visible()
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.APPROVED

    # The report: its PDF downloads and says what the overview said.
    page.get_by_role("link", name="Report", exact=True).click()
    expect(page.get_by_text("Showing approved version 1")).to_be_visible()
    screenshot(page, "report")
    assert serious_violations(page) == []
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    pdf_path = tmp_path / "report.pdf"
    download_info.value.save_as(pdf_path)
    text = "\n".join(p.extract_text() for p in PdfReader(pdf_path).pages)
    assert "Adequate" in text
    assert PARTIAL_CODE in text and UNDISCLOSED_CODE in text
    assert "CBP face search" in text

    # Anyone with the file can check it on the verification page.
    page.get_by_role("link", name="Verify a report").first.click()
    page.get_by_label("Report file (PDF or JSON)").set_input_files(str(pdf_path))
    page.get_by_role("button", name="Check file").click()
    outcome = page.get_by_role("status").filter(has_text="Intact")
    assert outcome.get_by_role("heading").inner_text().startswith("Intact")
    screenshot(page, "verify-intact")
    assert serious_violations(page) == []
    logout(page)

    # The viewer reads everything and finds no control to change anything.
    viewer = new_page()
    login(viewer, "victor")
    viewer.goto(assessment.get_absolute_url())
    assert verdict_on(viewer) == "Adequate"
    main = viewer.locator("main")
    assert main.locator("form").count() == 0
    assert main.get_by_role("button").count() == 0
    viewer.get_by_role("link", name=re.compile(r"^AUTH ")).first.click()
    assert viewer.locator("main form, main textarea, main input").count() == 0
    expect(viewer.get_by_text("its answers are read-only")).to_be_visible()
    deployment = Deployment.objects.get()
    viewer.goto(deployment.get_absolute_url())
    for name in ("Edit", "Start an assessment", "Add evidence", "Add the first source"):
        assert viewer.get_by_role("link", name=name).count() == 0, name
    viewer.goto(f"/deployments/{deployment.pk}/evidence/")
    expect(viewer.get_by_role("link", name=EVIDENCE_TITLE)).to_be_visible()
    assert viewer.get_by_role("link", name="Add evidence").count() == 0
    viewer.goto("/deployments/")
    assert viewer.get_by_role("link", name="New deployment").count() == 0
    screenshot(viewer, "viewer-deployment-list")

    # A crafted POST is refused by the server, not only hidden.
    before = list(Answer.objects.values_list("pk", "status", "version"))
    for url in (
        f"/assessments/{assessment.pk}/reopen/",
        f"/assessments/{assessment.pk}/categories/AUTH/",
        "/deployments/new/",
        f"/deployments/{deployment.pk}/edit/",
    ):
        response = post_as_page(viewer, url, {"comment": "viewer was here", "name": "x"})
        assert response.status == 403, url
    assert list(Answer.objects.values_list("pk", "status", "version")) == before
    assert Deployment.objects.count() == 1
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.APPROVED
