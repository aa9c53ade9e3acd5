"""Fixtures of the follow-up tests: approved assessments with numbered recommendations."""

from unittest import mock

import pytest
from django.utils import timezone

from safeguards.reviews import workflow
from safeguards.reviews.models import Answer
from tests.reports.builders import answered_assessment
from tests.security.conftest import ONE_PAGE_PDF as PDF  # a blank page the approval can sign


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path
    return settings.MEDIA_ROOT


def approve(assessment, approver, decision=None):
    """Approve with a stand-in PDF (a real one takes seconds; tests/reports renders them)."""
    with mock.patch("safeguards.reports.freeze.render_pdf", return_value=PDF):
        workflow.approve(assessment, approver, decision)
    assessment.refresh_from_db()
    return assessment


def reassess(source, reviewer, approver, changes: dict[str, str], *, framework_version=None):
    """A re-assessment of the source's deployment with some statuses changed, approved."""
    made = workflow.start_from(
        source,
        framework_version or source.framework_version,
        title=f"Re-assessment of {source.title}",
        as_of=timezone.localdate(),
        by=reviewer,
    ).assessment
    for code, status in changes.items():
        Answer.objects.filter(assessment=made, criterion__code=code).update(
            status=status, rationale=f"Now {status}.", updated_by=reviewer
        )
    workflow.submit(made, reviewer)
    return approve(made, approver)


@pytest.fixture
def approved(office, alice, bob):
    """Approved: gaps C1-2 (partial), C1-3 (not met), C2-1 (undisclosed), each with a
    recommendation, so three numbered recommendations OIG-YYYY-01..03."""
    return approve(answered_assessment(office, alice, slug="followup-framework"), bob)


def undisclosed_request(office, by, due_on, *, name="Border face search", slug="test-framework"):
    """A request (not sent yet) from a new draft whose C1-2 and C2-1 are undisclosed."""
    from tests.factories import make_assessment, make_deployment, make_framework

    answers = {"C1-2": "undisclosed", "C2-1": "undisclosed"}
    draft = make_assessment(
        make_deployment(office, by, name=name), make_framework(slug=slug), by, answers=answers
    )
    return request_for(draft, by, due_on)


def request_for(assessment, by, due_on):
    """A request (not sent yet) to Pat Doe of the border agency, of the assessment's
    undisclosed criteria."""
    from safeguards.followup import requests

    return requests.create(
        assessment,
        by,
        recipient={"name": "Pat Doe", "organisation": "Border agency", "email": ""},
        due_on=due_on,
        covering_letter="Please answer.",
    )
