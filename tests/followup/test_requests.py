"""Information requests: made from undisclosed criteria, edited, sent, exported, answered by
the office (recorded or imported), answers as evidence."""

import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from safeguards.audit.models import Event
from safeguards.followup import request_file, requests
from safeguards.followup.models import InformationRequest, Question
from safeguards.followup.register import FollowupError
from safeguards.reviews.models import Evidence
from tests.factories import make_assessment, make_deployment, make_framework

UNDISCLOSED = {"C1-1": "met", "C1-3": "undisclosed", "C2-2": "undisclosed", "C3-1": "undisclosed"}
PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def draft(office, alice):
    deployment = make_deployment(office, alice)
    return make_assessment(deployment, make_framework(), alice, answers=UNDISCLOSED)


def make_request(draft, alice, **overrides):
    values = {
        "recipient": {"name": "Pat Doe", "organisation": "Border agency", "email": ""},
        "due_on": datetime.date(2027, 3, 3),
        "covering_letter": "Please answer.\n\nThank you.",
    }
    values.update(overrides)
    return requests.create(draft, alice, **values)


@pytest.fixture
def req(draft, alice):
    return make_request(draft, alice)


@pytest.fixture
def sent(req, alice):
    requests.send(req, alice)
    return req


def numbers(req):
    return [q.number for q in req.questions.exclude(n=None)]


def test_request_has_one_question_per_undisclosed_criterion_numbered(req):
    year = req.year
    assert req.number == f"OIG-IR-{year}-01"
    codes = list(req.questions.values_list("criterion_code", flat=True))
    assert codes == ["C1-3", "C2-2", "C3-1"]
    assert numbers(req) == [f"{req.number}-Q1", f"{req.number}-Q2", f"{req.number}-Q3"]
    assert Event.objects.filter(action="request.created").count() == 1


def test_drop_reword_add_renumber_the_questions(req, alice):
    first, second, third = req.questions.all()
    requests.set_dropped(second, alice, True)
    requests.reword(third, alice, "Where is the retention schedule published?")
    added = requests.add_question(req, alice, "Who may search citizens?")
    kept = list(req.questions.exclude(n=None))
    assert [(q.criterion_code, q.n) for q in kept] == [("C1-3", 1), ("C3-1", 2), ("", 3)]
    assert kept[1].text == "Where is the retention schedule published?"
    assert added.number.endswith("-Q3")
    requests.set_dropped(second, alice, False)
    assert [q.criterion_code for q in req.questions.exclude(n=None)] == ["C1-3", "C2-2", "C3-1", ""]
    actions = set(Event.objects.values_list("action", flat=True))
    assert {"request.question_dropped", "request.question_reworded"} <= actions
    assert {"request.question_added", "request.question_restored"} <= actions


def test_a_sent_request_cannot_change(sent, alice):
    with pytest.raises(FollowupError):
        requests.reword(sent.questions.first(), alice, "Changed")
    with pytest.raises(FollowupError):
        requests.add_question(sent, alice, "One more")
    assert sent.status == "sent" and sent.sent_on is not None


def test_letter_pdf_prints_the_sent_questions_only(req, alice, client_for):
    dropped = req.questions.get(criterion_code="C2-2")
    requests.reword(dropped, alice, "A question we decided not to ask")
    requests.set_dropped(dropped, alice, True)
    response = client_for(alice).get(reverse("followup:request_letter_pdf", args=[req.pk]))
    assert response.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert f"{req.number}-Q2" in text and "Office of Inspector General" in text
    assert "Pat Doe" in text and "2027-03-03" in text
    assert "decided not to ask" not in text


def test_letter_docx_on_the_letterhead(req, alice, client_for, office):
    office.address_line = "245 Murray Lane SW"
    office.save()
    response = client_for(alice).get(reverse("followup:request_letter_docx", args=[req.pk]))
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "245 Murray Lane SW" in text
    assert f"{req.number}-Q3" in text and "Please answer." in text


def offline_file(client, req):
    response = client.get(reverse("followup:request_json", args=[req.pk]))
    assert response.status_code == 200
    return json.loads(response.content)


def test_offline_json_round_trip_records_every_answer(sent, alice, client_for):
    client = client_for(alice)
    doc = offline_file(client, sent)
    assert doc["schema"] == request_file.SCHEMA
    doc["questions"][0]["answer"] = "Section 4 of the policy; attached."
    doc["questions"][2]["answer"] = "Kept 30 days."
    doc["questions"][2]["received_on"] = "2027-02-20"
    upload = SimpleUploadedFile("answers.json", json.dumps(doc).encode())
    response = client.post(reverse("followup:answers_import", args=[sent.pk]), {"file": upload})
    assert response.status_code == 302
    q1, q2, q3 = sent.questions.all()
    assert q1.answer_text.startswith("Section 4") and q1.answer_source == "import"
    assert q2.answered_on is None
    assert q3.answered_on == datetime.date(2027, 2, 20)
    evidence = Evidence.objects.get(citation=q3.number)
    assert evidence.excerpt == "Kept 30 days." and evidence.kind == "correspondence"
    # Linked to the criterion's answer in the draft, so the reviewer can re-score.
    assert evidence.answers.get().criterion.code == "C3-1"


