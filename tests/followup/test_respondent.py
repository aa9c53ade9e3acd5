"""The respondent: invited for one request by a one-time link, answers with text and files,
saves and comes back, submits, then reads only; sees nothing of the office's scoring."""

import datetime
import io
import itertools
import json
from unittest import mock

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from safeguards import scoring
from safeguards.accounts.models import Membership
from safeguards.followup import comments, requests
from safeguards.followup.models import Question
from safeguards.restricted.marks import set_answer_mark
from safeguards.reviews.models import Answer, Assessment, Evidence
from tests.factories import make_assessment, make_deployment, make_framework

PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
RECIPIENT = {"name": "Pat Doe", "organisation": "Border agency", "email": "pat@agency.example"}


@pytest.fixture
def draft(office, alice):
    answers = {"C1-1": "met", "C1-2": "undisclosed", "C2-1": "undisclosed", "C3-3": "partial"}
    return make_assessment(make_deployment(office, alice), make_framework(), alice, answers=answers)


@pytest.fixture
def invited(draft, alice):
    req = requests.create(
        draft,
        alice,
        recipient=RECIPIENT,
        due_on=datetime.date(2027, 3, 3),
        covering_letter="Please answer.",
    )
    invitation = requests.invite_respondent(
        req, alice, username="pat", full_name="Pat Doe", email="pat@agency.example"
    )
    requests.send(req, alice)
    return req, invitation


def test_invitation_makes_a_respondent_with_a_one_time_link(invited, client):
    req, invitation = invited
    assert Membership.objects.get(user=invitation.user).role == "respondent"
    assert req.respondent == invitation.user
    page = client.get(invitation.set_password_path, follow=True)
    assert page.status_code == 200 and b"new_password1" in page.content
    form_url = page.redirect_chain[-1][0]
    new = {"new_password1": "a long new passphrase 42", "new_password2": "a long new passphrase 42"}
    assert client.post(form_url, new).status_code == 302
    # Used once: the same link no longer offers the form.
    again = Client().get(invitation.set_password_path, follow=True)
    assert b"new_password1" not in again.content


def test_invitation_link_expires(invited, settings):
    _, invitation = invited
    later = datetime.datetime.now() + datetime.timedelta(
        seconds=settings.PASSWORD_RESET_TIMEOUT + 60
    )
    with mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=later):
        page = Client().get(invitation.set_password_path, follow=True)
    assert b"new_password1" not in page.content


def test_add_member_makes_a_respondent_who_sees_an_empty_list(office, db):
    call_command("add_member", office.slug, "rory", "respondent", "--create", stdout=io.StringIO())
    membership = Membership.objects.get(user__username="rory")
    assert membership.role == "respondent"
    client = Client()
    client.force_login(membership.user)
    assert client.get("/")["Location"] == reverse("respond:requests")
    page = client.get(reverse("respond:requests"))
    assert b"Nothing has been sent to you yet." in page.content
    assert client.get(reverse("reviews:deployment_list")).status_code == 404
    assert client.get(reverse("followup:register")).status_code == 404


def respondent_client(invited):
    client = Client()
    client.force_login(invited[1].user)
    return client


def test_respondent_saves_comes_back_submits_then_reads_only(invited, draft):
    req, _ = invited
    client = respondent_client(invited)
    q1, q2 = req.questions.all()
    upload = SimpleUploadedFile("policy.pdf", PDF_BYTES, content_type="application/pdf")
    data = {f"q{q1.pk}-text": "Our policy, section 4.", f"q{q1.pk}-upload": upload}
    assert client.post(reverse("respond:answer", args=[q1.pk]), data).status_code == 302
    # Come back later: the answer is still there, not yet given to the office.
    page = client.get(reverse("respond:request", args=[req.pk])).content.decode()
    assert "Our policy, section 4." in page and "policy.pdf" in page
    assert not Evidence.objects.exists()
    assert client.post(reverse("respond:submit", args=[req.pk])).status_code == 302
    q1.refresh_from_db()
    assert q1.answered_on is not None and q1.answer_source == "respondent"
    evidence = Evidence.objects.filter(citation=q1.number)
    assert {e.kind for e in evidence} == {"correspondence", "file"}
    answer = Answer.objects.get(assessment=draft, criterion__code=q1.criterion_code)
    assert set(answer.evidence.all()) == set(evidence)
    # Read-only now.
    refused = client.post(reverse("respond:answer", args=[q2.pk]), {f"q{q2.pk}-text": "Late"})
    assert refused.status_code == 302
    assert Question.objects.get(pk=q2.pk).answer_text == ""
    page = client.get(reverse("respond:request", args=[req.pk])).content.decode()
    assert "Save the answer" not in page and "You submitted your answers" in page


def test_respondent_upload_gets_the_evidence_content_checks(invited):
    req, _ = invited
    client = respondent_client(invited)
    q1 = req.questions.first()
    upload = SimpleUploadedFile(
        "policy.pdf", b"MZ\x90\x00 a program", content_type="application/pdf"
    )
    response = client.post(
        reverse("respond:answer", args=[q1.pk]), {f"q{q1.pk}-text": "x", f"q{q1.pk}-upload": upload}
    )
    assert response.status_code == 400
    assert q1.attachments.count() == 0


