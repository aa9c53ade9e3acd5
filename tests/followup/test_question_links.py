"""The scoring pages link a criterion to what the operator was asked about it: "no response"
once recorded, or the answer that came back as evidence."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from safeguards.followup import deadlines, requests
from tests.followup.conftest import undisclosed_request

DUE = datetime.date(2027, 3, 3)


@pytest.fixture
def asked(office, alice):
    req = undisclosed_request(office, alice, DUE)
    requests.send(req, alice)
    c2 = req.questions.get(criterion_code="C2-1")
    requests.record_answer(c2, alice, text="We keep logs for 30 days.", received_on=DUE)
    deadlines.run(now=datetime.datetime(2027, 3, 4, 12, tzinfo=ZoneInfo("UTC")))
    req.refresh_from_db()
    return req


def category(client, assessment, code):
    url = reverse("reviews:assessment_category", args=[assessment.pk, code])
    return client.get(url).content.decode()


def test_the_category_page_links_a_no_response_to_its_question(client_for, alice, asked):
    html = category(client_for(alice), asked.assessment, "C1")
    q1 = asked.questions.get(criterion_code="C1-2")
    assert (
        f"Asked of Pat Doe (Border agency) in {q1.number} on {asked.sent_on:%Y-%m-%d}, "
        "due 2027-03-03: no response." in html
    )
    assert f'href="/requests/{asked.pk}/#q{q1.n}"' in html
    # The request page has the anchor the link points to.
    page = client_for(alice).get(reverse("followup:request", args=[asked.pk])).content.decode()
    assert f'id="q{q1.n}"' in page


def test_an_answer_that_became_evidence_links_to_its_question_and_evidence(
    client_for, alice, asked
):
    html = category(client_for(alice), asked.assessment, "C2")
    q2 = asked.questions.get(criterion_code="C2-1")
    assert q2.evidence_id is not None
    assert f"in {q2.number} on {asked.sent_on:%Y-%m-%d}, due 2027-03-03: answered." in html
    assert f"#q{q2.n}" in html and q2.evidence.get_absolute_url() in html


def test_criteria_not_asked_about_carry_no_link(client_for, alice, asked):
    html = category(client_for(alice), asked.assessment, "C1")
    assert html.count('class="criterion-asked') == 1


def test_the_overview_lists_what_was_asked_with_both_links(client_for, bob, asked):
    html = client_for(bob).get(asked.assessment.get_absolute_url()).content.decode()
    assert "Asked of the operator" in html
    q1 = asked.questions.get(criterion_code="C1-2")
    assert "/categories/C1/#criterion-C1-2" in html
    assert f'<a href="/requests/{asked.pk}/#q{q1.n}">{q1.number}</a>' in html
    assert "No response" in html and "Answered" in html


def test_a_draft_request_is_not_shown(client_for, alice, office):
    draft = undisclosed_request(office, alice, DUE, name="Other", slug="other").assessment
    assert "criterion-asked" not in category(client_for(alice), draft, "C1")
    assert "Asked of the operator" not in client_for(alice).get(draft.get_absolute_url()).text
