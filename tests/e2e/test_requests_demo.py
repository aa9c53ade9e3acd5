"""Issue 16's "Done when" on the CBP demo of `make run` (load_frameworks, setup_demo): the
reviewer sends the approved assessment's 45 questions to a respondent; the respondent answers
some with files and leaves the others; the due date passes (mark_overdue_requests, clock set
to the day after); the reviewer re-scores the re-assessment from the answers; the draft goes
out for comment; the respondent concurs with some recommendations and not others; the
approved report (PDF text) prints the non-responses and the agency's comments with the
office's replies — and no page the respondent saw held a score, verdict, status or rationale."""

import datetime
import io
import json
import re
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from safeguards import scoring
from safeguards.followup.models import InformationRequest, Recommendation
from safeguards.reviews import workflow
from safeguards.reviews.models import Answer, Assessment

from .conftest import login, logout

PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
ANSWERED = 4  # questions the respondent answers (each with a file); the other 41 stay silent
POSITIONS = [
    ("concur", "We concur: the policy will be published by June 2027."),
    ("non_concur", "We do not concur: the programme is exempt under §7(b)."),
    ("partially_concur", "We concur in part; see our letter of 2027-03-10."),
]
REPLIES = [
    "We will check publication in June.",
    "The exemption does not cover retention; the recommendation stands.",
    "We note the partial concurrence.",
]


@pytest.fixture
def demo(settings, tmp_path, transactional_db):
    """The demo exactly as `make run` loads it; the re-assessment returned to its reviewer,
    who is to re-score it from the operator's answers."""
    settings.DATA_DIR = tmp_path
    for command in ("load_frameworks", "setup_demo"):
        call_command(command, stdout=io.StringIO())
    passwords = json.loads((tmp_path / "demo-passwords.json").read_text())
    approved = Assessment.objects.get(status="approved")
    again = Assessment.objects.get(based_on=approved)
    approver = approved.steps.get(kind="approved").user
    workflow.return_to_draft(again, approver, "Re-score from the operator's answers.")
    return approved, again, passwords


def never_scoring(assessments) -> list[str]:
    """What a respondent's page must never hold: the office's scores, verdicts, statuses and
    rationales (every rationale of both assessments, by its opening words)."""
    never = ["Overall score", "Verdict", "Red-line breaches", "Disclosure rate"]
    never += ["Not met", "Partially met", *scoring.VERDICT_LABELS.values()]
    for rationale in Answer.objects.filter(assessment__in=assessments).values_list(
        "rationale", flat=True
    ):
        if len(rationale) > 30:
            never.append(rationale[:50])
    return never


def assert_nothing_of_the_scoring(page, never, seen):
    html = page.content()
    for text in never:
        assert text not in html, f"{text!r} on {page.url}"
    seen.append(page.url)


