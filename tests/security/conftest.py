"""Fixtures of the security tests: one office's records in every workflow state, evidence
files kept in a temporary folder, and a snapshot of the database to prove nothing changed."""

import datetime
import io
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from pypdf import PdfWriter

from safeguards.audit.models import Event
from safeguards.reports.models import ReportVersion
from safeguards.reviews import workflow
from safeguards.reviews.models import Answer, Assessment, Deployment, Evidence, WorkflowStep
from tests.factories import make_assessment, make_deployment, make_framework
from tests.reports.builders import answered_assessment


def _one_page_pdf() -> bytes:
    # A real (blank) page, so the approval can sign it like a rendered report.
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
ONE_PAGE_PDF = _one_page_pdf()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Evidence files and cached drafts go to this test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path
    return settings.MEDIA_ROOT


def stored_files(media) -> list:
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


@pytest.fixture
def framework(db):
    return make_framework()


@pytest.fixture
def deployment(office, alice):
    return make_deployment(office, alice)


@pytest.fixture
def draft(deployment, framework, alice):
    """A draft with the first two criteria answered by alice."""
    return make_assessment(deployment, framework, alice, answers={"C1-1": "met", "C1-2": "not_met"})


@pytest.fixture
def in_review(office, alice):
    """Every criterion answered by alice, submitted; bob scored nothing in it."""
    return answered_assessment(office, alice, slug="review-framework")


@pytest.fixture
def approved(office, alice, bob):
    """Approved by bob, with its frozen report version 1 (a stand-in PDF: rendering a real
    one takes seconds and is tested in tests/reports)."""
    assessment = answered_assessment(office, alice, slug="approved-framework")
    with mock.patch("safeguards.reports.freeze.render_pdf", return_value=ONE_PAGE_PDF):
        workflow.approve(assessment, bob)
    assessment.refresh_from_db()
    return assessment


@pytest.fixture
def evidence_file(deployment, alice, media):
    """A PDF attached to the deployment, stored in MEDIA_ROOT."""
    evidence = Evidence(
        office=deployment.office,
        deployment=deployment,
        title="Statement of work",
        kind="file",
        retrieved_on=datetime.date(2026, 10, 1),
        file_name="sow.pdf",
        file_size=len(PDF),
        file_sha256="0" * 64,
        file_type="application/pdf",
        added_by=alice,
    )
    evidence.file.save("sow-stored.pdf", ContentFile(PDF), save=False)
    evidence.save()
    return evidence


COUNTED = (Event, Deployment, Assessment, Answer, Evidence, WorkflowStep, ReportVersion)


def db_state() -> dict:
    """Row counts of everything a request could write, plus what changes in place:
    assessment statuses, answer and deployment versions, the links of evidence to answers."""
    state = {model.__name__: model.objects.count() for model in COUNTED}
    state["links"] = Answer.evidence.through.objects.count()
    state["statuses"] = sorted(Assessment.objects.values_list("pk", "status"))
    state["answer_versions"] = sorted(Answer.objects.values_list("pk", "version"))
    state["deployment_versions"] = sorted(Deployment.objects.values_list("pk", "version"))
    return state
