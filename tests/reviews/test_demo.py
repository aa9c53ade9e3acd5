"""The demo content of `make run`: the CBP contract, assessed from the public record, in review."""

import io
import json

import pytest
from django.core.management import call_command

from safeguards import scoring
from safeguards.accounts.models import Office
from safeguards.reviews import demo, importer
from safeguards.reviews.models import Assessment, Deployment, Evidence, WorkflowStep


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def quiet(*args):
    call_command(*args, stdout=io.StringIO())


def test_setup_demo_twice_makes_one_deployment_and_two_assessments(data_dir, db):
    quiet("load_frameworks")
    quiet("setup_demo")
    quiet("setup_demo")
    deployment = Deployment.objects.get()
    assert deployment.office == Office.objects.get(slug="demo")
    assert deployment.vendor == "Clearview AI"
    assert deployment.contract_value == 225000
    first = Assessment.objects.get(framework_version__version=1)
    assert first.status == "approved"
    assert first.framework_version.framework.slug == "fr-deployment-safeguards"
    assert [step.kind for step in WorkflowStep.objects.filter(assessment=first)] == [
        "submitted",
        "approved",
    ]
    assert Assessment.objects.get(framework_version__version=2).status == "in_review"
    assert Assessment.objects.count() == 2
    assert Evidence.objects.filter(deployment=deployment).count() > 4
    assert not first.answers.filter(status=scoring.NOT_ASSESSED).exists()


def test_with_only_version_1_loaded_the_demo_is_one_assessment_in_review(data_dir, db):
    from safeguards.catalog.loader import load
    from safeguards.catalog.management.commands.load_frameworks import FRAMEWORKS_DIR

    load(FRAMEWORKS_DIR / "fr-deployment-safeguards.yaml", "tests")
    quiet("setup_demo")
    assert Assessment.objects.get().status == "in_review"


def test_the_demo_audit_chain_verifies(data_dir, db):
    quiet("load_frameworks")
    quiet("setup_demo")
    quiet("setup_demo")
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "intact" in out.getvalue()


def test_demo_answers_are_mostly_undisclosed_with_recommendations_for_gaps(data_dir, db):
    quiet("load_frameworks")
    quiet("setup_demo")
    answers = list(Assessment.objects.get(framework_version__version=1).answers.all())
    undisclosed = [a for a in answers if a.status == scoring.UNDISCLOSED]
    assert len(undisclosed) > len(answers) / 2
    assert {a.status for a in answers} >= {"undisclosed", "partial", "not_met"}
    assert all(a.rationale and a.recommendation for a in answers if a.status != scoring.MET)


def test_without_the_framework_the_demo_creates_nothing(data_dir, db):
    quiet("setup_demo")
    assert not Deployment.objects.exists()
    assert demo.create_demo_content(Office.objects.get(slug="demo"), {}) == ""


def test_the_demo_file_is_a_valid_import_document(db):
    quiet("load_frameworks")
    raw = demo.DEMO_FILE.read_bytes()
    doc, errors = importer.parse(raw)
    assert errors == []
    assert importer.validate(doc, importer.load_catalog(), set()) == []
    assert json.loads(raw)["schema"] == importer.SCHEMA
