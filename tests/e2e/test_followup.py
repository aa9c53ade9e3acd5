"""A year of follow-up in the browser: approval with a decision, the agency's response, a
re-assessment that proposes closure, closing on evidence, compare and portfolio."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from safeguards.followup.models import Recommendation
from safeguards.reviews import workflow
from safeguards.reviews.models import Answer
from tests.reports.builders import answered_assessment

from .axe import serious_violations
from .conftest import login, logout


def test_recommendations_from_approval_to_closure(page, office, alice, bob, screenshot):
    assessment = answered_assessment(office, alice, slug="followup-e2e")

    # The approver approves with a condition and a validity of one year.
    login(page, "bob")
    page.goto(assessment.get_absolute_url())
    page.get_by_role("link", name="Approve and freeze the report").click()
    page.get_by_label("I have reviewed").check()
    page.get_by_label("Valid for").select_option("1_year")
    page.get_by_label("Conditions (one per line)").fill("Publish the retention schedule.")
    page.get_by_role("button", name="Approve and freeze the report").click()
    expect(page.get_by_text("Approved. The report is frozen as a new version.")).to_be_visible()
    numbers = list(Recommendation.objects.order_by("serial").values_list("number", flat=True))
    assert len(numbers) == 4  # three gaps and the condition

    # The deployment page shows its register and when it is due again.
    page.goto(assessment.deployment.get_absolute_url())
    expect(page.get_by_text(re.compile(r"Re-assessment due \d{4}-\d\d-\d\d"))).to_be_visible()
    logout(page)

    # The reviewer records the agency's response and resolves one.
    login(page, "alice")
    page.get_by_role("link", name="Follow-up").click()
    expect(page.get_by_role("link", name=numbers[0])).to_be_visible()
    screenshot(page, "followup-register")
    assert serious_violations(page) == []
    page.get_by_role("link", name=numbers[0]).click()
    page.get_by_role("link", name="Record response and action").click()
    page.get_by_label("Agency response", exact=False).first.select_option("concur")
    page.get_by_label("Date of the response").fill("2026-12-15")
    page.get_by_label("Agreed corrective action").fill("Publish the retention schedule.")
    page.get_by_label("Responsible official").fill("Chief Privacy Officer")
    page.get_by_label("Target date").fill("2027-06-30")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(re.compile(r"^Saved \d+ change"))).to_be_visible()
    page.get_by_role("link", name="Resolve").click()
    page.get_by_label("Reason").fill("The agency agreed the action in its letter.")
    page.get_by_role("button", name="Mark as resolved").click()
    expect(page.get_by_text(f"{numbers[0]} is now resolved.")).to_be_visible()
    screenshot(page, "followup-recommendation")
    assert serious_violations(page) == []
    logout(page)

    # A year later a re-assessment scores C1-2 met: closure is proposed.
    later = workflow.start_from(
        assessment,
        assessment.framework_version,
        title="Annual review",
        as_of=timezone.localdate(),
        by=alice,
    ).assessment
    Answer.objects.filter(assessment=later, criterion__code="C1-2").update(
        status="met", rationale="Schedule published."
    )
    workflow.submit(later, alice)

    # The approver approves it (signing runs its own event loop: not from this test's thread),
    # then closes the recommendation, citing the evidence.
    login(page, "bob")
    page.goto(later.get_absolute_url())
    page.get_by_role("link", name="Approve and freeze the report").click()
    page.get_by_label("I have reviewed").check()
    page.get_by_role("button", name="Approve and freeze the report").click()
    expect(page.get_by_text("Approved. The report is frozen as a new version.")).to_be_visible()
    page.goto(Recommendation.objects.get(number=numbers[0]).get_absolute_url())
    expect(page.get_by_text("Closure proposed.")).to_be_visible()
    page.get_by_role("link", name="Close on evidence").click()
    page.get_by_role("radio", name="Implemented", exact=True).check()
    page.get_by_label("Reason").fill("The schedule is published on the agency's site.")
    page.get_by_label(re.compile("Contract statement of work")).check()
    page.get_by_role("button", name="Close on this evidence").click()
    expect(page.get_by_text(f"{numbers[0]} is now closed – implemented.")).to_be_visible()

    # Compare shows what changed; the portfolio shows the deployment.
    page.goto(f"/deployments/{assessment.deployment_id}/compare/")
    page.get_by_label("Only changes").check()
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_role("cell", name="Closed gap")).to_be_visible()
    screenshot(page, "followup-compare")
    assert serious_violations(page) == []
    page.get_by_role("link", name="Follow-up").click()
    page.get_by_role("link", name="Portfolio").click()
    expect(page.get_by_role("link", name=assessment.deployment.name)).to_be_visible()
    screenshot(page, "followup-portfolio")
    assert serious_violations(page) == []
