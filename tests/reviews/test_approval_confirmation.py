"""Approving takes a confirmation: the office's attestation ticked, an optional note, both kept."""

import json

from django.urls import reverse

from safeguards.audit.models import Event
from safeguards.reports.models import ReportVersion
from safeguards.reviews.models import StepKind

from .test_workflow import complete, deployment, in_review, version  # noqa: F401 (fixtures)


def approve_url(assessment):
    return reverse("reviews:assessment_approve", args=[assessment.pk])


def test_confirmation_page_shows_the_office_attestation(client_for, bob, in_review, office):  # noqa: F811
    office.attestation_text = "I have read every answer and the evidence cited for it."
    office.save()
    response = client_for(bob).get(approve_url(in_review))
    assert response.status_code == 200
    assert b"I have read every answer and the evidence cited for it." in response.content
    in_review.refresh_from_db()
    assert in_review.status == "in_review"


def test_approval_without_ticking_the_statement_is_refused_by_the_field(client_for, bob, in_review):  # noqa: F811
    response = client_for(bob).post(approve_url(in_review), {"note": "Fine."})
    assert response.status_code == 400
    assert b"Tick the statement to confirm it before approving." in response.content
    in_review.refresh_from_db()
    assert in_review.status == "in_review"
    assert not ReportVersion.objects.exists()


def test_approval_records_attestation_and_note_in_step_event_and_report(
    client_for,
    bob,
    in_review,  # noqa: F811
    office,
):
    office.attestation_text = "I have reviewed every answer."
    office.save()
    response = client_for(bob).post(
        approve_url(in_review), {"confirm": "on", "note": "Subject to the RET-2 caveat."}
    )
    assert response.status_code == 302
    step = in_review.steps.get(kind=StepKind.APPROVED)
    assert (step.attestation, step.note) == (
        "I have reviewed every answer.",
        "Subject to the RET-2 caveat.",
    )
    event = Event.objects.get(action="assessment.approved")
    assert event.after["attestation"] == "I have reviewed every answer."
    assert event.after["note"] == "Subject to the RET-2 caveat."
    report = json.loads(ReportVersion.objects.get().canonical_json)
    approver = [a for a in report["approvals"] if a["role"] == "approver"]
    assert approver == [
        {
            "role": "approver",
            "username": "bob",
            "at": approver[0]["at"],
            "attestation": "I have reviewed every answer.",
            "note": "Subject to the RET-2 caveat.",
            **{k: v for k, v in approver[0].items() if k in ("name", "title")},
        }
    ]


def test_confirmation_page_is_refused_to_a_reviewer(client_for, alice, in_review):  # noqa: F811
    response = client_for(alice).get(approve_url(in_review))
    assert response.status_code == 403
