"""An approval under way claims its assessment: a second approver is told at once, instead of
rendering and signing the report again only to be refused when the first one is written."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguards.accounts.models import Role
from safeguards.reports import freeze
from safeguards.reports.models import ReportVersion
from safeguards.reviews import workflow
from safeguards.reviews.models import Assessment
from safeguards.reviews.workflow import WorkflowError
from tests.conftest import make_member
from tests.factories import make_assessment, make_deployment, make_framework


@pytest.fixture
def in_review(office, alice):
    version = make_framework()
    answers = {criterion.code: "met" for criterion in version.criteria.all()}
    assessment = make_assessment(make_deployment(office, alice), version, alice, answers=answers)
    workflow.submit(assessment, by=alice)
    return assessment


@pytest.fixture
def bianca(office):
    """A second approver in alice's office."""
    return make_member(office, "bianca", Role.APPROVER)


def claim(assessment, by, ago: float = 0):
    since = timezone.now() - datetime.timedelta(seconds=ago)
    Assessment.objects.filter(pk=assessment.pk).update(approving_by=by, approving_since=since)


def claimed_by(assessment):
    return Assessment.objects.values_list("approving_by", flat=True).get(pk=assessment.pk)


def no_render(*args, **kwargs):
    raise AssertionError("the report must not be rendered")


def test_a_second_approver_is_refused_without_a_render(in_review, bob, bianca, monkeypatch):
    claim(in_review, bianca)
    monkeypatch.setattr(freeze, "prepare", no_render)
    with pytest.raises(WorkflowError) as error:
        workflow.approve(in_review, bob)
    assert error.value.problems == [
        "bianca is approving this assessment right now. Look at it again in a minute."
    ]
    assert Assessment.objects.get(pk=in_review.pk).status == "in_review"
    assert not ReportVersion.objects.exists()
    assert claimed_by(in_review) == bianca.pk  # the other approval's claim stays


def test_a_second_click_of_the_same_approver_is_refused_too(in_review, bob, monkeypatch):
    claim(in_review, bob)
    monkeypatch.setattr(freeze, "prepare", no_render)
    with pytest.raises(WorkflowError, match="You are approving this assessment right now"):
        workflow.approve(in_review, bob)


def test_the_claim_holds_during_the_render_and_is_cleared_after(in_review, bob, monkeypatch):
    seen = []
    prepare = freeze.prepare

    def watching(*args, **kwargs):
        seen.append(claimed_by(in_review))
        return prepare(*args, **kwargs)

    monkeypatch.setattr(freeze, "prepare", watching)
    workflow.approve(in_review, bob)
    assert seen == [bob.pk]
    assert Assessment.objects.values_list("status", "approving_by", "approving_since").get(
        pk=in_review.pk
    ) == ("approved", None, None)


def test_a_failed_approval_releases_its_claim(in_review, bob, bianca, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("renderer gone")

    monkeypatch.setattr(freeze, "prepare", broken)
    with pytest.raises(RuntimeError):
        workflow.approve(in_review, bob)
    assert claimed_by(in_review) is None
    monkeypatch.undo()
    workflow.approve(in_review, bianca)
    assert Assessment.objects.get(pk=in_review.pk).status == "approved"


def test_a_claim_left_by_a_stopped_process_expires(in_review, bob, bianca):
    claim(in_review, bianca, ago=workflow.approval_claim_seconds() + 1)
    workflow.approve(in_review, bob)
    assert Assessment.objects.get(pk=in_review.pk).status == "approved"
    assert claimed_by(in_review) is None


def test_someone_who_may_not_approve_claims_nothing(in_review, alice, bob):
    with pytest.raises(WorkflowError):
        workflow.approve(in_review, alice)  # the reviewer who answered it
    assert claimed_by(in_review) is None
    workflow.approve(in_review, bob)


def test_the_approval_page_says_who_is_approving(client_for, in_review, bob, bianca):
    claim(in_review, bianca)
    url = reverse("reviews:assessment_approve", args=[in_review.pk])
    response = client_for(bob).post(url, {"confirm": "on"}, follow=True)
    assert "bianca is approving this assessment right now" in response.content.decode()
    assert Assessment.objects.get(pk=in_review.pk).status == "in_review"
