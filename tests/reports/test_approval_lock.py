"""Approval renders and signs its PDF without holding the database's write lock.

These tests commit for real (transactional_db): "outside the transaction" then means outside
every transaction, and an edit made by another thread during the render is really there.
"""

import json
import threading
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection, transaction

from safeguards.audit import record as audit_record
from safeguards.audit.models import Event
from safeguards.audit.record import record
from safeguards.audit.verify import verify_chain
from safeguards.reports import freeze
from safeguards.reports.check import embedded_json
from safeguards.reports.models import ReportVersion
from safeguards.reviews import workflow
from safeguards.reviews.models import Answer
from safeguards.signing.models import SigningCertificate

from .builders import answered_assessment


@pytest.fixture(autouse=True)
def committing(transactional_db):
    """Every test here commits (the project's transactional_db lifts the audit triggers for
    the clean-up)."""


def key_files() -> set[str]:
    folder = settings.SIGNING_KEYS_DIR
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def edit_in_another_thread(assessment, by, text: str) -> None:
    """What a reviewer's save does to the data, from its own connection; fails the test if
    it cannot write within ten seconds (the approval would be holding the lock)."""
    failures = []

    def edit():
        try:
            with transaction.atomic():
                answer = Answer.objects.filter(assessment=assessment).order_by("pk").first()
                Answer.objects.filter(pk=answer.pk).update(rationale=text)
                record(
                    "answer.changed",
                    actor=by,
                    office=assessment.office_id,
                    target=answer,
                    assessment=assessment,
                    after={"rationale": text},
                )
        except Exception as error:  # reported below
            failures.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=edit)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive() and failures == []


def watch(target, calls: list, before=None):
    """A wrapper of `freeze.<target>` noting whether each call runs inside a transaction."""
    real = getattr(freeze, target)

    def watching(*args, **kwargs):
        calls.append(connection.in_atomic_block)
        if before:
            before(len(calls))
        return real(*args, **kwargs)

    return mock.patch.object(freeze, target, watching)


def test_the_pdf_is_rendered_and_signed_outside_any_transaction(office, alice, bob):
    assessment = answered_assessment(office, alice)
    renders, signatures = [], []
    with watch("render_pdf", renders), watch("sign_pdf", signatures):
        step = workflow.approve(assessment, by=bob)
    assert renders == [False] and signatures == [False]
    version = ReportVersion.objects.get(assessment=assessment)
    assert embedded_json(bytes(version.pdf)) == version.canonical_json.encode()
    assert step.at == version.approved_at
    data = json.loads(version.canonical_json)
    # Anchored at the history it approves: the assessment's events before the approval.
    approval = Event.objects.get(action="assessment.approved", assessment_id=assessment.pk)
    earlier = Event.objects.filter(assessment_id=assessment.pk, seq__lt=approval.seq)
    assert data["audit"] == {
        "events": earlier.count(),
        "head": earlier.order_by("-seq").first().hash,
    }


def test_an_edit_made_during_the_render_is_in_the_stored_report(office, alice, bob):
    assessment = answered_assessment(office, alice)
    renders = []

    def edit_once(n):
        if n == 1:
            edit_in_another_thread(assessment, alice, "Changed while the PDF was made.")

    with watch("render_pdf", renders, before=edit_once):
        workflow.approve(assessment, by=bob)
    assert renders == [False, False]  # rendered again, still outside the lock
    version = ReportVersion.objects.get(assessment=assessment)
    data = json.loads(version.canonical_json)
    assert data["criteria"][0]["rationale"] == "Changed while the PDF was made."
    assert json.loads(embedded_json(bytes(version.pdf))) == data
    assert assessment.steps.filter(kind="approved").count() == 1
    assert verify_chain().problem is None


