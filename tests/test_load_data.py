"""The load-data generator: the volumes asked for, every criterion answered, a valid chain."""

import io

import pytest
from django.core.management import CommandError, call_command

from safeguards.accounts.models import Membership, Office
from safeguards.audit.models import Event
from safeguards.audit.verify import verify_chain
from safeguards.reviews.models import Answer, Assessment, Deployment


def generate(**options):
    out = io.StringIO()
    call_command("generate_load_data", stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_makes_the_requested_counts_in_the_office():
    generate(deployments=3, assessments=7, events=50, office="load", criteria_per_category=2)
    office = Office.objects.get(slug="load")
    assert Deployment.objects.filter(office=office).count() == 3
    assert Assessment.objects.filter(office=office).count() == 7
    assert Event.objects.filter(office=office).count() == 50
    assert Membership.objects.filter(office=office).count() == 4


@pytest.mark.django_db
def test_every_assessment_has_an_answer_for_every_criterion():
    generate(deployments=2, assessments=4, events=0, criteria_per_category=3, categories=5)
    for assessment in Assessment.objects.all():
        criteria = assessment.framework_version.criteria.count()
        assert criteria == 15
        assert Answer.objects.filter(assessment=assessment).count() == criteria


@pytest.mark.django_db
def test_default_framework_is_loaded_when_missing():
    generate(deployments=1, assessments=1, events=0)
    assessment = Assessment.objects.get()
    assert assessment.framework_version.framework.slug == "fr-deployment-safeguards"
    assert assessment.answers.count() == assessment.framework_version.criteria.count() > 0


@pytest.mark.django_db
def test_audit_chain_verifies_after_generating():
    generate(deployments=2, assessments=3, events=120, criteria_per_category=2)
    result = verify_chain()
    assert result.problem is None
    assert result.count == Event.objects.count()
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "intact" in out.getvalue()


@pytest.mark.django_db
def test_running_again_adds_to_the_same_office_and_chain():
    generate(deployments=2, assessments=2, events=30, criteria_per_category=2)
    generate(deployments=1, assessments=2, events=30, criteria_per_category=2)
    assert Deployment.objects.count() == 3
    assert Assessment.objects.count() == 4
    assert Office.objects.filter(slug="load-test").count() == 1
    assert verify_chain().problem is None


@pytest.mark.django_db
def test_assessments_without_any_deployment_are_refused():
    with pytest.raises(CommandError, match="need deployments"):
        generate(deployments=0, assessments=2, events=0)
    assert not Assessment.objects.exists()


@pytest.mark.django_db
def test_negative_counts_are_refused():
    with pytest.raises(CommandError, match="0 or more"):
        generate(deployments=-1)
