"""A review note's round trip in the browser: the approver raises one on a criterion, approval
is refused while it is open, the reviewer finds it under My work and answers it, the approver
clears it and approves."""

import re

from playwright.sync_api import expect

from safeguards.reviews.models import AssessmentStatus
from safeguards.team.models import NoteWaiting, ReviewNote
from tests.reports.builders import answered_assessment

from .axe import serious_violations
from .conftest import login, logout

APPROVE = "Approve and freeze the report"


def test_an_open_note_blocks_approval_until_its_author_clears_it(
    page, office, alice, bob, screenshot
):
    assessment = answered_assessment(office, alice, slug="notes-e2e")

    # The approver reads C1 and raises a note on C1-2.
    login(page, "bob")
    page.goto(f"/assessments/{assessment.pk}/categories/C1/")
    page.get_by_role("link", name="Raise a note on C1-2").click()
    expect(page.get_by_label("Criterion")).to_have_value(
        str(assessment.answers.get(criterion__code="C1-2").pk)
    )
    page.get_by_role("textbox", name="Note", exact=True).fill(
        "Which clause of the contract makes this binding?"
    )
    page.get_by_role("button", name="Raise note").click()
    expect(page.get_by_text("Note raised on C1-2.")).to_be_visible()

    # Approval is refused while the note is open, and says why.
    page.goto(assessment.get_absolute_url())
    page.get_by_role("link", name=APPROVE).click()
    expect(
        page.get_by_text(re.compile(r"Not approved: .*1 review note still open \(C1-2\)"))
    ).to_be_visible()
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.IN_REVIEW
    logout(page)

    # The reviewer finds it under My work and answers it.
    login(page, "alice")
    my_work = page.get_by_role("region", name="My work")
    expect(my_work.get_by_role("heading", name="Review notes waiting for me (1)")).to_be_visible()
    screenshot(page, "my-work-note-to-answer")
    assert serious_violations(page) == []
    my_work.get_by_role("link", name="Answer the note on C1-2").click()
    page.get_by_label("Reply to this note").fill("Clause 4.2 of the task order; see the SOW.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_text("Reply added.")).to_be_visible()
    expect(page.get_by_text("Waiting to be cleared")).to_be_visible()
    # Only the note's author clears it.
    expect(page.get_by_role("button", name="Clear note on C1-2")).to_have_count(0)
    logout(page)

    # The approver sees the answer waiting for clearing, clears it, and approves.
    login(page, "bob")
    my_work = page.get_by_role("region", name="My work")
    expect(my_work.get_by_text("1 open note block approval")).to_be_visible()
    my_work.get_by_role("link", name="Clear your note on C1-2").click()
    expect(page.get_by_text("Clause 4.2 of the task order; see the SOW.")).to_be_visible()
    page.get_by_role("button", name="Clear note on C1-2").click()
    expect(page.get_by_text("Note cleared.")).to_be_visible()
    note = ReviewNote.objects.get(assessment=assessment)
    assert note.waiting == NoteWaiting.CLEARED and note.cleared_by == bob

    page.goto(assessment.get_absolute_url())
    page.get_by_role("link", name=APPROVE).click()
    page.get_by_label("I have reviewed").check()
    page.get_by_role("button", name=APPROVE).click()
    expect(page.get_by_text("Approved. The report is frozen as a new version.")).to_be_visible()
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.APPROVED
    screenshot(page, "review-note-approved")