def test_the_cbp_demo_request_journey(page, new_page, demo, tmp_path, screenshot):
    approved, again, passwords = demo
    never = never_scoring([approved, again])
    seen = []

    # The reviewer makes the request from all 45 undisclosed criteria and sends it.
    login(page, "demo-reviewer", passwords["demo-reviewer"])
    page.goto(approved.get_absolute_url())
    page.get_by_role("link", name="Ask the operator (information request)").click()
    page.get_by_label("Recipient's name").fill("Pat Doe")
    page.get_by_label("Due date").fill("2027-03-03")
    page.get_by_role("button", name="Make the request").click()
    expect(page.get_by_text("made with 45 questions")).to_be_visible()
    req = InformationRequest.objects.get()
    page.get_by_label("Username").fill("pat")
    page.get_by_label("Full name").fill("Pat Doe")
    page.get_by_role("button", name="Invite").click()
    link = page.get_by_label("Set-password link").input_value()
    page.goto(req.get_absolute_url())
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text(f"{req.number} sent on")).to_be_visible()
    req.refresh_from_db()

    # The respondent sets a password, answers four questions with a file each, leaves the
    # other 41, and submits.
    respondent = new_page()
    respondent.goto(link)
    respondent.locator("#id_new_password1").fill("a long new passphrase 42")
    respondent.locator("#id_new_password2").fill("a long new passphrase 42")
    respondent.get_by_role("button", name="Set password").click()
    respondent.wait_for_url("**/set-password/done/")
    login(respondent, "pat", "a long new passphrase 42")
    assert_nothing_of_the_scoring(respondent, never, seen)
    respondent.get_by_role("link", name=req.number).click()
    assert_nothing_of_the_scoring(respondent, never, seen)
    answered = list(req.questions.exclude(n=None).order_by("n")[:ANSWERED])
    for question in answered:
        upload = tmp_path / f"answer-{question.n}.pdf"
        upload.write_bytes(PDF_BYTES)
        card = respondent.locator(f"#q{question.pk}-heading").locator("xpath=../..")
        card.get_by_label("Your answer").fill(f"On {question.criterion_code}: see the attached.")
        card.get_by_label("Attach a file").set_input_files(str(upload))
        card.get_by_role("button", name=f"Save the answer to {question.number}").click()
        expect(
            respondent.get_by_text(f"Your answer to {question.number} is saved.")
        ).to_be_visible()
        assert_nothing_of_the_scoring(respondent, never, seen)
    respondent.get_by_role("button", name=re.compile("Submit your answers")).click()
    expect(respondent.get_by_text(f"Submitted: {ANSWERED} answers")).to_be_visible()
    assert_nothing_of_the_scoring(respondent, never, seen)
    screenshot(respondent, "demo-respondent-request")

    # The due date passes: the daily command, its clock set to the day after.
    after = datetime.datetime(2027, 3, 4, 12, tzinfo=datetime.UTC)
    out = io.StringIO()
    with mock.patch("django.utils.timezone.now", return_value=after):
        call_command("mark_overdue_requests", stdout=out)
    assert f"{45 - ANSWERED} questions marked no response" in out.getvalue()

    # The reviewer sees what came back, and re-scores the answered criteria from it: each
    # links to its question on the scoring page.
    page.goto(req.get_absolute_url())
    expect(
        page.get_by_text(f"{ANSWERED} answered · 0 pending · 0 overdue · 41 no response")
    ).to_be_visible()
    page.goto(again.get_absolute_url())
    expect(page.get_by_role("heading", name="Asked of the operator")).to_be_visible()
    first = answered[0]
    category = again.answers.get(criterion__code=first.criterion_code).criterion.category.code
    page.goto(reverse("reviews:assessment_category", args=[again.pk, category]))
    for question in answered:
        criterion = page.locator(f"#criterion-{question.criterion_code}")
        if not criterion.count():
            continue
        expect(criterion.locator(".criterion-asked")).to_contain_text(
            f"in {question.number} on {req.sent_on:%Y-%m-%d}, due 2027-03-03: answered."
        )
        criterion.get_by_label("Met", exact=True).check()
        criterion.get_by_label("Rationale").fill(
            f"The agency's answer to {question.number} and its attached policy show it."
        )
    page.get_by_role("button", name="Save", exact=True).click()
    rescored = Answer.objects.get(assessment=again, criterion__code=first.criterion_code)
    assert rescored.status == "met" and first.number in rescored.rationale
    assert rescored.evidence.filter(kind="file").exists()
    silent = req.questions.exclude(n=None).order_by("n")[ANSWERED]
    silent_category = again.answers.get(
        criterion__code=silent.criterion_code
    ).criterion.category.code
    page.goto(reverse("reviews:assessment_category", args=[again.pk, silent_category]))
    expect(page.locator(f"#criterion-{silent.criterion_code} .criterion-asked")).to_contain_text(
        "due 2027-03-03: no response."
    )

    # The draft goes out for comment.
    page.goto(again.get_absolute_url())
    page.get_by_role("button", name="Send the draft for comment").click()
    page.locator("#id_respondent").select_option(label="pat")
    page.get_by_role("button", name="Send the draft").click()
    expect(page.get_by_text("Sent to pat.")).to_be_visible()
    draft_page = page.url

    # The respondent reads the cut-down copy, concurs with one recommendation, not with
    # another, partly with a third, and submits.
    respondent.goto(reverse("respond:requests"))
    respondent.get_by_role("link", name=re.compile("Draft report on")).click()
    expect(respondent.get_by_role("heading", name="Findings")).to_be_visible()
    expect(respondent.get_by_role("heading", name="Questions put to you")).to_be_visible()
    assert_nothing_of_the_scoring(respondent, never, seen)
    screenshot(respondent, "demo-respondent-draft")
    positions = respondent.get_by_label(re.compile("Position on the recommendation"))
    comments = respondent.get_by_label("Comment", exact=True)
    for n, (position, text) in enumerate(POSITIONS):
        positions.nth(n).select_option(position)
        comments.nth(n).fill(text)
    respondent.get_by_role("button", name="Save your comments").click()
    assert_nothing_of_the_scoring(respondent, never, seen)
    respondent.get_by_role("button", name=re.compile("Submit your comments")).click()
    expect(respondent.get_by_text("Your comments were sent")).to_be_visible()
    assert_nothing_of_the_scoring(respondent, never, seen)

    # The office replies; the reviewer submits; the approver approves.
    page.goto(draft_page)
    replies = page.get_by_label("Our response", exact=True)
    for n, text in enumerate(REPLIES):
        replies.nth(n).fill(text)
    page.get_by_role("button", name="Save comments and responses").click()
    expect(page.get_by_text("Comments and responses saved.")).to_be_visible()
    page.goto(again.get_absolute_url())
    page.get_by_role("button", name="Submit for review").click()
    logout(page)
    login(page, "demo-approver", passwords["demo-approver"])
    page.goto(again.get_absolute_url())
    page.get_by_role("link", name="Approve and freeze the report").click()
    page.get_by_label("I have reviewed").check()
    page.get_by_role("button", name="Approve and freeze the report").click()
    expect(page.get_by_text("Approved. The report is frozen as a new version.")).to_be_visible(
        timeout=120_000
    )
    responses = set(
        Recommendation.objects.filter(deployment=again.deployment).values_list(
            "agency_response", flat=True
        )
    )
    assert {"concur", "non_concur", "partially_concur"} <= responses

    # The approved report prints the non-responses and the comments with the office's replies.
    pdf = page.request.get(reverse("reports:pdf", args=[again.pk]))
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages).split()
    )
    assert f"requested {req.sent_on:%Y-%m-%d} from Pat Doe" in text
    assert "due 2027-03-03: no response" in text
    assert "Agency comments and our response" in text
    for verbatim in [comment for _, comment in POSITIONS] + REPLIES:
        assert verbatim in text, verbatim
    # Every page the respondent saw was checked: the list, the request after each save and
    # the submission, the draft's copy before and after saving and after submitting.
    assert len(seen) == 2 + ANSWERED + 1 + 3
