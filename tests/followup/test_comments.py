"""Draft for comment: frozen, sent, commented verbatim with positions, replied to; the
positions set the recommendations' agency responses; the approved report prints the appendix
"Agency comments and our response" (PDF text, Word, HTML, JSON)."""

import datetime
import io
import json

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from safeguards.followup import comments
from safeguards.followup.models import DraftForComment, Recommendation
from safeguards.reports.pdf import render_pdf
from safeguards.reports.word import render_docx
from tests.conftest import make_member
from tests.reports.builders import answered_assessment

from .conftest import approve

OVERALL = "The Department appreciates the review.\nWe disagree in part — see below."
CONCUR = "We concur: a retention schedule will be published by 2027-06-30."
NON_CONCUR = "We do not concur; the « tactical » programme is exempt under §7(b)."


@pytest.fixture
def in_review(office, alice):
    return answered_assessment(office, alice, slug="comments-framework")


@pytest.fixture
def respondent(office):
    return make_member(office, "pat", "respondent")


@pytest.fixture
def sent(in_review, alice, respondent):
    draft = comments.freeze(in_review, alice)
    comments.send(draft, alice, respondent)
    return draft


def respondent_client(user):
    client = Client()
    client.force_login(user)
    return client


def comment_form(draft, positions: dict[str, tuple[str, str]]) -> dict:
    data = {"overall": OVERALL}
    for c in draft.comments.all():
        position, text = positions.get(c.criterion_code, ("", ""))
        data[f"c{c.pk}-position"] = position
        data[f"c{c.pk}-comment"] = text
    return data


def test_freezing_keeps_the_draft_and_one_slot_per_recommended_gap(sent, in_review):
    data = comments.data_of(sent)
    assert data["fingerprint"] == sent.fingerprint and data["status"] == "draft"
    codes = list(sent.comments.values_list("criterion_code", flat=True))
    assert codes and set(codes) <= set(data["summary"]["gaps"])


def test_the_respondent_comments_and_the_approved_report_prints_them_verbatim(
    sent, in_review, alice, bob, respondent
):
    first, second, *_ = sent.comments.all()
    client = respondent_client(respondent)
    page = client.get(reverse("respond:draft", args=[sent.pk])).content.decode()
    assert first.recommendation_text in page
    for word in ("score", "verdict", "rationale"):
        assert word not in page.lower()
    form = comment_form(
        sent,
        {
            first.criterion_code: ("concur", CONCUR),
            second.criterion_code: ("non_concur", NON_CONCUR),
        },
    )
    assert client.post(reverse("respond:draft_save", args=[sent.pk]), form).status_code == 302
    assert client.post(reverse("respond:draft_submit", args=[sent.pk])).status_code == 302
    # The office replies to each.
    office = respondent_client(alice)
    reply = form | {
        "overall_reply": "We welcome the comments.",
        "received_on": datetime.date.today().isoformat(),
        f"c{first.pk}-reply": "We will follow up on the date.",
        f"c{second.pk}-reply": "The exemption does not cover retention.",
    }
    assert office.post(reverse("followup:draft_record", args=[sent.pk]), reply).status_code == 302
    approve(in_review, bob)
    recs = {
        r.criterion_code: r for r in Recommendation.objects.filter(deployment=in_review.deployment)
    }
    assert recs[first.criterion_code].agency_response == "concur"
    assert recs[first.criterion_code].agency_response_text == CONCUR
    assert recs[second.criterion_code].agency_response == "non_concur"
    data = json.loads(in_review.report_versions.get().canonical_json)
    block = data["agency_comments"]
    assert block["overall"] == {"comment": OVERALL, "reply": "We welcome the comments."}
    by_code = {c["criterion"]: c for c in block["recommendations"]}
    assert by_code[second.criterion_code]["comment"] == NON_CONCUR
    assert by_code[second.criterion_code]["number"] == recs[second.criterion_code].number
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(data))).pages)
    flat = " ".join(text.split())
    assert "Agency comments and our response" in flat
    for verbatim in (CONCUR, NON_CONCUR, "The Department appreciates the review."):
        assert verbatim in flat
    assert "The exemption does not cover retention." in flat
    document = Document(io.BytesIO(render_docx(data)))
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    assert OVERALL in paragraphs and NON_CONCUR in paragraphs and CONCUR in paragraphs
    html = respondent_client(alice).get(reverse("reports:assessment_report", args=[in_review.pk]))
    assert NON_CONCUR in html.content.decode()


def test_submitted_comments_can_no_longer_change(sent, respondent):
    client = respondent_client(respondent)
    client.post(reverse("respond:draft_submit", args=[sent.pk]))
    client.post(reverse("respond:draft_save", args=[sent.pk]), comment_form(sent, {}))
    assert DraftForComment.objects.get(pk=sent.pk).overall_comment == ""


def test_a_draft_not_sent_to_them_is_not_found(in_review, alice, respondent, office):
    unsent = comments.freeze(in_review, alice)
    other = make_member(office, "quinn", "respondent")
    elsewhere = comments.freeze(in_review, alice)
    comments.send(elsewhere, alice, other)
    client = respondent_client(respondent)
    for draft in (unsent, elsewhere):
        assert client.get(reverse("respond:draft", args=[draft.pk])).status_code == 404


def test_office_exports_the_frozen_draft_pdf(sent, alice):
    response = respondent_client(alice).get(reverse("followup:draft_pdf", args=[sent.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_respondent_reads_a_cut_down_copy_with_their_questions(
    in_review, alice, respondent, office
):
    from safeguards.followup import requests
    from safeguards.reviews.models import Assessment

    Assessment.objects.filter(pk=in_review.pk).update(
        executive_summary="We read the contract and met the programme office twice."
    )
    theirs, others = (
        requests.create(
            in_review,
            alice,
            recipient={"name": name, "organisation": "Border agency", "email": ""},
            due_on=datetime.date(2027, 3, 3),
            covering_letter="Please answer.",
        )
        for name in ("Pat", "Quinn")
    )
    requests.add_question(theirs, alice, "Who may search the gallery?")
    requests.add_question(others, alice, "QUINN-ONLY question?")
    theirs.respondent = respondent
    theirs.save(update_fields=["respondent"])
    for req in (theirs, others):
        requests.send(req, alice)
    draft = comments.freeze(in_review, alice)
    comments.send(draft, alice, respondent)
    html = respondent_client(respondent).get(reverse("respond:draft", args=[draft.pk])).text
    assert "We read the contract and met the programme office twice." in html
    data = comments.data_of(draft)
    titles = {row["code"]: row["title"] for row in data["criteria"]}
    for code in data["summary"]["gaps"]:
        assert f'<span class="code">{code}</span> {titles[code]}' in html
    question = theirs.questions.get(text="Who may search the gallery?")
    assert question.number in html and "Pending" in html
    assert "QUINN-ONLY" not in html and others.number not in html
