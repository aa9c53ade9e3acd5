"""Freezing at approval: a stored, self-consistent version; nothing stored if rendering fails."""

import io
import json

import pytest
import typst
from django.db import transaction
from pypdf import PdfReader

from safeguards import canonical
from safeguards.audit.models import Event
from safeguards.reports.check import check_report, embedded_json
from safeguards.reports.freeze import freeze_report
from safeguards.reports.models import ReportVersion
from safeguards.reports.pdf import RenderFailed
from safeguards.reviews import workflow

from .builders import answered_assessment


def freeze(assessment, user):
    with transaction.atomic():
        return freeze_report(assessment, approved_by=user)


def test_freeze_stores_json_fingerprint_and_pdf_that_agree(office, alice, bob):
    version = freeze(answered_assessment(office, alice), bob)
    data = json.loads(version.canonical_json)
    assert version.number == 1 and data["report_version"] == 1
    assert data["status"] == "approved" and data["assessment"]["status"] == "approved"
    assert data["fingerprint"] == version.fingerprint and check_report(data).intact
    assert canonical.sha256_hex(bytes(version.pdf)) == version.pdf_sha256
    assert json.loads(embedded_json(bytes(version.pdf))) == data
    assert data["approvals"][-1]["role"] == "approver"
    assert data["approvals"][-1]["username"] == "bob"


def test_next_freeze_is_version_two(office, alice, bob):
    assessment = answered_assessment(office, alice)
    freeze(assessment, bob)
    assert freeze(assessment, bob).number == 2


def test_freeze_writes_an_audit_event_with_the_fingerprint(office, alice, bob):
    version = freeze(answered_assessment(office, alice), bob)
    event = Event.objects.get(action="report.frozen")
    assert event.after["fingerprint"] == version.fingerprint


def test_failed_rendering_leaves_no_version(office, alice, bob, monkeypatch):
    assessment = answered_assessment(office, alice)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(typst, "compile", broken)
    with pytest.raises(RenderFailed) as failure:
        freeze(assessment, bob)
    assert isinstance(failure.value.__cause__, OSError)
    assert not ReportVersion.objects.exists()
    assert not Event.objects.filter(action="report.frozen").exists()


def test_approval_through_the_workflow_freezes_the_report(office, alice, bob):
    assessment = answered_assessment(office, alice)
    workflow.approve(assessment, by=bob)
    version = ReportVersion.objects.get(assessment=assessment)
    data = json.loads(version.canonical_json)
    assert version.approved_at.isoformat().startswith(data["approvals"][-1]["at"][:19])
    pages = PdfReader(io.BytesIO(bytes(version.pdf))).pages
    text = " ".join("\n".join(page.extract_text() for page in pages).split())
    assert "APPROVED BY bob" in text


def test_the_signed_pdf_prints_the_attestation_and_note_in_the_sign_off(office, alice, bob):
    assessment = answered_assessment(office, alice)
    workflow.approve(
        assessment,
        by=bob,
        note="Subject to the retention caveat.",
        attestation="I have read every answer and its evidence.",
    )
    version = ReportVersion.objects.get(assessment=assessment)
    pages = PdfReader(io.BytesIO(bytes(version.pdf))).pages
    text = " ".join("\n".join(page.extract_text() for page in pages).split())
    signoff = text[text.rindex("Sign-off") :]
    assert "Attested: “I have read every answer and its evidence.”" in signoff
    assert "Note: Subject to the retention caveat." in signoff
    data = json.loads(version.canonical_json)
    assert data["approvals"][-1]["note"] == "Subject to the retention caveat."
