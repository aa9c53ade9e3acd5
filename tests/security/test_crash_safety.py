"""Crash safety: a failure at any step of a multi-step action leaves no partial state.

An exception is injected into a collaborator (the PDF renderer, the audit writer, the ORM,
file storage) at each step; afterwards there are no new rows, no audit events, no files
in MEDIA_ROOT, and the assessment's status is what it was. These tests commit for real
(transactional_db), so a rollback is a real rollback, not a test savepoint's.
"""

import json
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from safeguards import scoring
from safeguards.audit import record as audit_record
from safeguards.audit.verify import verify_chain
from safeguards.reports import freeze
from safeguards.reviews import importer, workflow
from safeguards.reviews.forms import evidence as evidence_form
from safeguards.reviews.models import Answer, AnswerChange, Assessment, Evidence

from .conftest import ONE_PAGE_PDF, PDF, db_state, stored_files


class Injected(RuntimeError):
    """The failure these tests cause on purpose."""


def failing_on(action: str):
    """audit.record that fails when asked to write `action`, and works otherwise."""
    real = audit_record.record

    def record(name, **kwargs):
        if name == action:
            raise Injected(f"crash while recording {name}")
        return real(name, **kwargs)

    return record


def assert_nothing_changed(before: dict, media) -> None:
    assert db_state() == before
    assert stored_files(media) == []
    assert verify_chain().problem is None


# --- approval, which freezes a report version -----------------------------------------------

APPROVAL_STEPS = {
    "after the workflow step": ("safeguards.reports.freeze.freeze_report", Injected("freeze")),
    "while rendering the PDF": ("safeguards.reports.freeze.render_pdf", Injected("weasyprint")),
    "after storing the version": ("safeguards.reports.freeze.record", Injected("audit")),
}


@pytest.mark.parametrize("step", APPROVAL_STEPS)
def test_a_crash_during_approval_leaves_it_in_review(transactional_db, in_review, bob, media, step):
    target, error = APPROVAL_STEPS[step]
    before = db_state()
    with mock.patch(target, side_effect=error), pytest.raises(Injected):
        workflow.approve(in_review, bob)
    assert Assessment.objects.get(pk=in_review.pk).status == "in_review"
    assert not in_review.report_versions.exists()
    assert not in_review.steps.filter(kind="approved").exists()
    assert_nothing_changed(before, media)


def test_after_a_crashed_approval_the_next_one_freezes_version_1(
    transactional_db, in_review, bob, media
):
    with mock.patch.object(freeze, "render_pdf", side_effect=Injected), pytest.raises(Injected):
        workflow.approve(in_review, bob)
    with mock.patch.object(freeze, "render_pdf", return_value=ONE_PAGE_PDF):
        workflow.approve(Assessment.objects.get(pk=in_review.pk), bob)
    assert list(in_review.report_versions.values_list("number", flat=True)) == [1]


# --- import ---------------------------------------------------------------------------------


def import_document(framework) -> bytes:
    evidence = {"title": "Notice", "kind": "web_page", "url": "https://example.org/notice"}
    return json.dumps(
        {
            "schema": "safeguards.assessment-import/1",
            "framework": {"slug": framework.framework.slug, "version": framework.version},
            "deployment": {"name": "Imported deployment", "operator": "Border agency"},
            "assessment": {"title": "Imported", "as_of": "2026-11-01"},
            "answers": [
                {"code": "C1-1", "status": "met", "rationale": "Clause 4.", "evidence": [evidence]},
                {
                    "code": "C1-2",
                    "status": "undisclosed",
                    "rationale": "Silent.",
                    "evidence": [evidence],
                },
            ],
        }
    ).encode()


IMPORT_STEPS = {
    "after the deployment": lambda: mock.patch.object(
        Assessment.objects, "create", side_effect=Injected("assessment")
    ),
    "after the assessment": lambda: mock.patch.object(
        Answer.objects, "bulk_create", side_effect=Injected("answers")
    ),
    "after the evidence": lambda: mock.patch.object(
        Answer.evidence.through.objects, "bulk_create", side_effect=Injected("links")
    ),
    "at the last audit event": lambda: mock.patch.object(
        audit_record, "record", failing_on("assessment.imported")
    ),
}


@pytest.mark.parametrize("step", IMPORT_STEPS)
def test_a_crash_during_import_leaves_nothing(
    transactional_db, framework, alice, office, media, step
):
    before = db_state()
    with IMPORT_STEPS[step](), pytest.raises(Injected):
        importer.import_bytes(import_document(framework), office, alice)
    assert_nothing_changed(before, media)


def test_the_import_document_used_above_imports_when_nothing_fails(
    transactional_db, framework, alice, office
):
    assessment = importer.import_bytes(import_document(framework), office, alice)
    assert assessment.deployment.evidence.count() == 1
    assert assessment.answers.exclude(status=scoring.NOT_ASSESSED).count() == 2


# --- evidence upload ------------------------------------------------------------------------

UPLOAD_STEPS = {
    "after writing the file, before the row": lambda: mock.patch.object(
        Evidence, "save", side_effect=Injected("row")
    ),
    "after the row, at its audit event": lambda: mock.patch.object(
        evidence_form, "record_added", side_effect=Injected("audit")
    ),
}


@pytest.mark.parametrize("step", UPLOAD_STEPS)
def test_a_crash_during_an_upload_leaves_no_row_and_no_file(
    transactional_db, client_for, alice, deployment, media, step
):
    client = client_for(alice)
    client.raise_request_exception = False
    before = db_state()
    with UPLOAD_STEPS[step]():
        response = client.post(
            reverse("reviews:evidence_create", args=[deployment.pk]),
            {"title": "Contract", "kind": "file", "upload": SimpleUploadedFile("c.pdf", PDF)},
        )
    assert response.status_code == 500
    assert_nothing_changed(before, media)


# --- a page of answers ----------------------------------------------------------------------


def test_a_crash_after_a_page_of_answers_is_written_saves_none(
    transactional_db, draft, alice, media
):
    answers = list(draft.answers.filter(criterion__category__code="C2"))
    changes = [
        AnswerChange(answer.pk, answer.version, scoring.NOT_MET, f"Gap {n}.", "Fix it.")
        for n, answer in enumerate(answers)
    ]
    real, calls = audit_record.record_many, []

    def fails_after_the_events(events):
        # Every answer is updated and the page's events are written when this raises.
        calls.append([event["action"] for event in events])
        real(events)
        raise Injected("after the events")

    before = db_state()
    with (
        mock.patch("safeguards.reviews.models.record_many", fails_after_the_events),
        pytest.raises(Injected),
    ):
        draft.save_answers(changes, by=alice)
    assert calls == [["answer.updated"] * len(answers)]
    assert_nothing_changed(before, media)
