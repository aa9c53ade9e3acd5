"""The information-request journey in the browser (issue 16's "Done when", shortened to four
questions): the reviewer sends the questions to a respondent; the respondent answers one with
a file and leaves the others; the due date passes; the reviewer re-scores from the answer; the
draft goes out for comment; the respondent concurs with one recommendation and not another;
the approved report prints the non-responses and the comments with the office's replies — and
the respondent never saw a score."""

import datetime
import io
import re

from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from safeguards.followup import deadlines
from safeguards.followup.models import InformationRequest, Recommendation
from safeguards.reviews.models import Answer
from tests.factories import make_assessment, make_deployment, make_framework

from .axe import serious_violations
from .conftest import login, logout

PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
UNDISCLOSED = ["C1-2", "C1-3", "C2-1", "C2-2"]
CONCUR = "We concur and will publish the schedule by June."
NON_CONCUR = "We do not concur: the programme is exempt."
NEVER_SHOWN = ("score", "verdict", "rationale", "RATIONALE-SECRET")


def scored_draft(office, alice):
    framework = make_framework(slug="requests-e2e", categories=2, per_category=3)
    answers = {code: "met" for code in ("C1-1", "C2-3")} | {
        code: "undisclosed" for code in UNDISCLOSED
    }
    draft = make_assessment(make_deployment(office, alice), framework, alice, answers=answers)
    for answer in draft.answers.select_related("criterion"):
        Answer.objects.filter(pk=answer.pk).update(
            rationale=f"RATIONALE-SECRET about {answer.criterion.code}",
            recommendation=f"Publish the policy on {answer.criterion.code}."
            if answer.criterion.code in UNDISCLOSED
            else "",
        )
    return draft


def assert_nothing_of_the_scoring(page):
    text = page.content().lower()
    for word in NEVER_SHOWN:
        assert word.lower() not in text, f"{word} on {page.url}"


