"""The executive summary: a reviewer writes it on a draft; it is audited and printed."""

import pytest
from django.urls import reverse

from safeguards.audit.models import Event
from safeguards.reports.data import live_report
from safeguards.reviews import workflow
from tests.factories import make_assessment, make_deployment, make_framework

TEXT = "The agency bought a year of face search.\n\nNo policy limits what agents may upload."


@pytest.fixture
def draft(office, alice):
    version = make_framework()
    answers = {criterion.code: "met" for criterion in version.criteria.all()}
    return make_assessment(make_deployment(office, alice), version, alice, answers=answers)


def url(assessment):
    return reverse("reviews:assessment_executive_summary", args=[assessment.pk])


def test_reviewer_saves_it_and_it_is_audited_and_in_the_report(client_for, alice, draft):
    response = client_for(alice).post(url(draft), {"executive_summary": TEXT})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.executive_summary == TEXT
    event = Event.objects.get(action="assessment.executive_summary_edited")
    assert event.before == {"executive_summary": ""}
    assert event.after == {"executive_summary": TEXT}
    assert live_report(draft).as_dict()["assessment"]["executive_summary"] == TEXT


def test_the_report_page_shows_it(client_for, alice, draft):
    workflow.edit_executive_summary(draft, alice, TEXT)
    page = client_for(alice).get(reverse("reports:assessment_report", args=[draft.pk]))
    assert page.status_code == 200
    assert "No policy limits what agents may upload." in page.content.decode()


def test_saving_the_same_text_writes_no_event(alice, draft):
    workflow.edit_executive_summary(draft, alice, TEXT)
    workflow.edit_executive_summary(draft, alice, TEXT)
    assert Event.objects.filter(action="assessment.executive_summary_edited").count() == 1


def test_an_assessment_in_review_refuses_with_the_error_by_the_field(client_for, alice, draft):
    workflow.submit(draft, alice)
    response = client_for(alice).post(url(draft), {"executive_summary": TEXT})
    assert response.status_code == 200
    assert "Only a draft can be edited" in response.content.decode()
    draft.refresh_from_db()
    assert draft.executive_summary == ""


def test_too_long_a_summary_is_refused_by_the_field(client_for, alice, draft):
    response = client_for(alice).post(url(draft), {"executive_summary": "x" * 10001})
    assert response.status_code == 200
    assert "at most 10000 characters" in response.content.decode()


def test_viewer_gets_403_and_outsider_404(client_for, victor, mallory, draft):
    assert client_for(victor).get(url(draft)).status_code == 403
    assert client_for(mallory).get(url(draft)).status_code == 404
