"""Every core task with scripts disabled: the app is plain HTML forms, enhanced at most."""

import re

from playwright.sync_api import expect

from safeguards.reviews.models import Assessment, AssessmentStatus
from tests.factories import make_framework

from .conftest import login, logout


def test_core_tasks_work_without_javascript(nojs_page, alice, bob, tmp_path):
    page = nojs_page
    framework_version = make_framework(categories=2, per_category=2)

    login(page, "alice")
    page.goto("/deployments/new/")
    page.get_by_label("Name").fill("Drone video analytics")
    page.get_by_label("Operator or agency").fill("County sheriff")
    page.get_by_role("button", name="Create deployment").click()
    expect(page.get_by_text("Deployment “Drone video analytics” created.")).to_be_visible()

    page.get_by_role("link", name="Start an assessment").first.click()
    page.get_by_label("Framework version").select_option(value=str(framework_version.pk))
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.get_by_text("Assessment started")).to_be_visible()
    assessment = Assessment.objects.get()

    page.get_by_role("link", name=re.compile(r"^C1 ")).first.click()
    for _ in range(5):
        for fieldset in page.locator("fieldset.criterion").all():
            fieldset.get_by_role("radio", name="Met", exact=True).check()
            fieldset.get_by_label("Rationale").fill("Written into the contract, clause 4.")
        save = page.get_by_role(
            "button", name=re.compile("^Save and (next category|return to the overview)")
        )
        last = "overview" in save.inner_text()
        with page.expect_navigation():
            save.click()
        expect(page.get_by_text(re.compile(r"^Saved \d+ changed answer"))).to_be_visible()
        if last:
            break
    expect(page.locator("dt:text-is('Verdict') + dd")).to_have_text("Adequate")

    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Submitted for review.")).to_be_visible()
    logout(page)

    login(page, "bob")
    page.goto(assessment.get_absolute_url())
    page.get_by_role("link", name="Approve and freeze the report").click()
    # Approving needs the confirmation: the button alone is refused by the field.
    page.get_by_role("button", name="Approve and freeze the report").click()
    expect(page.get_by_text("Tick the statement to confirm it").first).to_be_visible()
    page.get_by_role("checkbox").check()
    page.get_by_label("Note for the record (optional)").fill("Reviewed in full.")
    page.get_by_role("button", name="Approve and freeze the report").click()
    expect(page.get_by_text("Approved. The report is frozen")).to_be_visible()
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.APPROVED

    page.get_by_role("link", name="Report", exact=True).click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    path = tmp_path / "report.pdf"
    download_info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF-")

    page.goto("/reports/verify/")
    page.get_by_label("Report file (PDF or JSON)").set_input_files(str(path))
    page.get_by_role("button", name="Check file").click()
    expect(page.get_by_role("heading", name=re.compile("^Intact"))).to_be_visible()