def test_an_unsent_request_is_not_shown(draft, alice, invited):
    other = requests.create(
        draft, alice, recipient=RECIPIENT, due_on=datetime.date(2027, 3, 3), covering_letter="x"
    )
    other.respondent = invited[1].user
    other.save()
    client = respondent_client(invited)
    assert client.get(reverse("respond:request", args=[other.pk])).status_code == 404
    assert other.number.encode() not in client.get(reverse("respond:requests")).content


# --- nothing of the office's scoring reaches the respondent -------------------------------

SLUGS = itertools.count()
FORBIDDEN_WORDS = ["score", "verdict", "rationale", *scoring.VERDICT_LABELS.values()]


def respondent_pages(client, req, draft=None) -> list[str]:
    pages = [
        client.get(reverse("respond:requests")),
        client.get(reverse("respond:request", args=[req.pk])),
        client.get(reverse("respond:request_json", args=[req.pk])),
    ]
    if draft is not None:
        pages.append(client.get(reverse("respond:draft", args=[draft.pk])))
    for page in pages:
        assert page.status_code == 200
    return [page.content.decode() for page in pages]


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    statuses=st.lists(
        st.sampled_from(["met", "partial", "not_met", "undisclosed"]), min_size=15, max_size=15
    ),
    drops=st.sets(st.integers(min_value=0, max_value=14)),
    restricted=st.sets(st.integers(min_value=0, max_value=14)),
    submitted=st.booleans(),
    commented=st.booleans(),
)
def test_no_respondent_page_shows_a_score_verdict_rationale_or_unsent_question(
    office, alice, statuses, drops, restricted, submitted, commented
):
    framework = make_framework(slug=f"property-{next(SLUGS)}")
    deployment = make_deployment(office, alice)
    draft = make_assessment(deployment, framework, alice)
    secrets = []
    for index, (answer, status) in enumerate(
        zip(draft.answers.order_by("pk"), statuses, strict=True)
    ):
        marker = f"RATIONALE-MARK-{index}"
        secrets.append(marker)
        recommendation = f"RECOMMENDATION-{index}-END"
        Answer.objects.filter(pk=answer.pk).update(
            status=status, rationale=marker, recommendation=recommendation
        )
        if index in restricted:
            set_answer_mark(answer, "recommendation", "Agency request", by=alice)
            secrets.append(recommendation)
    # An executive summary that states the score and verdict stays out of the operator's copy.
    summary = "EXEC-SUMMARY: overall 61.5 of 100, Significant gaps in retention."
    Assessment.objects.filter(pk=draft.pk).update(executive_summary=summary)
    secrets.append("EXEC-SUMMARY")
    req = requests.create(
        draft, alice, recipient=RECIPIENT, due_on=datetime.date(2027, 3, 3), covering_letter="x"
    )
    for index, question in enumerate(req.questions.all()):
        if index in drops:
            text = f"UNSENT-QUESTION-{index}"
            requests.reword(question, alice, text)
            requests.set_dropped(question, alice, True)
            secrets.append(text)
    requests.add_question(req, alice, "Who may search citizens?")
    invitation = requests.invite_respondent(
        req, alice, username=f"resp{req.pk}", full_name="Pat Doe", email=""
    )
    requests.send(req, alice)
    sent_draft = None
    if commented:
        sent_draft = comments.freeze(draft, alice)
        comments.send(sent_draft, alice, invitation.user)
    client = Client()
    client.force_login(invitation.user)
    if submitted:
        client.post(reverse("respond:submit", args=[req.pk]))
        if sent_draft is not None:
            client.post(reverse("respond:draft_submit", args=[sent_draft.pk]))
    pages = respondent_pages(client, req, sent_draft)
    if sent_draft is not None:
        gaps = [i for i, status in enumerate(statuses) if status != "met"]
        copy = pages[-1]
        for index in gaps:
            shown = f"RECOMMENDATION-{index}-END</blockquote>" in copy
            assert shown == (index not in restricted), index
        withheld = copy.count("withheld from this copy (Agency request)")
        assert withheld == len([i for i in gaps if i in restricted])
        assert "The executive summary is not part of this copy." in copy
    for html in pages:
        lowered = html.lower()
        for secret in secrets:
            assert secret not in html
        for word in FORBIDDEN_WORDS:
            assert word.lower() not in lowered, word
        for status in ("Not met", "Partially met"):
            assert status not in html


def test_the_respondent_letter_pdf_holds_no_unsent_question(invited, alice):
    req, _ = invited
    client = respondent_client(invited)
    response = client.get(reverse("respond:letter_pdf", args=[req.pk]))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert req.questions.first().number in text
    assert "score" not in text.lower() and "verdict" not in text.lower()
    assert json.loads(client.get(reverse("respond:request_json", args=[req.pk])).content)