def test_import_is_all_or_nothing_with_errors_by_question_number(sent, alice, client_for):
    client = client_for(alice)
    doc = offline_file(client, sent)
    doc["questions"][0]["answer"] = "Fine."
    doc["questions"][1]["answer"] = 42
    doc["questions"][2]["received_on"] = "last week"
    doc["questions"][2]["answer"] = "Also fine."
    upload = SimpleUploadedFile("answers.json", json.dumps(doc).encode())
    response = client.post(reverse("followup:answers_import", args=[sent.pk]), {"file": upload})
    assert response.status_code == 400
    body = response.content.decode()
    assert f"{sent.number}-Q2: the answer must be text." in body
    assert f"{sent.number}-Q3: received_on" in body
    assert not sent.questions.exclude(answered_on=None).exists()
    assert not Evidence.objects.exists()


def test_import_refuses_another_requests_file(sent, draft, alice):
    other = make_request(draft, alice)
    raw = json.dumps({"schema": request_file.SCHEMA, "request": {"number": other.number}})
    answers, problems = request_file.parse(raw.encode(), sent.number, set(numbers(sent)))
    assert answers == [] and problems == [
        f"The file is for request '{other.number}', not {sent.number}."
    ]


def test_office_records_an_answer_with_a_file_hashed_like_evidence(sent, alice, client_for):
    question = sent.questions.first()
    upload = SimpleUploadedFile("letter.pdf", PDF_BYTES, content_type="application/pdf")
    response = client_for(alice).post(
        reverse("followup:answer_record", args=[question.pk]),
        {"text": "See the enclosed letter.", "received_on": "2027-02-10", "upload": upload},
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.answered_on == datetime.date(2027, 2, 10) and question.answer_source == "office"
    file_evidence = Evidence.objects.get(kind="file")
    assert file_evidence.file_type == "application/pdf" and len(file_evidence.file_sha256) == 64
    assert file_evidence.file.read() == PDF_BYTES
    assert Event.objects.filter(action="request.answer_recorded").exists()


def test_recording_refuses_a_file_that_is_not_what_it_says(sent, alice, client_for):
    question = sent.questions.first()
    upload = SimpleUploadedFile(
        "letter.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    response = client_for(alice).post(
        reverse("followup:answer_record", args=[question.pk]),
        {"text": "x", "received_on": "2027-02-10", "upload": upload},
    )
    assert response.status_code == 200
    assert "upload" in response.context["form"].errors
    assert not Evidence.objects.exists()


def test_request_page_counts_answered_pending_overdue(sent, alice, client_for):
    requests.record_answer(
        sent.questions.first(), alice, text="Yes.", received_on=datetime.date(2027, 2, 1)
    )
    response = client_for(alice).get(sent.get_absolute_url())
    assert response.status_code == 200
    assert "1 answered · 2 pending · 0 overdue · 0 no response" in response.content.decode()


def test_request_form_starts_from_the_assessment(draft, alice, client_for):
    client = client_for(alice)
    url = reverse("followup:request_create", args=[draft.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "recipient_name": "Pat Doe",
            "recipient_organisation": "Border agency",
            "recipient_email": "",
            "due_on": "2027-03-03",
            "covering_letter": "Please answer.",
        },
    )
    req = InformationRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == req.get_absolute_url()
    assert Question.objects.filter(request=req).count() == 3


def test_request_form_shows_errors_by_the_field(draft, alice, client_for):
    response = client_for(alice).post(
        reverse("followup:request_create", args=[draft.pk]), {"recipient_name": "Pat"}
    )
    assert response.status_code == 200
    assert "due_on" in response.context["form"].errors
    assert not InformationRequest.objects.exists()


@pytest.mark.parametrize("undisclosed", [2, 12])
def test_the_request_and_respondent_pages_queries_do_not_grow_with_questions(
    client_for, office, alice, undisclosed, django_assert_num_queries
):
    """Pinned at 2 and 12 answered questions (bench/requests.py measures 5 and 45)."""
    framework = make_framework(slug=f"many-{undisclosed}", categories=3, per_category=5)
    codes = [f"C{c}-{n}" for c in (1, 2, 3) for n in range(1, 6)][:undisclosed]
    draft = make_assessment(
        make_deployment(office, alice),
        framework,
        alice,
        answers=dict.fromkeys(codes, "undisclosed"),
    )
    req = make_request(draft, alice)
    invitation = requests.invite_respondent(req, alice, username="pat", full_name="P", email="")
    requests.send(req, alice)
    for question in req.questions.exclude(n=None):
        requests.record_answer(question, alice, text="Yes.", received_on=datetime.date(2027, 2, 1))
    client = client_for(alice)
    url = reverse("followup:request", args=[req.pk])
    client.get(url)
    # session, user, roles, the request, its questions with their evidence, their files…
    with django_assert_num_queries(REQUEST_PAGE_QUERIES):
        assert client.get(url).status_code == 200
    respondent = client_for(invitation.user)
    mine = reverse("respond:request", args=[req.pk])
    respondent.get(mine)
    with django_assert_num_queries(RESPONDENT_PAGE_QUERIES):
        assert respondent.get(mine).status_code == 200


REQUEST_PAGE_QUERIES = 7
RESPONDENT_PAGE_QUERIES = 6