def test_requests_from_questions_to_agency_comments(
    page, new_page, office, alice, bob, tmp_path, screenshot
):
    draft = scored_draft(office, alice)

    # The reviewer makes the request from the assessment's undisclosed criteria, drops one
    # question, invites the respondent and sends it.
    login(page, "alice")
    page.goto(draft.get_absolute_url())
    page.get_by_role("link", name="Ask the operator (information request)").click()
    page.get_by_label("Recipient's name").fill("Pat Doe")
    page.get_by_label("Due date").fill("2027-03-03")
    page.get_by_role("button", name="Make the request").click()
    expect(page.get_by_text("made with 4 questions")).to_be_visible()
    req = InformationRequest.objects.get()
    page.get_by_role("button", name=f"Drop {req.number}-Q4").click()
    page.get_by_label("Username").fill("pat")
    page.get_by_label("Full name").fill("Pat Doe")
    page.get_by_role("button", name="Invite").click()
    link = page.get_by_label("Set-password link").input_value()
    page.goto(req.get_absolute_url())
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text(f"{req.number} sent on")).to_be_visible()
    screenshot(page, "request-sent")
    assert serious_violations(page) == []

    # The respondent chooses a password, answers the first question with a file, leaves the
    # others, and submits.
    respondent = new_page()
    respondent.goto(link)
    respondent.locator("#id_new_password1").fill("a long new passphrase 42")
    respondent.locator("#id_new_password2").fill("a long new passphrase 42")
    respondent.get_by_role("button", name="Set password").click()
    respondent.wait_for_url("**/set-password/done/")
    login(respondent, "pat", "a long new passphrase 42")
    expect(respondent.get_by_role("heading", name="Requests sent to you")).to_be_visible()
    assert_nothing_of_the_scoring(respondent)
    respondent.get_by_role("link", name=req.number).click()
    q1 = req.questions.get(n=1)
    policy = tmp_path / "policy.pdf"
    policy.write_bytes(PDF_BYTES)
    card = respondent.locator(f"#q{q1.pk}-heading").locator("xpath=../..")
    card.get_by_label("Your answer").fill("Section 4 of our retention policy, attached.")
    card.get_by_label("Attach a file").set_input_files(str(policy))
    card.get_by_role("button", name=f"Save the answer to {q1.number}").click()
    expect(respondent.get_by_text(f"Your answer to {q1.number} is saved.")).to_be_visible()
    assert_nothing_of_the_scoring(respondent)
    screenshot(respondent, "respondent-request")
    assert serious_violations(respondent) == []
    respondent.get_by_role("button", name=re.compile("Submit your answers")).click()
    expect(respondent.get_by_text("Submitted: 1 answers")).to_be_visible()
    assert_nothing_of_the_scoring(respondent)

    # The due date passes (the daily command, as of the day after).
    after = datetime.datetime(2027, 3, 4, 12, tzinfo=datetime.UTC)
    assert len(deadlines.run(now=after).no_response) == 2

    # The reviewer sees what came back and re-scores the answered criterion from it.
    page.goto(req.get_absolute_url())
    expect(
        page.get_by_text(re.compile(r"1 answered · 0 pending · 0 overdue · 2 no response"))
    ).to_be_visible()
    page.goto(reverse("reviews:assessment_category", kwargs={"pk": draft.pk, "code": "C1"}))
    criterion = page.locator(f"#criterion-{q1.criterion_code}")
    criterion.get_by_label("Met", exact=True).check()
    criterion.get_by_label("Rationale").fill("The agency's answer cites its retention policy.")
    page.get_by_role("button", name="Save", exact=True).click()
    assert Answer.objects.get(assessment=draft, criterion__code=q1.criterion_code).status == "met"

    # The draft goes out for comment.
    page.goto(draft.get_absolute_url())
    page.get_by_role("button", name="Send the draft for comment").click()
    page.locator("#id_respondent").select_option(label="pat")
    page.get_by_role("button", name="Send the draft").click()
    expect(page.get_by_text("Sent to pat.")).to_be_visible()

    # The respondent concurs with one recommendation and not with another.
    respondent.goto(reverse("respond:requests"))
    respondent.get_by_role("link", name=re.compile("Draft report on")).click()
    assert_nothing_of_the_scoring(respondent)
    positions = respondent.get_by_label(re.compile("Position on the recommendation"))
    comments = respondent.get_by_label("Comment", exact=True)
    positions.nth(0).select_option("concur")
    comments.nth(0).fill(CONCUR)
    positions.nth(1).select_option("non_concur")
    comments.nth(1).fill(NON_CONCUR)
    respondent.get_by_role("button", name="Save your comments").click()
    respondent.get_by_role("button", name=re.compile("Submit your comments")).click()
    expect(respondent.get_by_text("Your comments were sent")).to_be_visible()
    assert_nothing_of_the_scoring(respondent)

    # The office replies, submits; the approver approves.
    page.reload()
    replies = page.get_by_label("Our response", exact=True)
    replies.nth(0).fill("We will check the date.")
    replies.nth(1).fill("The exemption does not cover retention.")
    page.get_by_role("button", name="Save comments and responses").click()
    expect(page.get_by_text("Comments and responses saved.")).to_be_visible()
    page.goto(draft.get_absolute_url())
    page.get_by_role("button", name="Submit for review").click()
    logout(page)
    login(page, "bob")
    page.goto(draft.get_absolute_url())
    page.get_by_role("link", name="Approve and freeze the report").click()
    page.get_by_label("I have reviewed").check()
    page.get_by_role("button", name="Approve and freeze the report").click()
    expect(page.get_by_text("Approved. The report is frozen as a new version.")).to_be_visible()
    responses = set(
        Recommendation.objects.filter(deployment=draft.deployment).values_list(
            "agency_response", flat=True
        )
    )
    assert {"concur", "non_concur"} <= responses

    # The approved report prints the non-responses and the agency's comments with our replies.
    pdf = page.request.get(reverse("reports:pdf", args=[draft.pk]))
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages).split()
    )
    assert "from Pat Doe (Border agency), due 2027-03-03: no response" in text
    assert "Agency comments and our response" in text
    for verbatim in (CONCUR, NON_CONCUR, "The exemption does not cover retention."):
        assert verbatim in text