def test_an_assessment_that_keeps_changing_is_approved_with_a_render_under_the_lock(
    office, alice, bob
):
    assessment = answered_assessment(office, alice)
    renders = []

    def edit_while_unlocked(n):
        if n <= workflow.APPROVAL_ATTEMPTS:
            edit_in_another_thread(assessment, alice, f"Edit number {n}.")

    with watch("render_pdf", renders, before=edit_while_unlocked):
        workflow.approve(assessment, by=bob)
    # Overtaken APPROVAL_ATTEMPTS times, then rendered inside the transaction.
    assert renders == [False] * workflow.APPROVAL_ATTEMPTS + [True]
    version = ReportVersion.objects.get(assessment=assessment)
    data = json.loads(version.canonical_json)
    assert data["criteria"][0]["rationale"] == f"Edit number {workflow.APPROVAL_ATTEMPTS}."
    assert json.loads(embedded_json(bytes(version.pdf))) == data
    assert assessment.steps.filter(kind="approved").count() == 1
    assert SigningCertificate.objects.count() == 1  # one key kept, none of the overtaken
    assert verify_chain().problem is None


def test_a_refused_approval_keeps_nothing(office, alice, bob, victor):
    assessment = answered_assessment(office, alice)
    keys = key_files()
    with pytest.raises(workflow.WorkflowError):
        workflow.approve(assessment, by=victor)  # a viewer
    assessment.refresh_from_db()
    assert assessment.status == "in_review" and not ReportVersion.objects.exists()
    assert not SigningCertificate.objects.exists() and key_files() == keys


def test_a_crash_after_the_first_key_was_written_leaves_no_key_behind(office, alice, bob):
    assessment = answered_assessment(office, alice)
    keys = key_files()
    with (
        mock.patch.object(freeze, "record", side_effect=RuntimeError("audit")),
        pytest.raises(RuntimeError),
    ):
        workflow.approve(assessment, by=bob)
    assert not SigningCertificate.objects.exists() and key_files() == keys
    assert Answer.objects.filter(assessment=assessment).exists()
    workflow.approve(assessment, by=bob)  # and the next approval works
    certificate = SigningCertificate.objects.get()
    assert key_files() == keys | {f"{certificate.key_id}.key.pem"}


def test_the_approval_locks_the_chain_head_once_after_assembling_its_report(office, alice, bob):
    """Its rehearsal writes no event, and its transaction writes them all at its end: the
    head is not held while the report is assembled and compared."""
    assessment = answered_assessment(office, alice)
    steps, real_lock = [], audit_record.lock_head

    def lock_head():
        steps.append("lock")
        return real_lock()

    assemblies = []
    with (
        mock.patch.object(audit_record, "lock_head", lock_head),
        watch("assemble_frozen", assemblies, before=lambda n: steps.append("assemble")),
    ):
        workflow.approve(assessment, by=bob)
    assert steps == ["assemble", "assemble", "lock"]  # the rehearsal's, the check's, then
    approval = Event.objects.filter(assessment_id=assessment.pk).order_by("seq")
    actions = [
        e.action for e in approval.filter(seq__gte=approval.get(action="assessment.approved").seq)
    ]
    assert actions[0] == "assessment.approved" and actions[-1] == "report.frozen"
    assert verify_chain().problem is None


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's IMMEDIATE transaction locks every writer"
)
def test_another_assessment_is_saved_while_the_approval_assembles_its_report(office, alice, bob):
    assessment = answered_assessment(office, alice)
    other = answered_assessment(office, alice, slug="other-framework")

    def edit_other(n):  # fails the test if the approval holds the chain head meanwhile
        edit_in_another_thread(other, alice, f"Saved during assembly {n}.")

    with watch("assemble_frozen", [], before=edit_other):
        workflow.approve(assessment, by=bob)
    texts = Answer.objects.filter(assessment=other).values_list("rationale", flat=True)
    assert "Saved during assembly 2." in texts
    assert ReportVersion.objects.filter(assessment=assessment).count() == 1
    assert verify_chain().problem is None
