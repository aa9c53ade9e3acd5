"""Demo v2: the v1 assessment approved, its re-assessment on framework version 2 in review,
each answer citing evidence of its own."""

import io
import json
from collections import Counter

import pytest
from django.core.management import call_command

from safeguards import scoring
from safeguards.reports.models import ReportVersion
from safeguards.reviews import demo, importer
from safeguards.reviews.models import Assessment, Deployment

HANDFUL = 5


@pytest.fixture
def demo_db(settings, tmp_path, db):
    settings.DATA_DIR = tmp_path
    for command in ("load_frameworks", "setup_demo", "setup_demo"):
        call_command(command, stdout=io.StringIO())


@pytest.fixture
def second(demo_db):
    return Assessment.objects.get(framework_version__version=2)


def test_v1_is_approved_and_v2_is_its_re_assessment_in_review(demo_db):
    deployment = Deployment.objects.get()
    first, second = deployment.assessments.order_by("framework_version__version")
    assert (first.framework_version.version, first.status) == (1, "approved")
    assert ReportVersion.objects.filter(assessment=first).count() == 1
    assert (second.framework_version.version, second.status) == (2, "in_review")
    assert second.based_on == first
    assert not second.answers.filter(status=scoring.NOT_ASSESSED).exists()


def test_every_v2_answer_cites_evidence_not_shared_by_more_than_a_handful(second):
    answers = list(second.answers.prefetch_related("evidence"))
    uses = Counter(item.pk for answer in answers for item in answer.evidence.all())
    for answer in answers:
        items = list(answer.evidence.all())
        assert items, answer.criterion.code
        assert min(uses[item.pk] for item in items) <= HANDFUL, answer.criterion.code


def test_no_v2_evidence_item_lacks_a_source(second):
    items = {item for answer in second.answers.all() for item in answer.evidence.all()}
    for item in items:
        assert (
            item.url
            or item.citation.startswith(("Sources read:", "Documents considered:"))
            or (item.citation and "(" in item.title)
        ), item.title
        assert item.excerpt, item.title


def test_v2_answers_follow_the_review(second):
    statuses = {a.criterion.code: a.status for a in second.answers.select_related("criterion")}
    assert statuses["TRANS-1"] == "undisclosed"
    assert statuses["ACCT-1"] == statuses["ACCT-2"] == "undisclosed"
    assert statuses["HUM-1"] == "partial"
    result_verdicts = json.loads(ReportVersion.objects.get().canonical_json)["method"]
    assert result_verdicts == 2


def test_the_demo_deployment_says_planned_procurement_and_names_tvs(demo_db):
    deployment = Deployment.objects.get()
    assert "planned sole-source procurement" in deployment.contract_reference.lower()
    assert "sole-source award" not in deployment.contract_reference.lower()
    assert "Traveler Verification" in deployment.connected_systems


def test_the_v2_file_is_a_valid_import_document(db):
    call_command("load_frameworks", stdout=io.StringIO())
    raw = demo.DEMO_FILE_V2.read_bytes()
    doc, errors = importer.parse(raw)
    assert errors == []
    assert importer.validate(doc, importer.load_catalog(), set()) == []
